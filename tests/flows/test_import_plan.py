"""The import-plan flow against a real Prefect API: the run is named after the plan and completes."""

from __future__ import annotations

import json

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

from models.db import Database
from planflow.cli import main
from tests.paths import PLANS, SEEDS

pytestmark = pytest.mark.prefect


def _run_states(name: str) -> list[str]:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
    return [run.state.type.value for run in runs if run.state]


def test_cli_import_runs_the_flow_and_prints_one_json_document(
    prefect_harness: None, planflow_env: Database, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = f"vt-{tmp_path.name}"
    assert main(["plan", "import", str(SEEDS / "vinh-tuy-2026-plan.txt"), "--code", code, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["code"] == code and result["tasks"] == 58 and result["created"] is True
    assert _run_states(f"import {code}") == ["COMPLETED"]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"import {code}"])))
    assert f"plan:{code}" in runs[0].tags


def test_bad_file_fails_the_run_with_the_reason_and_writes_nothing(
    prefect_harness: None, planflow_env: Database, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad-plan.yaml"
    bad.write_text((PLANS / "hai-phong-2026.yaml").read_text(encoding="utf-8").replace("30/4/2026", "31/4/2026"))
    code = f"bad-{tmp_path.name}"
    assert main(["plan", "import", str(bad), "--code", code]) == 2
    assert "31/4/2026" in capsys.readouterr().err
    assert _run_states(f"import {code}") == ["FAILED"]
    assert main(["tasks", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
