"""Escalation sweeps on the Vietnamese working calendar: exact sequences, exactly once, catch-up."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from models.calendar.days import add_working_days, is_working_day, working_days_between
from models.db import Database
from models.escalation.sweep import Escalation, sweep
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.queries import get_plan
from models.lifecycle.workflow import Action
from models.outbox.tables import Notification
from models.plan.tables import Plan, PlanTask
from tests.seeding import seed
from tests.time import VIETNAM

VT, HP = "vinh-tuy-2026", "hai-phong-2026"


def at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VIETNAM)


def assign_all(db: Database, plan: str, actor: str, day: date) -> None:
    with db.transaction() as session:
        for number in [t.number for t in get_plan(session, plan).tasks]:
            apply_move(session, MoveRequest(plan, number, Action.ASSIGN, actor), now=at(day, 9))


def run_sweep(db: Database, day: date) -> dict:
    with db.transaction() as session:
        return sweep(session, as_of=day, now=at(day)).to_dict()


def sequences(db: Database, plan: str) -> dict[str, list[tuple[str, date]]]:
    with db.session() as session:
        rows = session.execute(
            select(PlanTask.number, Escalation.rung, Escalation.fire_date)
            .join(PlanTask, Escalation.task_id == PlanTask.id)
            .join(Plan, PlanTask.plan_id == Plan.id)
            .where(Plan.code == plan)
            .order_by(Escalation.id)
        )
        found: dict[str, list[tuple[str, date]]] = {}
        for number, rung, fire_date in rows:
            found.setdefault(number, []).append((rung, fire_date))
        return found


def outbox_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Notification)) or 0


def test_working_calendar_knows_weekends_holidays_and_days_in_lieu() -> None:
    assert not is_working_day(date(2026, 4, 27))  # Hùng Kings, observed on Monday
    assert not is_working_day(date(2026, 4, 30)) and not is_working_day(date(2026, 5, 1))
    assert not is_working_day(date(2026, 2, 17))  # Tết
    assert is_working_day(date(2026, 8, 22))  # Saturday worked in exchange for 31/8
    assert not is_working_day(date(2026, 8, 31))
    assert add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 4)
    assert add_working_days(date(2026, 5, 4), -3) == date(2026, 4, 24)
    assert working_days_between(date(2026, 4, 24), date(2026, 5, 4)) == 3


def test_a_quarter_of_vinh_tuy_swept_every_day(database: Database) -> None:
    """Q2/2026, a sweep every calendar day (weekends and holidays send nothing)."""
    seed(database)
    assign_all(database, VT, "vanthu@vinhtuy.example", date(2026, 3, 2))
    with database.transaction() as session:  # the upper body sets Monday 4/5 for task 29
        request = MoveRequest(VT, "29", Action.SET_DEADLINE, "vanthu@vinhtuy.example", {"new_due_date": "2026-05-04"})
        apply_move(session, request, now=at(date(2026, 3, 31), 9))
    before = outbox_count(database)
    totals: Counter[str] = Counter()
    day = date(2026, 4, 1)
    while day <= date(2026, 6, 30):
        counts = run_sweep(database, day)
        if not counts["working_day"]:
            assert counts["notifications"] == 0
        totals.update({k: v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool)})
        day += timedelta(days=1)

    found = sequences(database, VT)
    d = date
    # Tháng 2/2026, never swept in March: on 1/4 only the top rung fires (no spam of missed rungs).
    assert found["5"] == [("after:7", d(2026, 3, 10))]
    # Quý I/2026: 1, 3 and 7 working days after 31/3.
    assert (
        found["15"]
        == found["17"]
        == [("after:1", d(2026, 4, 1)), ("after:3", d(2026, 4, 3)), ("after:7", d(2026, 4, 9))]
    )
    # Due Monday 4/5: reminders step over Hùng Kings (27/4), 30/4–1/5 and the weekends.
    assert found["29"] == [
        ("before:7", d(2026, 4, 20)),
        ("before:3", d(2026, 4, 24)),
        ("before:1", d(2026, 4, 29)),
        ("after:1", d(2026, 5, 5)),
        ("after:3", d(2026, 5, 7)),
        ("after:7", d(2026, 5, 13)),
    ]
    assert found["56"] == [("before:7", d(2026, 6, 19)), ("before:3", d(2026, 6, 25)), ("before:1", d(2026, 6, 29))]
    # Recurring: the missing Q1 report on 1/4, the Q2 report 5 working days before 30/6.
    assert found["37"] == [("missing:2026-Q1", d(2026, 4, 1)), ("progress:2026-Q2", d(2026, 6, 23))]
    assert found["24"] == [("upstream:2026-Q2", d(2026, 4, 1))]  # still waiting on the upper body
    assert found.get("21") is None  # "Dự kiến quý IV": nothing this quarter
    assert totals["reminders"] == 6 and totals["escalations"] == 10 and totals["explanation_requests"] == 4
    assert totals["progress_reminders"] == 25 and totals["progress_missing"] == 25 and totals["upstream_checks"] == 8
    # Messages: task 5: 2 Standing Committee + lead, explanation → lead + its head = 5; task 15 (one leader): 1+1+3+2;
    # task 17 (two leaders): 1+2+3+2; task 29: 3 reminders + 1+2+3+2; task 56: 3; recurring 25+25; upstream 8.
    assert outbox_count(database) - before == 5 + 7 + 8 + 11 + 3 + 50 + 4 + 8 == 96
    with database.session() as session:
        statuses = dict(
            session.execute(
                select(PlanTask.number, PlanTask.status).where(PlanTask.number.in_(["5", "15", "17", "29"]))
            ).all()
        )
    assert set(statuses.values()) == {"explanation_requested"}


def test_repeated_sweep_sends_nothing_new(database: Database) -> None:
    seed(database)
    assign_all(database, VT, "vanthu@vinhtuy.example", date(2026, 3, 2))
    first = run_sweep(database, date(2026, 4, 9))
    queued = outbox_count(database)
    again = run_sweep(database, date(2026, 4, 9))
    assert first["notifications"] > 0
    assert again["notifications"] == again["escalations"] == again["reminders"] == 0
    assert outbox_count(database) == queued


def test_sweep_on_a_holiday_does_nothing_and_the_next_working_day_catches_up(database: Database) -> None:
    seed(database)
    assign_all(database, HP, "cvvp@haiphong.example", date(2026, 3, 16))  # II.2 due 30/4, itself a holiday
    assert run_sweep(database, date(2026, 4, 30)) == {**run_sweep(database, date(2026, 4, 30)), "working_day": False}
    assert run_sweep(database, date(2026, 5, 1))["notifications"] == 0
    run_sweep(database, date(2026, 5, 12))  # the first sweep after a long gap
    found = sequences(database, HP)
    assert found["II.2"] == [("after:7", date(2026, 5, 12))]  # 4/5 (1), 6/5 (3), 12/5 (7): only the top rung
    with database.session() as session:
        persons = session.scalars(
            select(Notification.template)
            .join(PlanTask)
            .where(PlanTask.number == "II.2", Notification.recipient_person_id.is_not(None))
        ).all()
    # No leader in charge in the Hải Phòng plan: the Standing Committee hears of it.
    assert "deadline_overdue" in persons


def test_two_sweeps_at_once_fire_each_rung_once(database: Database) -> None:
    seed(database)
    assign_all(database, VT, "vanthu@vinhtuy.example", date(2026, 3, 2))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_sweep() -> None:
        try:
            with database.transaction() as session:
                barrier.wait(timeout=10)
                sweep(session, as_of=date(2026, 4, 9), now=at(date(2026, 4, 9)))
        except BaseException as exc:  # a sweep that lost the race may fail; it must not double anything
            errors.append(exc)

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with database.session() as session:
        keys = session.scalars(
            select(Notification.idempotency_key).where(Notification.escalation_id.is_not(None))
        ).all()
        rungs = session.execute(select(Escalation.task_id, Escalation.rung, Escalation.deadline)).all()
    assert len(rungs) == len(set(rungs)) > 0
    assert len(keys) == len(set(keys))
    # a sweep run afterwards finds nothing left to do, whichever sweep won
    assert run_sweep(database, date(2026, 4, 9))["notifications"] == 0
    assert len(errors) <= 1
