"""The production recipe on the machine's PostgreSQL: Prefect server on PostgreSQL, a process work
pool, `prefect deploy` of deployments/prefect.yaml, a worker, and a deployment run that changes planflow's
PostgreSQL database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from models.accounts.personal_tokens import create_token
from models.db import Database
from models.org.tables import Person
from tests.conftest import POSTGRES_ADMIN_URL, _admin, _database_url, _postgres_problem
from tests.notifications.conftest import free_port
from tests.paths import ROOT

pytestmark = pytest.mark.recipe
BIN = Path(sys.executable).parent


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must exercise PostgreSQL: {problem}")
        pytest.skip(problem)
    names = (f"recipe_prefect_{uuid.uuid4().hex[:8]}", f"recipe_planflow_{uuid.uuid4().hex[:8]}")
    for name in names:
        _admin(f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]} {done.stderr[-2000:]}"
    return done.stdout


def test_recipe_runs_a_deployment_on_a_worker(databases: tuple[str, str], tmp_path: Path) -> None:
    prefect_db, planflow_db = databases
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    prefect_url = _database_url(prefect_db).replace("postgresql://", "postgresql+asyncpg://", 1)
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_DATABASE_CONNECTION_URL": prefect_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": api,
        "PLANFLOW_HOME": str(tmp_path / "planflow"),
        "PLANFLOW_DATABASE_URL": _database_url(planflow_db),
        "PLANFLOW_CODE_DIR": str(ROOT),
    }
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        _run(env, str(BIN / "prefect"), "work-pool", "create", "planflow", "--type", "process")
        _run(env, str(BIN / "prefect"), "--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml")
        # planflow's own PostgreSQL database: the plan, its directory, the tasks assigned.
        planflow = str(BIN / "planflow")
        _run(env, planflow, "plan", "import", "planflow/plans/vinh-tuy-2026.yaml")
        _run(env, planflow, "org", "load", "planflow/orgs/dang-uy-phuong-vinh-tuy.yaml")
        _run(
            env,
            planflow,
            "task",
            "assign",
            "vinh-tuy-2026",
            "--all",
            "--as",
            "vanthu@vinhtuy.example",
            "--at",
            "2026-03-02T09:00+07:00",
        )
        created = _run(
            env, str(BIN / "prefect"), "deployment", "run", "escalation-sweep/daily-0700", "--param", "as_of=2026-04-09"
        )
        assert "Created flow run" in created
        worker = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", "planflow"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        state = _wait_for_run(api, "escalation-sweep")
        assert state == "COMPLETED"
        engine = create_engine(_database_url(planflow_db).replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as connection:
            fired = connection.execute(text("SELECT count(*) FROM escalations")).scalar_one()
            queued = connection.execute(
                text("SELECT count(*) FROM outbox WHERE escalation_id IS NOT NULL")
            ).scalar_one()
        engine.dispose()
        assert fired > 0 and queued > 0
        # A task step deployed to the work pool, run as the Prefect UI's "Run" would run it, with the acting
        # person's own personal token (created as the portal creates it).
        database = Database(_database_url(planflow_db))
        with database.transaction() as session:
            lead = session.scalars(select(Person).where(Person.email == "cvxd@vinhtuy.example")).one()
            token = create_token(session, lead, name="Prefect", days=7, now=datetime.now(UTC))
        database.engine.dispose()
        step = _run(
            env,
            str(BIN / "prefect"),
            "deployment",
            "run",
            "task-acknowledge/on-demand",
            "--params",
            json.dumps(
                {"plan": "vinh-tuy-2026", "task": "47", "actor": "cvxd@vinhtuy.example", "personal_token": token}
            ),
        )
        assert "Created flow run" in step
        assert _wait_for_run(api, "task-acknowledge") == "COMPLETED"
        engine = create_engine(_database_url(planflow_db).replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as connection:
            acknowledged = connection.execute(text("SELECT status FROM plan_tasks WHERE number = '47'")).scalar_one()
            channel = connection.execute(
                text("SELECT channel FROM audit_events WHERE action = 'task.acknowledge' ORDER BY id DESC LIMIT 1")
            ).scalar_one()
        engine.dispose()
        assert acknowledged == "acknowledged"
        assert channel == "prefect_ui"  # a run from a deployment is recorded as the Prefect UI's
        status = json.loads(_run(env, planflow, "status", "--json"))
        names = {d["name"] for d in status["prefect"]["deployments"]}
        assert {"escalation-sweep/daily-0700", "deliver-notifications/every-minute"} <= names
        assert status["database"]["url"].startswith("postgresql")
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_for_run(api: str, flow_name: str, timeout: float = 180) -> str:
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        runs = httpx.post(f"{api}/flow_runs/filter", json={"flows": {"name": {"any_": [flow_name]}}}, timeout=10).json()
        states = [r["state_type"] for r in runs if r.get("state_type")]
        if states and states[0] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return str(states[0])
        state = states[0] if states else ""
        time.sleep(2)
    return f"timed out ({state})"


def test_postgres_admin_url_is_the_machines() -> None:
    assert POSTGRES_ADMIN_URL.startswith("postgresql://")
