"""The API as three people: the secretariat, a lead-agency member and an outsider; each does exactly what
their role allows, the outsider sees nothing, and every action is audited with the person's name."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from models.audit import AuditEvent
from models.db import Database
from tests.api.people import LEAD, OFFICE, OUTSIDER, PASSWORD


def token(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_each_person_sees_their_own_tasks(client: TestClient) -> None:
    office = client.get("/api/tasks", headers=token(client, OFFICE)).json()
    lead = client.get("/api/tasks", headers=token(client, LEAD)).json()
    outsider = client.get("/api/tasks", headers=token(client, OUTSIDER)).json()
    assert len(office) == 58  # the secretariat sees its whole organization
    assert {t["plan"] for t in outsider} == {"hai-phong-2026"}  # only its own committee's plan
    assert lead and all(t["plan"] == "vinh-tuy-2026" for t in lead)
    assert {"29", "47"} <= {t["number"] for t in lead} and len(lead) < 58
    assert client.get("/api/tasks/vinh-tuy-2026/47", headers=token(client, OUTSIDER)).status_code == 404


def test_moves_follow_the_roles(client: TestClient, planflow_env: Database) -> None:
    lead, office, outsider = token(client, LEAD), token(client, OFFICE), token(client, OUTSIDER)
    url = "/api/tasks/vinh-tuy-2026/47/moves"
    assert client.post(url, json={"action": "approve"}, headers=lead).status_code == 409  # not submitted yet
    assert client.post(url, json={"action": "acknowledge"}, headers=office).status_code == 403  # not the lead
    assert client.post(url, json={"action": "acknowledge"}, headers=outsider).status_code == 404
    assert client.post(url, json={"action": "acknowledge"}, headers=lead).json()["to"] == "acknowledged"
    submitted = client.post(url, json={"action": "submit", "payload": {"result": "Hội nghị đã tổ chức"}}, headers=lead)
    assert submitted.json()["to"] == "submitted"
    stale = client.get("/api/tasks/vinh-tuy-2026/47", headers=office).json()["version"]
    assert (
        client.post(url, json={"action": "approve", "expected_version": stale}, headers=office).json()["to"]
        == "approved"
    )
    again = client.post(
        url, json={"action": "return", "payload": {"comment": "x"}, "expected_version": stale}, headers=office
    )
    assert again.status_code == 409 and "vừa được người khác cập nhật" in again.json()["detail"]
    with planflow_env.session() as session:
        actors = [
            e.actor
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.entity_key == "vinh-tuy-2026/47").order_by(AuditEvent.id)
            )
        ]
    assert actors == ["Phạm Minh Đức", "Vũ Thị Lan", "Vũ Thị Lan", "Phạm Minh Đức"]


def test_wrong_passwords_lock_the_account(client: TestClient) -> None:
    for _ in range(5):
        assert client.post("/api/login", json={"email": LEAD, "password": "sai"}).status_code == 401
    locked = client.post("/api/login", json={"email": LEAD, "password": PASSWORD})
    assert locked.status_code == 401 and "tạm khóa" in locked.json()["detail"]


def test_no_token_no_data(client: TestClient) -> None:
    assert client.get("/api/tasks").status_code == 401
    assert client.get("/api/tasks", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert "/api/tasks" in client.get("/openapi.json").json()["paths"]


def test_evidence_is_checked_and_kept_with_the_submission(client: TestClient) -> None:
    lead = token(client, LEAD)
    url = "/api/tasks/vinh-tuy-2026/47/evidence"
    pdf = b"%PDF-1.7\n% planflow\n"
    ok = client.post(url, files={"file": ("../../etc/Báo cáo hội nghị.pdf", pdf, "application/pdf")}, headers=lead)
    assert ok.status_code == 200, ok.text
    reference = ok.json()["reference"]
    assert reference.startswith("evidence:vinh-tuy-2026/47/") and reference.endswith("-Bao-cao-hoi-nghi.pdf")
    assert ".." not in reference and "/etc/" not in reference
    fake = client.post(
        url, files={"file": ("bao-cao.pdf", b"<script>alert(1)</script>", "application/pdf")}, headers=lead
    )
    assert fake.status_code == 422 and "không phải .pdf" in fake.json()["detail"]
    exe = client.post(url, files={"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")}, headers=lead)
    assert exe.status_code == 422
    big = client.post(
        url, files={"file": ("lon.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")}, headers=lead
    )
    assert big.status_code == 413
    outsider = client.post(url, files={"file": ("a.pdf", pdf, "application/pdf")}, headers=token(client, OUTSIDER))
    assert outsider.status_code == 404
    moves = "/api/tasks/vinh-tuy-2026/47/moves"
    client.post(moves, json={"action": "acknowledge"}, headers=lead)
    submitted = client.post(
        moves, json={"action": "submit", "payload": {"result": "Hội nghị", "evidence": [reference]}}, headers=lead
    )
    assert submitted.status_code == 200
    history = client.get("/api/tasks/vinh-tuy-2026/47", headers=lead).json()
    assert history["submissions"][-1]["evidence"] == [reference]


def _acknowledge_runs() -> list[str]:
    """The acknowledge runs of task 29 that Prefect holds, once every queued move is recorded there."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    from runtime.run_recorder import get_recorder

    assert get_recorder().wait_until_recorded(60)
    tags = FlowRunFilterTags(all_=["task:vinh-tuy-2026/29", "step:acknowledge"])
    with get_client(sync_client=True) as prefect:
        return [run.state_name or "" for run in prefect.read_flow_runs(flow_run_filter=FlowRunFilter(tags=tags))]


def test_api_moves_are_prefect_flow_runs_and_bad_payloads_are_refused(client: TestClient) -> None:
    lead = token(client, LEAD)
    url = "/api/tasks/vinh-tuy-2026/29/moves"
    unknown = client.post(url, json={"action": "acknowledge", "payload": {"sql": "drop"}}, headers=lead)
    assert unknown.status_code == 422 and "sql" in unknown.json()["detail"]
    runs_before = _acknowledge_runs()
    assert client.post(url, json={"action": "acknowledge"}, headers=lead).status_code == 200
    # one flow run per move, tagged with the task (other tests' runs of the same task may be listed in any order)
    assert sorted(_acknowledge_runs()) == sorted([*runs_before, "Completed"])
    missing = client.post(url, json={"action": "submit", "payload": {}}, headers=lead)
    assert missing.status_code == 422 and "result" in missing.json()["detail"]
    wrong_type = client.post(url, json={"action": "submit", "payload": {"result": "x", "evidence": 5}}, headers=lead)
    assert wrong_type.status_code == 422 and "evidence" in wrong_type.json()["detail"]
    assert client.get("/api/tasks/vinh-tuy-2026/29", headers=lead).json()["status"] == "acknowledged"


COORDINATOR, LEADER = "chunhiemubkt@vinhtuy.example", "pbttt@vinhtuy.example"


def test_the_whole_life_of_a_task_over_the_api(client: TestClient, planflow_env: Database) -> None:
    from models.accounts.login import set_password
    from tests.time import NOW

    with planflow_env.transaction() as session:
        for email in (COORDINATOR, LEADER):
            set_password(session, email=email, password=PASSWORD, now=NOW)
    lead, office = token(client, LEAD), token(client, OFFICE)
    coordinator, leader = token(client, COORDINATOR), token(client, LEADER)
    url = "/api/tasks/vinh-tuy-2026/29/moves"

    def move(headers: dict[str, str], action: str, **payload: object) -> str:
        response = client.post(url, json={"action": action, "payload": payload}, headers=headers)
        assert response.status_code == 200, response.text
        return str(response.json()["to"])

    assert move(lead, "acknowledge") == "acknowledged"
    assert move(lead, "request_coordination", message="Đề nghị UBKT góp ý dự thảo") == "in_progress"
    assert move(coordinator, "give_input", text="UBKT thống nhất dự thảo") == "in_progress"
    assert move(office, "request_explanation", reason="Chưa đạt chỉ tiêu", failing=True) == "explanation_requested"
    refused = client.post(url, json={"action": "submit_explanation", "payload": {"text": "x"}}, headers=office)
    assert refused.status_code == 403  # only the lead agency explains
    assert move(lead, "submit_explanation", text="Chờ ý kiến cấp trên") == "explanation_submitted"
    assert client.post(url, json={"action": "accept_explanation"}, headers=lead).status_code == 403
    assert move(leader, "accept_explanation", new_due_date="2026-12-15", comment="Đồng ý") == "in_progress"
    history = client.get("/api/tasks/vinh-tuy-2026/29", headers=coordinator).json()
    assert [i["agency"] for i in history["coordination_inputs"]] == ["UBKT Đảng ủy"]
    assert history["explanations"][0]["decision"] == "accepted" and history["deadline"]["due_date"] == "2026-12-15"


def test_reports_over_the_api_are_for_the_secretariat(client: TestClient) -> None:
    office, lead = token(client, OFFICE), token(client, LEAD)
    assert client.post("/api/reports", json={"period": "2026-Q1"}, headers=lead).status_code == 403
    assert client.get("/api/reports", headers=lead).status_code == 403
    assert client.post("/api/reports", json={"period": "quý 1"}, headers=office).status_code == 422
    compiled = client.post("/api/reports", json={"period": "2026-q1"}, headers=office)
    assert compiled.status_code == 200, compiled.text
    assert compiled.json()["period"] == "2026-Q1" and compiled.json()["figures"]["tasks"] == 58
    [listed] = client.get("/api/reports", headers=office).json()
    xlsx = next(name for name in listed["files"] if name.endswith(".xlsx"))
    download = client.get(f"/api/reports/{listed['id']}/files/{xlsx}", headers=office)
    assert download.status_code == 200 and download.content.startswith(b"PK")
    assert client.get(f"/api/reports/{listed['id']}/files/{xlsx}", headers=lead).status_code == 404
