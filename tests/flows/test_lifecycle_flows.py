"""The lifecycle flows against a real Prefect API: named, tagged runs; retries act once; bulk assign is one run."""

from __future__ import annotations

import json

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.client.schemas.sorting import FlowRunSort
from sqlalchemy import func, select

from models.audit import AuditEvent
from models.db import Database
from planflow.cli import main
from tests.seeding import seed

pytestmark = pytest.mark.prefect
VT = "vinh-tuy-2026"


@pytest.fixture
def seeded(prefect_harness: None, planflow_env: Database) -> Database:
    seed(planflow_env)
    return planflow_env


def _runs_tagged(tag: str) -> list[tuple[str, str, list[str]]]:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag])), sort=FlowRunSort.EXPECTED_START_TIME_ASC
        )
    return [(run.name, run.state.type.value if run.state else "", run.tags) for run in runs]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_a_task_life_is_one_filter_in_the_ui(seeded: Database, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    plan_tag = f"{VT}-{tmp_path.name}"  # the harness is shared: make this test's task tag unique
    seeded_plan = plan_tag
    assert main(["plan", "import", "planflow/plans/vinh-tuy-2026.yaml", "--code", seeded_plan, "--json"]) == 0
    capsys.readouterr()
    steps = [
        ("assign", "vanthu@vinhtuy.example", []),
        ("acknowledge", "cvxd@vinhtuy.example", []),
        ("submit", "cvxd@vinhtuy.example", ["--result", "Hội nghị quán triệt đã tổ chức", "--kpi", "số cán bộ=120"]),
        ("review", "vanthu@vinhtuy.example", ["--decision", "return", "--comment", "Bổ sung danh sách"]),
        ("submit", "cvxd@vinhtuy.example", ["--result", "Bổ sung danh sách 120 cán bộ"]),
        ("review", "vanthu@vinhtuy.example", ["--decision", "approve"]),
    ]
    for step, actor, extra in steps:
        _cli(capsys, "task", step, seeded_plan, "47", "--as", actor, *extra)
    runs = _runs_tagged(f"task:{seeded_plan}/47")
    assert [name for name, _, _ in runs] == [
        f"assign {seeded_plan}/47",
        f"acknowledge {seeded_plan}/47",
        f"submit {seeded_plan}/47",
        f"review {seeded_plan}/47",
        f"submit {seeded_plan}/47",
        f"review {seeded_plan}/47",
    ]
    assert {state for _, state, _ in runs} == {"COMPLETED"}
    assert {"agency:ban-xay-dung-dang", f"plan:{seeded_plan}", "step:review"} <= set(runs[-1][2])
    shown = _cli(capsys, "task", "show", seeded_plan, "47")
    assert shown["status"] == "approved" and [s["decision"] for s in shown["submissions"]] == ["returned", "approved"]


def test_repeated_step_with_the_same_key_acts_once(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    first = _cli(capsys, "task", "assign", VT, "15", "--as", "vanthu@vinhtuy.example", "--key", "ui-click-7")
    again = _cli(capsys, "task", "assign", VT, "15", "--as", "vanthu@vinhtuy.example", "--key", "ui-click-7")
    assert (first["repeated"], again["repeated"]) == (False, True)
    assert again["event_id"] == first["event_id"]
    with seeded.session() as session:
        assigned = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_key == f"{VT}/15")
        )
    assert assigned == 1


def test_bulk_assignment_is_one_flow_run(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    result = _cli(capsys, "task", "assign", "hai-phong-2026", "--all", "--as", "cvvp@haiphong.example")
    # one message per lead unit: seven tasks are led by groups the directory resolves ("Các cơ quan đảng": three
    # agencies; "Các ban Thành ủy; đảng ủy trực thuộc Thành ủy; …": two boards and two party committees)
    assert result["assigned"] == 22 and result["notifications"] == 36 and result["refused"] == {}
    listed = _cli(capsys, "tasks", "list", "--plan", "hai-phong-2026", "--status", "assigned")
    assert len(listed) == 22
    waiting = _cli(capsys, "tasks", "list", "--plan", "hai-phong-2026", "--waiting-on", "Ban Tổ chức Thành ủy")
    assert [t["number"] for t in waiting] == ["IV.4"]


def test_refused_step_fails_its_run_with_one_clear_line(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["task", "cancel", VT, "3", "--as", "vanthu@vinhtuy.example", "--reason", "Không cần"]) == 2
    err = capsys.readouterr().err
    assert "chỉ Ban Thường vụ mới được" in err and err.count("\n") == 1
