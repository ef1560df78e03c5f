"""The report's floor does the report's work: it decides each task's standing as the report does, and finds the
same totals, groups, late tasks, agencies, recurring tasks, task list and earlier periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, update

from bench.generate import generate
from bench.report_floor import report_floor, standings
from models.calendar.period import parse_period
from models.db import Database
from models.lifecycle.tables import DeadlineChange
from models.org.tables import Organization, Person
from models.plan.tables import KpiIndicator, Plan, PlanTask
from models.reporting.figures import PLANS_BY_ID, compile_figures
from models.reporting.indicators import KpiMeasurement
from models.reporting.standing import Standing, classified

TODAY = date(2026, 6, 20)
PERIODS = ("2026-Q1", "2026-05", "2026-Q2", "2026-Q3")


def _changed_deadlines(database: Database) -> None:
    """Deadline changes the generator does not make: before and after each period's end, before and after the
    task's completion, several for one task, one to an earlier date."""
    with database.transaction() as session:
        person = session.scalar(select(Person.id).limit(1))
        tasks = session.execute(
            select(PlanTask.id, PlanTask.due_date, PlanTask.completed_at)
            .where(PlanTask.due_date.is_not(None))
            .order_by(PlanTask.id)
            .limit(40)
        ).all()
        rows: list[dict[str, Any]] = []
        for place, (task_id, due, completed_at) in enumerate(tasks):
            moment = completed_at or datetime(2026, 3, 1 + place % 28, 3, tzinfo=UTC)
            for shift, (days, moved) in enumerate(((-20, 30), (15, -10), (60, 45))[: 1 + place % 3]):
                rows.append(
                    {
                        "task_id": task_id,
                        "old_due_date": due + timedelta(days=shift * 5),
                        "new_due_date": due + timedelta(days=moved),
                        "cause": "extension",
                        "note": "",
                        "changed_by_id": person,
                        "changed_at": moment + timedelta(days=days),
                    }
                )
        session.execute(insert(DeadlineChange), rows)


def _measured_indicators(database: Database) -> None:
    """Measurements before and after the periods' ends, some meeting their target and some not, on indicators
    that count up (>=) and down (<=)."""
    with database.transaction() as session:
        indicators = session.execute(select(KpiIndicator.id, KpiIndicator.target_value).order_by(KpiIndicator.id)).all()
        session.execute(
            update(KpiIndicator).where(KpiIndicator.id.in_([i for i, _ in indicators[::3]])).values(comparator="<=")
        )
        rows = [
            {
                "indicator_id": indicator_id,
                "value": target * (0.5 + ((place + step) % 4) / 2),
                "measured_at": datetime(2026, 1 + (place * 5 + step * 3) % 9, 10, 3, tzinfo=UTC),
                "recorded_by": "test",
                "note": "",
            }
            for place, (indicator_id, target) in enumerate(indicators)
            if place % 4
            for step in range(1 + place % 3)
        ]
        session.execute(insert(KpiMeasurement), rows)


def _ward_and_root(database: Database) -> tuple[Organization, Organization, list[int]]:
    with database.session() as session:
        ward = session.scalars(
            select(Organization).where(Organization.level == "ward").order_by(Organization.id)
        ).first()
        root = session.scalars(select(Organization).where(Organization.parent_id.is_(None))).one()
        everyone = list(session.scalars(select(Organization.id)))
        assert ward is not None
        session.expunge_all()
        return ward, root, everyone


def test_the_floor_decides_each_tasks_standing_as_the_report_does(postgres_database: Database) -> None:
    generate(postgres_database, wards=3)
    _changed_deadlines(postgres_database)
    _ward, _root, everyone = _ward_and_root(postgres_database)
    with postgres_database.engine.connect() as connection:
        plans = list(connection.execute(select(Plan.id)).scalars())
        assert connection.execute(select(func.count()).select_from(DeadlineChange)).scalar_one() > 40
        for key in PERIODS:
            at = Standing.of(parse_period(key), TODAY)
            rows = connection.execute(classified(PLANS_BY_ID), {"plan_ids": plans, **at.parameters()})
            report = {r.task_id: (r.category, r.due, r.completed_in_period, r.reported) for r in rows}
            floor = standings(connection, everyone, at)
            assert floor == report and len(report) == 3 * 58
            assert len({category for category, *_ in report.values()}) >= 4


def test_the_floor_finds_what_the_report_finds(postgres_database: Database) -> None:
    generate(postgres_database, wards=3)
    _changed_deadlines(postgres_database)
    _measured_indicators(postgres_database)
    ward, root, everyone = _ward_and_root(postgres_database)
    met_found: list[int] = []
    for organization, ids in ((ward, [ward.id]), (root, everyone)):
        for key in PERIODS:
            with postgres_database.session() as session:
                figures = compile_figures(
                    session, organization_code=organization.code, period=parse_period(key), today=TODAY, history=3
                )
            floor = report_floor(postgres_database, ids, parse_period(key), TODAY, history=3)

            def nonzero(totals: dict[str, int]) -> dict[str, int]:
                return {category: count for category, count in totals.items() if count}

            assert floor["totals"] == nonzero(figures.totals)
            earlier = {entry["period"]: nonzero(entry["totals"]) for entry in figures.history[:-1]}
            assert floor["history"] == earlier
            assert floor["groups"]["plans"] == len(figures.plans)
            assert floor["groups"]["sections"] == len(figures.by_section)
            assert floor["groups"]["agencies"] == len(figures.by_agency)
            assert floor["groups"]["leaders"] == len(figures.by_leader)
            assert floor["late_total"] == figures.overdue_total and floor["late"] == len(figures.overdue)
            assert floor["recurring"] == figures.recurring_summary
            if not figures.rollup:
                assert floor["agencies_accountable"] == len(figures.accountability)
                assert floor["tasks"] == len(figures.tasks) == 58
                assert floor["recurring_listed"] == len(figures.recurring)
            assert floor["indicators"] == len(figures.indicators)  # a roll-up's: one row per shared indicator
            met = [i["units_met"] if figures.rollup else bool(i["met"]) for i in figures.indicators]
            assert floor["indicators_met"] == sum(met)
            met_found.append(floor["indicators_met"])
    assert len(set(met_found)) > 2  # met targets counted, differently as the periods' ends pass measurements
    with postgres_database.engine.connect() as connection:  # rolled back: nothing left behind
        assert not connection.execute(text("SELECT to_regclass('pg_temp.floor_standing')")).scalar()
