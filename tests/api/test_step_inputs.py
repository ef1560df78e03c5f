"""Each action's inputs are written once, in its step's input model: a field added there is a parameter of the
step flow (the Prefect UI's form), an option of `planflow task`, a field of the API's move body in OpenAPI and a
field of the portal's form."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from prefect.utilities.callables import parameter_schema
from sqlalchemy import select

from api.app import app
from flows.lifecycle import STEP_FLOWS, step_flow
from models.db import Database
from models.lifecycle.inputs import STEP_INPUTS, AcknowledgeInput, ask, field_forms
from models.lifecycle.tables import Submission
from planflow.cli import main
from tests.api.people import LEAD
from tests.api.test_portal import TASK, form_key, logged_in

LABEL = "Ghi chú khẩn của đơn vị"


class AcknowledgeWithUrgency(AcknowledgeInput):
    """The lead agency acknowledges the task, saying what is urgent in it."""

    urgency_note: str = ask(LABEL, "", helps="điều cần làm ngay")


def test_every_step_flow_takes_exactly_its_models_fields() -> None:
    """The flows are built from the models: no step has a parameter its model does not declare, or the reverse."""
    own = {"plan", "task", "actor", "idempotency_key", "at", "expected_version", "personal_token"}
    assert set(STEP_FLOWS) == set(STEP_INPUTS)
    for step, model in STEP_INPUTS.items():
        properties = parameter_schema(STEP_FLOWS[step]).model_dump()["properties"]
        decision = {"decision"} if model.decisions else set()
        assert set(properties) == own | decision | set(model.model_fields), step
        for form in field_forms(model):
            assert properties[form.name]["description"] == form.label  # the Prefect UI's form shows the label


def test_a_field_added_to_an_action_reaches_every_door(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    monkeypatch.setitem(STEP_INPUTS, "acknowledge", AcknowledgeWithUrgency)

    flow = step_flow(AcknowledgeWithUrgency, "acknowledge_task")
    schema = parameter_schema(flow).model_dump()
    assert schema["properties"]["urgency_note"]["description"] == LABEL
    assert schema["properties"]["urgency_note"]["default"] == ""

    with pytest.raises(SystemExit) as help_exit:
        main(["task", "acknowledge", "--help"])
    assert help_exit.value.code == 0
    assert "--urgency-note URGENCY_NOTE" in capsys.readouterr().out

    app.openapi_schema = None  # built again from the models as they are now
    try:
        payload = app.openapi()["components"]["schemas"]["MoveIn"]["properties"]["payload"]
    finally:
        app.openapi_schema = None
    acknowledge = next(one for one in payload["anyOf"] if one["title"] == "payload: acknowledge")
    assert acknowledge["properties"]["urgency_note"]["title"] == LABEL
    assert acknowledge["additionalProperties"] is False

    page = logged_in(LEAD).get(TASK).text
    assert re.search(r'<label for="acknowledge-urgency_note">' + LABEL + "</label>", page)
    assert 'name="urgency_note"' in page


def test_the_portal_sends_measures_and_names_as_the_model_reads_them(
    client: TestClient, planflow_env: Database
) -> None:
    """The KPI values (one NAME=NUMBER a line) and the chosen agencies (separated by ;) are form fields too."""
    lead = logged_in(LEAD)
    page = lead.get(TASK).text
    key = form_key(page)
    assert lead.post(TASK, data={"key": key, "action": "acknowledge"}).status_code == 200
    measures = "tỷ lệ văn bản điện tử (%)=85,5\r\n\r\nsố cuộc kiểm tra = 3\r\n"
    submitted = lead.post(TASK, data={"key": key, "action": "submit", "result": "Đã tổ chức", "kpi_values": measures})
    assert submitted.status_code == 200, submitted.text
    with planflow_env.session() as session:
        latest = session.scalars(select(Submission).order_by(Submission.id.desc())).first()
    assert latest is not None and latest.kpi_values == {"tỷ lệ văn bản điện tử (%)": 85.5, "số cuộc kiểm tra": 3.0}
    refused = lead.post(TASK, data={"key": key, "action": "submit", "result": "Lần 2", "kpi_values": "tỷ lệ=nhiều"})
    assert refused.status_code == 422 and "TÊN=SỐ" in refused.text
