"""A task step from the command line runs in the running service (warm Prefect and database) through a door
only the local command line can open: loopback, and the secret `serve` wrote for its owner only."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from models.db import Database
from models.plan.tables import Plan, PlanTask
from runtime.service_record import StepRefusedError, step_through_service
from tests.notifications.conftest import free_port
from tests.processes import planflow_process
from tests.seeding import seed

pytestmark = pytest.mark.prefect
TOKEN = "bi-mat-dong-lenh-thu-nghiem-0123456789"


@pytest.fixture
def service(
    database: Database, tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """`planflow api` with the command line's secret, and the service record a `serve` would have written."""
    from prefect.settings import PREFECT_API_URL

    seed(database)
    port, home = free_port(), tmp_path / "home"
    home.mkdir()
    api_url = str(PREFECT_API_URL.value())
    env = {
        **os.environ,
        "PLANFLOW_HOME": str(home),
        "PLANFLOW_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "PREFECT_API_URL": api_url,
        "PLANFLOW_CLI_TOKEN": TOKEN,
    }
    record = {"prefect_api_url": api_url, "portal_url": f"http://127.0.0.1:{port}/portal", "pid": os.getpid()}
    (home / "service.json").write_text(json.dumps({**record, "cli_token": TOKEN}))
    monkeypatch.setenv("PLANFLOW_HOME", str(home))
    monkeypatch.setenv("PREFECT_API_URL", api_url)
    address = f"http://127.0.0.1:{port}"
    with planflow_process(["api", "--port", str(port)], env, lambda: httpx.get(f"{address}/portal/login").is_success):
        yield address


def _status(database: Database, number: str) -> str:
    with database.session() as session:
        return session.scalars(
            select(PlanTask.status).join(Plan).where(Plan.code == "vinh-tuy-2026", PlanTask.number == number)
        ).one()


def test_a_step_runs_in_the_service_and_a_refusal_comes_back_as_one_line(service: str, database: Database) -> None:
    moved = step_through_service("assign", {"plan": "vinh-tuy-2026", "task": "47", "actor": "vanthu@vinhtuy.example"})
    assert moved is not None and (moved["from"], moved["to"]) == ("imported", "assigned")
    assert _status(database, "47") == "assigned"
    with pytest.raises(StepRefusedError, match="không thể giao"):
        step_through_service("assign", {"plan": "vinh-tuy-2026", "task": "47", "actor": "vanthu@vinhtuy.example"})
    with pytest.raises(StepRefusedError, match="không có ở bước"):
        step_through_service("assign", {"plan": "vinh-tuy-2026", "task": "47", "actor": "x", "sudo": True})


def test_the_door_stays_shut_without_the_secret(service: str, database: Database) -> None:
    call = {"step": "assign", "parameters": {"plan": "vinh-tuy-2026", "task": "15", "actor": "vanthu@vinhtuy.example"}}
    for headers in ({}, {"X-Planflow-Cli-Token": "doan-mo"}, {"X-Planflow-Cli-Token": TOKEN[:-1]}):
        assert httpx.post(f"{service}/internal/cli/step", json=call, headers=headers).status_code == 403
    assert _status(database, "15") == "imported"


def test_without_a_running_service_the_command_line_runs_the_step_itself(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path))
    assert step_through_service("assign", {"plan": "p", "task": "1", "actor": "x"}) is None  # no record
    (tmp_path / "service.json").write_text(json.dumps({"pid": 2**22 + 7, "portal_url": "http://127.0.0.1:9/portal"}))
    assert step_through_service("assign", {"plan": "p", "task": "1", "actor": "x"}) is None  # its process is gone
