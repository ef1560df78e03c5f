"""A step run from the Prefect UI (a deployment run) acts for the person whose personal token it carries: a valid
token moves the task as that person through the "Prefect UI" door; a token without the role, someone else's or
a revoked one fails the run and changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from models.accounts.personal_tokens import PersonalToken, create_token, revoke_token
from models.audit import AuditEvent
from models.db import Database
from models.org.tables import Person
from models.plan.tables import Plan, PlanTask
from tests.notifications.conftest import free_port
from tests.paths import ROOT
from tests.prefect_runs import create_run, wait_for_run
from tests.processes import planflow_process

pytestmark = pytest.mark.prefect
LEAD, POLICE, OFFICE = "cvxd@vinhtuy.example", "truongca@vinhtuy.example", "vanthu@vinhtuy.example"


def _deployment(api: str, name: str) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        flows_answer = httpx.post(f"{api}/flows/filter", json={"limit": 200}, timeout=30)
        deployments = httpx.post(f"{api}/deployments/filter", json={"limit": 200}, timeout=30)
        if flows_answer.status_code == deployments.status_code == 200:  # else the server is busy: ask again
            flows = {f["id"]: f["name"] for f in flows_answer.json()}
            for d in deployments.json():
                if f"{flows.get(d['flow_id'])}/{d['name']}" == name:
                    return str(d["id"])
        time.sleep(1)
    raise AssertionError(f"{name} never registered")


def _run(api: str, deployment: str, parameters: dict[str, str]) -> str:
    return wait_for_run(api, create_run(api, deployment, parameters))


def _status(database: Database, number: str) -> str:
    with database.session() as session:
        return session.scalars(
            select(PlanTask.status).join(Plan).where(Plan.code == "vinh-tuy-2026", PlanTask.number == number)
        ).one()


def test_a_deployment_run_acts_only_with_the_persons_own_live_token(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "PLANFLOW_"))}
    env.update(
        PLANFLOW_HOME=str(home),
        PLANFLOW_PORTAL_PORT=str(free_port()),
        PREFECT_SERVER_API_PORT=str(free_port()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    with planflow_process(["serve"], env, lambda: (home / "service.json").exists()):
        api = json.loads((home / "service.json").read_text())["prefect_api_url"]
        assign = [sys.executable, "-m", "planflow.cli", "task", "assign", "vinh-tuy-2026", "--all", "--as", OFFICE]
        subprocess.run(assign, env=env, cwd=ROOT, check=True, capture_output=True)
        database = Database(f"sqlite:///{home / 'planflow.db'}")
        now = datetime.now(UTC)
        with database.transaction() as session:
            people = {p.email: p for p in session.scalars(select(Person).where(Person.email.in_([LEAD, POLICE])))}
            lead_token = create_token(session, people[LEAD], name="Prefect", days=30, now=now)
            police_token = create_token(session, people[POLICE], name="Prefect", days=30, now=now)
            revoked = create_token(session, people[LEAD], name="Cũ", days=30, now=now)
            newest = session.scalars(select(PersonalToken.id).order_by(PersonalToken.id.desc())).first()
            revoke_token(session, people[LEAD], int(newest or 0), now=now)
        acknowledge = _deployment(api, "task-acknowledge/on-demand")
        task = {"plan": "vinh-tuy-2026", "task": "48"}  # led by the Ban Xây dựng Đảng

        assert _run(api, acknowledge, {**task, "actor": LEAD}) == "FAILED"  # no token at all
        assert _run(api, acknowledge, {**task, "actor": LEAD, "personal_token": police_token}) == "FAILED"
        assert _run(api, acknowledge, {**task, "actor": POLICE, "personal_token": police_token}) == "FAILED"  # role
        assert _run(api, acknowledge, {**task, "actor": LEAD, "personal_token": revoked}) == "FAILED"
        assert _status(database, "48") == "assigned"  # none of them changed anything

        assert _run(api, acknowledge, {**task, "actor": LEAD, "personal_token": lead_token}) == "COMPLETED"
        assert _status(database, "48") == "acknowledged"
        with database.session() as session:
            event = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "task.acknowledge").order_by(AuditEvent.id.desc())
            ).first()
        assert event is not None and event.actor == "Vũ Thị Lan" and event.channel == "prefect_ui"
        database.engine.dispose()
