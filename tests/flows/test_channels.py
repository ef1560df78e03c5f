"""Every move records the door it came through: the portal, the API, the command line (with the operating-system
account that typed it), the command line's door into the running service, or a schedule."""

from __future__ import annotations

import getpass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from api.moves import run_move
from models.audit import AuditEvent, Channel
from models.db import Database
from models.lifecycle.workflow import Action
from planflow.cli import main
from runtime.channel import acting_through
from tests.seeding import seed
from tests.time import VIETNAM

pytestmark = pytest.mark.prefect
VT = "vinh-tuy-2026"
OFFICE, LEAD = "vanthu@vinhtuy.example", "cvxd@vinhtuy.example"


@pytest.fixture
def seeded(prefect_harness: None, planflow_env: Database) -> Database:
    seed(planflow_env)
    return planflow_env


def _last(database: Database, number: str) -> AuditEvent:
    with database.session() as session:
        return session.scalars(
            select(AuditEvent).where(AuditEvent.entity_key == f"{VT}/{number}").order_by(AuditEvent.id.desc())
        ).first()


def test_each_door_is_recorded(seeded: Database, capsys: pytest.CaptureFixture[str]) -> None:
    run_move(Action.ASSIGN, VT, "47", OFFICE, {})
    assert _last(seeded, "47").channel == "api"
    run_move(Action.ACKNOWLEDGE, VT, "47", LEAD, {}, channel=Channel.PORTAL)
    assert _last(seeded, "47").channel == "portal"
    assert main(["task", "assign", VT, "15", "--as", OFFICE]) == 0  # in this process: the command line
    event = _last(seeded, "15")
    assert event.channel == "cli" and event.details["os_user"] == getpass.getuser()
    with acting_through(Channel.CLI, "van-thu"):  # the service's door says whose terminal it was
        run_move(Action.ASSIGN, VT, "29", OFFICE, {}, channel=Channel.CLI)
    assert _last(seeded, "29").channel == "cli"
    capsys.readouterr()
    assert main(["task", "show", VT, "47"]) == 0
    shown = capsys.readouterr().out
    assert "cổng nhiệm vụ" in shown and "API" in shown  # the history says through which door


def test_the_sweeps_own_explanation_requests_are_the_schedules(seeded: Database) -> None:
    from models.escalation.sweep import sweep

    with seeded.transaction() as session:
        from models.lifecycle.moves import MoveRequest, apply_move
        from tests.time import NOW

        apply_move(session, MoveRequest(VT, "47", Action.ASSIGN, OFFICE), now=NOW)
    with seeded.transaction() as session:
        sweep(session, as_of=date(2027, 2, 15), now=datetime(2027, 2, 15, 7, tzinfo=VIETNAM))
    event = _last(seeded, "47")
    assert event.action == "task.request_explanation" and event.channel == "schedule"
