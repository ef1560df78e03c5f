"""The command line's public shapes: one JSON document with --json, one line and exit 2 on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from documents.reader import read_plan
from models.db import Database, head_revision, make_engine
from models.plan.store import save_plan
from planflow.cli import main
from tests.paths import PLANS, SEEDS
from tests.time import NOW


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], expected_exit: int = 0) -> object:
    assert main(argv) == expected_exit
    return json.loads(capsys.readouterr().out)


def test_deadline_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["deadline", "parse", "Dự kiến quý IV/2026", "--json"])
    assert data == {
        "text": "Dự kiến quý IV/2026",
        "kind": "end_of_quarter",
        "kind_vi": "cuối quý",
        "due_date": "2026-12-31",
        "checkpoints": [],
        "tentative": True,
        "upstream_body": None,
        "event": None,
        "start": None,
        "rule": None,
    }


def test_impossible_deadline_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "parse", "31/2/2026"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "31/2/2026" in err and "Traceback" not in err


def test_lint_json_lists_findings_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, ["plan", "lint", str(SEEDS / "vinh-tuy-2026-plan.txt"), "--json"], expected_exit=1)
    assert isinstance(data, dict)
    assert data["plan"] == "vinh-tuy-2026" and data["tasks"] == 58
    assert {
        "task": "8",
        "criterion": "rõ kết quả",
        "severity": "missing",
        "message": "chưa có kết quả, sản phẩm",
    } in data["findings"]


def test_convert_writes_the_requested_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hp.xlsx"
    data = _json(capsys, ["plan", "convert", str(SEEDS / "hai-phong-2026-plan.txt"), "-o", str(out), "--json"])
    assert data == {"code": "hai-phong-2026", "file": str(out), "tasks": 22}
    assert read_plan(out).to_dict()["tasks"] == read_plan(PLANS / "hai-phong-2026.yaml").to_dict()["tasks"]


def test_show_and_list_read_the_database(planflow_env: Database, capsys: pytest.CaptureFixture[str]) -> None:
    with planflow_env.transaction() as session:
        save_plan(session, document=read_plan(PLANS / "hai-phong-2026.yaml"), actor="test", now=NOW)
    shown = _json(capsys, ["plan", "show", "hai-phong-2026", "--json"])
    assert isinstance(shown, dict) and shown["tasks"] == 22 and len(shown["sections"]) == 7
    tasks = _json(capsys, ["tasks", "list", "--plan", "hai-phong-2026", "--json"])
    assert isinstance(tasks, list) and len(tasks) == 22
    assert tasks[0]["number"] == "I.1" and tasks[0]["deadline"]["kind"] == "recurring"


def test_unknown_plan_is_a_clear_error(planflow_env: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "show", "khong-co"]) == 2
    assert "Không có kế hoạch mã 'khong-co'" in capsys.readouterr().err


def test_export_round_trips_through_the_database(
    planflow_env: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with planflow_env.transaction() as session:
        save_plan(session, document=read_plan(PLANS / "hai-phong-2026.yaml"), actor="test", now=NOW)
    out = tmp_path / "hp.docx"
    assert main(["plan", "export", "hai-phong-2026", "-o", str(out)]) == 0
    assert len(read_plan(out).tasks) == 22
    capsys.readouterr()


def test_db_upgrade_on_a_brand_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from runtime.environment import reset_runtime

    monkeypatch.setenv("PLANFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    reset_runtime()
    try:
        data = _json(capsys, ["db", "upgrade", "--json"])
    finally:
        reset_runtime()
    assert isinstance(data, dict) and data["revision"] == head_revision(make_engine("sqlite://"))


def test_a_flow_command_without_a_reachable_prefect_says_what_to_start(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.paths import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PLANFLOW_"))}
    env.update(PLANFLOW_HOME=str(tmp_path), PREFECT_API_URL="http://127.0.0.1:9/api")
    done = subprocess.run(
        [sys.executable, "-m", "planflow.cli", "plan", "import", str(ROOT / "examples/plans/hai-phong-2026-plan.txt")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "./run.sh serve" in done.stderr
