"""Each task's standing as the database decides it, against the rule written out in plain Python, on tasks in
every state the rule distinguishes: cancelled or not, assigned late, completed just before and just after
midnight in Hà Nội on its due day, due dates around public holidays, deadlines changed before and after the
moment read, a change from no date at all. And a roll-up is the sum of its units."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bench.generate import generate
from models.calendar.days import VIETNAM, working_days_between
from models.calendar.period import parse_period
from models.db import Database
from models.lifecycle.tables import DeadlineChange
from models.plan.tables import Plan, PlanTask
from models.reporting.figures import compile_figures
from models.reporting.standing import Standing, classified

TODAY = date(2026, 11, 24)
READ_AT = [  # (period, today): ended periods, and April read on the Friday before the Hùng Kings and 30/4 holidays
    ("2026-Q1", TODAY),
    ("2026-Q2", TODAY),
    ("2026-04", date(2026, 4, 24)),
    ("2026-05", TODAY),
    ("2026-H1", date(2026, 6, 22)),
]


def expected_category(task: PlanTask, changes: list[DeadlineChange], at: Standing) -> str:
    """The rule as the README states it, one task at a time."""

    def due_at(moment: datetime) -> date | None:
        made = [c for c in changes if c.changed_at <= moment]
        if made:
            return made[-1].new_due_date
        return changes[0].old_due_date if changes else task.due_date

    if task.assigned_at is None or task.assigned_at > at.moment:
        return "not_assigned"
    if task.status == "cancelled" and task.status_changed_at and task.status_changed_at <= at.moment:
        return "cancelled"
    if task.status == "approved" and task.completed_at and task.completed_at <= at.moment:
        due_then = due_at(task.completed_at)
        completed_day = task.completed_at.astimezone(VIETNAM).date()
        return "completed_late" if due_then and completed_day > due_then else "completed_on_time"
    due = due_at(at.moment)
    if due is None:
        return "waiting_upstream" if task.deadline_kind in ("upstream", "event") else "in_progress"
    if due < at.as_of:
        return "overdue"
    return "due_soon" if working_days_between(at.as_of, due) <= 7 else "in_progress"


EVERY_PLAN = select(Plan.id)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VIETNAM).astimezone(UTC)


def _vary(database: Database, seed: int) -> None:
    """Put the generated tasks in the states the rule tells apart."""
    chance = random.Random(seed)
    with database.transaction() as session:
        tasks = list(session.scalars(select(PlanTask).order_by(PlanTask.id)))
        people = session.scalar(select(DeadlineChange.changed_by_id).limit(1))
        for task in tasks:
            roll = chance.random()
            due = date(2026, 3, 20) + timedelta(days=chance.randrange(0, 80))
            if roll < 0.1:
                task.status, task.status_changed_at = "cancelled", _local(due, chance.randrange(0, 24))
            elif roll < 0.2:
                task.assigned_at = chance.choice([None, _local(date(2026, 4, 28), 9)])
            elif roll < 0.4:  # approved on its due day late at night, or just after midnight
                task.due_date, task.status = due, "approved"
                task.completed_at = _local(due, 23, 59) if chance.random() < 0.5 else _local(due + timedelta(1), 0, 1)
            elif roll < 0.6:  # open, due around the April and May holidays
                task.due_date, task.status, task.completed_at = due, "in_progress", None
            elif roll < 0.7 and people:  # a date set later for a task that had none
                task.due_date, task.deadline_kind, task.status = due, "upstream", "in_progress"
                session.add(
                    DeadlineChange(
                        task_id=task.id,
                        old_due_date=None,
                        new_due_date=due,
                        cause="upstream",
                        changed_by_id=people,
                        changed_at=_local(date(2026, 4, 10), 10),
                    )
                )


def _check_every_task(database: Database) -> int:
    checked = 0
    with database.session() as session:
        tasks = {t.id: t for t in session.scalars(select(PlanTask))}
        changes: dict[int, list[DeadlineChange]] = {}
        for change in session.scalars(select(DeadlineChange).order_by(DeadlineChange.id)):
            changes.setdefault(change.task_id, []).append(change)
        for key, today in READ_AT:
            at = Standing.of(parse_period(key), today)
            rows = session.connection().execute(classified(EVERY_PLAN), at.parameters()).all()
            decided = {row.task_id: row.category for row in rows}
            expected = {i: expected_category(t, changes.get(i, []), at) for i, t in tasks.items()}
            assert decided == expected, key
            checked += len(decided)
    return checked


@pytest.mark.parametrize("seed", [1, 2])
def test_the_database_decides_each_task_as_the_rule_says(database: Database, seed: int) -> None:
    generate(database, wards=2)
    _vary(database, seed)
    assert _check_every_task(database) == 2 * 58 * len(READ_AT)
    with database.session() as session:  # every category the rule has was met
        at = Standing.of(parse_period("2026-Q2"), TODAY)
        seen = {row.category for row in session.connection().execute(classified(EVERY_PLAN), at.parameters())}
    assert {"cancelled", "not_assigned", "completed_on_time", "completed_late", "overdue"} <= seen


def test_a_roll_up_is_the_sum_of_its_units(database: Database) -> None:
    """A province's totals, unit rows and accountability add up its wards' own reports; it names at most
    `top` late tasks, the most days late first, and counts them all."""
    generate(database, wards=5)
    period = parse_period("2026-Q2")
    with database.session() as session:
        province = compile_figures(session, organization_code="bench-tinh-0001", period=period, today=TODAY, top=3)
        wards = [
            compile_figures(session, organization_code=f"bench-phuong-{n:05d}", period=period, today=TODAY)
            for n in range(1, 6)
        ]
    assert province.rollup and not province.tasks
    for key, count in province.totals.items():
        assert count == sum(ward.totals[key] for ward in wards)
    units = {row["name"]: row for row in province.by_organization}
    for ward in wards:
        assert {key: units[ward.organization][key] for key in ward.totals} == ward.totals
    assert province.overdue_total == sum(ward.overdue_total for ward in wards) > 3
    assert len(province.overdue) == 3
    assert [row["due_date"] for row in province.overdue] == sorted(row["due_date"] for row in province.overdue)
    all_due = sorted(row["due_date"] for ward in wards for row in ward.overdue if row["category_vi"] == "quá hạn")
    assert province.overdue[0]["due_date"] == all_due[0]
    assert sum(ward.recurring_summary["tasks"] for ward in wards) == province.recurring_summary["tasks"]
    shortcomings = province.written["assessment"]["shortcomings"]
    overdue = sum(ward.totals["overdue"] for ward in wards)
    assert len(shortcomings) == min(overdue, 15) + (overdue > 15)


def test_reports_reuse_their_standing_statements(database: Database) -> None:
    """The standing's statement is built once per way of naming the plans and then only bound to each report's
    plans and moments: building it cost a ward's report more than running it."""
    generate(database, wards=2)
    with database.session() as session:
        compile_figures(session, organization_code="bench-phuong-00001", period=parse_period("2026-Q2"), today=TODAY)
        built = classified.cache_info().misses
        for code, key in (("bench-phuong-00002", "2026-Q1"), ("bench-tinh-0001", "2026-05")):
            figures = compile_figures(session, organization_code=code, period=parse_period(key), today=TODAY)
            assert sum(figures.totals.values())
    assert classified.cache_info().misses == built
