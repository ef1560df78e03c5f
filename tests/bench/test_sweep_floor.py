"""The sweep's floor writes exactly the rows the sweep wrote: the same number in every table, and leaves the
data as it found it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from bench.generate import generate
from bench.sweep_floor import scratch_copy, sweep_floor, sweep_rows
from models.audit import AuditEvent
from models.db import Database
from models.escalation.sweep import Escalation, sweep
from models.lifecycle.tables import Explanation
from models.outbox.tables import Notification
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


def test_the_floors_tables_cost_what_the_real_ones_cost(postgres_database: Database) -> None:
    """Logged like the real tables, with the same indexes, checks and foreign keys: a row written there pays the
    log, the index entries and the checks against other tables that the sweep's rows pay."""

    def shape(connection: Connection, name: str) -> tuple[str, list[str], list[str]]:
        persistence = connection.execute(
            text("SELECT relpersistence FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": name}
        ).scalar_one()
        constraints = connection.execute(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)"),
            {"t": name},
        ).scalars()
        indexes = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE tablename = :t"), {"t": name}
        ).scalars()
        unnamed = [re.sub(r"INDEX \S+ ON \S+", "INDEX ON", index) for index in indexes]
        return persistence, sorted(constraints), sorted(unnamed)

    with postgres_database.engine.connect() as connection, connection.begin() as transaction:
        for table in (Escalation.__table__, Notification.__table__, Explanation.__table__, AuditEvent.__table__):
            scratch = scratch_copy(connection, cast(Table, table))
            real = shape(connection, table.name)
            assert real[0] == "p" and real[1] and real[2]
            assert shape(connection, scratch.name) == real
        transaction.rollback()
