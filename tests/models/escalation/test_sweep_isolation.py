"""No single row stops the daily sweep: a task whose data breaks the date arithmetic (or an organization
with no Văn phòng) is recorded as not chased, with the reason, while every other organization is chased;
dates outside 1900–2100 are refused where they enter; the bulk explanation request writes only for tasks
it really moved."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, update

from models.db import Database
from models.escalation.sweep import SweepRun, sweep
from models.lifecycle.moves import InvalidMoveError, MoveRequest, apply_move, request_explanations_in_bulk
from models.lifecycle.tables import Explanation
from models.lifecycle.workflow import Action
from models.org.tables import Agency, AgencyKind, Person
from models.outbox.tables import Notification
from models.plan.deadlines import InvalidDeadlineError, parse_deadline
from models.plan.tables import Plan, PlanTask
from tests.models.escalation.test_escalation import HP, VT, assign_all, at, run_sweep
from tests.seeding import seed

OFFICE_VT, OFFICE_HP = "vanthu@vinhtuy.example", "cvvp@haiphong.example"
SWEEP_DAY = date(2026, 4, 9)  # Quý I tasks are overdue by then


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    assign_all(database, VT, OFFICE_VT, date(2026, 3, 2))
    assign_all(database, HP, OFFICE_HP, date(2026, 3, 2))
    return database


def _break_a_deadline(db: Database, plan: str) -> None:
    """What a bad import or a hand edit once left: a due date at the end of the calendar."""
    with db.transaction() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.code == plan))
        first = session.scalar(select(func.min(PlanTask.id)).where(PlanTask.plan_id == plan_id))
        session.execute(update(PlanTask).where(PlanTask.id == first).values(due_date=date(9999, 12, 31)))


def _messages_for(db: Database, plan: str) -> int:
    """Messages a sweep queued for the plan's tasks."""
    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Notification)
                .join(PlanTask, Notification.task_id == PlanTask.id)
                .join(Plan, PlanTask.plan_id == Plan.id)
                .where(Plan.code == plan, Notification.escalation_id.is_not(None))
            )
            or 0
        )


def test_a_deadline_in_year_9999_stops_only_its_own_organization(db: Database) -> None:
    _break_a_deadline(db, VT)
    result = run_sweep(db, SWEEP_DAY)
    assert [f["organization"] for f in result["failures"]] == ["dang-uy-phuong-vinh-tuy"]
    assert "OverflowError" in result["failures"][0]["error"]
    assert _messages_for(db, HP) > 0 and _messages_for(db, VT) == 0  # Hải Phòng chased, Vĩnh Tuy reported
    with db.session() as session:
        run = session.scalars(select(SweepRun)).one()
    assert run.as_of == SWEEP_DAY and run.failures == result["failures"]


def test_an_organization_without_a_secretariat_does_not_stop_the_others(db: Database) -> None:
    """The automatic explanation request needs the Văn phòng's automatic actor: an organization whose
    directory lost it is reported, the other is chased."""
    with db.transaction() as session:
        session.execute(
            update(Agency).where(Agency.name == "Văn phòng Đảng ủy").values(kind=AgencyKind.PARTY_BOARD.value)
        )
    result = run_sweep(db, date(2026, 4, 20))  # seven working days after Quý I: explanations are requested
    assert [f["organization"] for f in result["failures"]] == ["dang-uy-phuong-vinh-tuy"]
    assert "Văn phòng" in result["failures"][0]["error"]
    assert _messages_for(db, HP) > 0 and _messages_for(db, VT) == 0


def test_dates_outside_the_horizon_are_refused_where_they_enter(db: Database) -> None:
    with pytest.raises(InvalidDeadlineError, match="1900–2100"):
        parse_deadline("31/12/9999")
    with pytest.raises(InvalidDeadlineError, match="1900–2100"):
        parse_deadline("Quý I/0001")
    with db.transaction() as session, pytest.raises(InvalidMoveError, match="1900–2100"):
        apply_move(
            session,
            MoveRequest(VT, "29", Action.SET_DEADLINE, OFFICE_VT, {"new_due_date": "9999-12-31"}),
            now=at(date(2026, 3, 3), 9),
        )
    with db.transaction() as session, pytest.raises(InvalidMoveError, match="1900–2100"):
        apply_move(
            session,
            MoveRequest(
                VT,
                "47",
                Action.REQUEST_EXTENSION,
                "cvxd@vinhtuy.example",
                {"new_due_date": "2101-01-01", "reason": "x"},
            ),
            now=at(date(2026, 3, 3), 9),
        )


def test_the_bulk_explanation_request_skips_a_task_cancelled_under_it(postgres_database: Database) -> None:
    """The sweep read task 17 as overdue; meanwhile the Standing Committee cancels it and commits while the
    sweep waits on the row: no explanation request, audit event or message is written for it."""
    db = postgres_database
    seed(db)
    assign_all(db, VT, OFFICE_VT, date(2026, 3, 2))
    day = date(2026, 4, 20)
    with db.session() as session:
        task = session.scalars(select(PlanTask).join(Plan).where(Plan.code == VT, PlanTask.number == "17")).one()
        org_id = session.scalar(select(Plan.organization_id).where(Plan.code == VT))
        office = session.scalars(select(Person).where(Person.email == OFFICE_VT)).one()
        request = {
            "task_id": task.id, "plan": VT, "task": "17", "organization_id": org_id,
            "lead_agency_id": task.lead_agency_id, "actor_id": office.id, "actor": office.full_name,
            "actor_email": office.email, "reason": "quá hạn", "key": "esc:test:explanation",
        }  # fmt: skip
    cancelling = db.session()
    cancelling.begin()
    apply_move(
        cancelling,
        MoveRequest(VT, "17", Action.CANCEL, "bithu@vinhtuy.example", {"reason": "Thành phố lùi thời hạn"}),
        now=at(day, 8),
    )
    cancelling.flush()  # the row is locked by the cancellation, not yet committed
    written: list[int] = []

    def bulk() -> None:
        with db.transaction() as session:
            written.append(request_explanations_in_bulk(session, [dict(request)], now=at(day)))

    sweeper = threading.Thread(target=bulk)
    sweeper.start()
    time.sleep(0.5)  # the sweep now waits on task 17's row
    cancelling.commit()
    cancelling.close()
    sweeper.join()
    assert written == [0]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Explanation).where(Explanation.task_id == task.id)) == 0
        assert session.scalar(select(PlanTask.status).where(PlanTask.id == task.id)) == "cancelled"


def test_the_sweep_still_works_for_everyone_when_nothing_is_wrong(db: Database) -> None:
    with db.transaction() as session:
        result = sweep(session, as_of=SWEEP_DAY, now=at(SWEEP_DAY)).to_dict()
    assert result["failures"] == [] and result["escalations"] > 0
