"""The sweep's floor writes exactly the rows the sweep wrote: the same number in every table, and leaves the
data as it found it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bench.generate import generate
from bench.sweep_floor import sweep_floor, sweep_rows
from models.db import Database
from models.escalation.sweep import sweep
from models.plan.tables import PlanTask

SWEEP_DAY, SWEEP_AT = date(2026, 6, 22), datetime(2026, 6, 22, 0, tzinfo=UTC)


def _explanation_requested(database: Database) -> int:
    with database.session() as session:
        query = select(func.count()).select_from(PlanTask).where(PlanTask.status == "explanation_requested")
        return session.scalar(query) or 0


def test_floor_writes_the_rows_the_sweep_wrote(database: Database) -> None:
    generate(database, wards=3)
    with database.engine.connect() as connection:
        before = sweep_rows(connection, SWEEP_AT)
    with database.transaction() as session:
        result = sweep(session, as_of=SWEEP_DAY, now=SWEEP_AT)
    with database.engine.connect() as connection:
        wrote = sweep_rows(connection, SWEEP_AT)
    assert before == dict.fromkeys(wrote, 0)
    assert wrote["escalations"] == sum(result.counts.values()) > 0
    assert wrote["explanations"] == wrote["audit_events"] == result.explanation_requests > 0
    assert wrote["outbox"] >= result.notifications > 0  # with the explanation requests' own messages
    requested = _explanation_requested(database)

    floor = sweep_floor(database, SWEEP_AT)

    assert {table: floor[table] for table in wrote} == wrote
    assert floor["plan_tasks"] == result.explanation_requests
    assert floor["rows"] == sum(wrote.values()) + result.explanation_requests
    with database.engine.connect() as connection:
        assert sweep_rows(connection, SWEEP_AT) == wrote  # rolled back: nothing added
    assert _explanation_requested(database) == requested
