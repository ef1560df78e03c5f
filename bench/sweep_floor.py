"""The sweep's floor: the same rows the sweep wrote, written again with plain set-based SQL.

A cold sweep writes rungs (escalations), their messages (outbox), explanation requests with their audit events
and messages, and moves those tasks to "explanation requested". The floor copies exactly those rows, by one
`INSERT … SELECT` per table, into scratch tables shaped like the real ones (on PostgreSQL logged, with the same
indexes, checks and foreign keys), and touches the same task rows with one UPDATE, all in a transaction that is
rolled back. What the sweep costs above its floor is choosing the rows (which rung, which recipient, which task),
not writing them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Column, MetaData, Table, func, insert, select, text, update
from sqlalchemy.engine import Connection

from models.audit import AuditEvent
from models.db import Database
from models.escalation.sweep import Escalation
from models.lifecycle.tables import Explanation
from models.outbox.tables import Notification
from models.plan.tables import PlanTask


def _sweep_rows(now: datetime) -> dict[Table, Any]:
    """Each table the sweep writes, with the condition naming the rows one sweep at `now` wrote in it."""
    return {
        _table(Escalation): Escalation.fired_at == now,
        _table(Notification): Notification.created_at == now,
        _table(Explanation): Explanation.requested_at == now,
        _table(AuditEvent): (AuditEvent.recorded_at == now) & (AuditEvent.action == "task.request_explanation"),
    }


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def sweep_rows(connection: Connection, now: datetime) -> dict[str, int]:
    """How many rows of each table the sweep that ran at `now` wrote."""
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table).where(rows)).scalar_one())
        for table, rows in _sweep_rows(now).items()
    }


def sweep_floor(database: Database, now: datetime) -> dict[str, Any]:
    """Write the sweep's rows again with one plain statement per table (rolled back); the rows written by table."""
    written: dict[str, int] = {}
    with database.engine.connect() as connection, connection.begin() as transaction:
        for table, rows in _sweep_rows(now).items():
            scratch = scratch_copy(connection, table)
            connection.execute(insert(scratch).from_select(list(table.c.keys()), select(table).where(rows)))
            # counted afterwards: psycopg reports no rowcount for INSERT … SELECT
            written[table.name] = int(connection.execute(select(func.count()).select_from(scratch)).scalar_one())
        explained = select(Explanation.task_id).where(Explanation.requested_at == now)
        touched = connection.execute(
            update(PlanTask).where(PlanTask.id.in_(explained)).values(version=PlanTask.version)
        )
        written["plan_tasks"] = touched.rowcount
        transaction.rollback()
    return {"rows": sum(written.values()), **written}


def scratch_copy(connection: Connection, table: Table) -> Table:
    """An empty table shaped like `table`. On PostgreSQL an ordinary table (its rows are written to the log as the
    real ones are) with the same indexes, checks and foreign keys (each row checked against the same tables), so
    each row costs what it costs there; made inside the floor's transaction, it goes with the rollback."""
    name = f"floor_{table.name}"
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"CREATE TABLE {name} (LIKE {table.name} INCLUDING ALL)"))
        for definition in _foreign_keys(connection, table.name):
            connection.execute(text(f"ALTER TABLE {name} ADD {definition}"))
    else:
        connection.execute(text(f"CREATE TEMPORARY TABLE {name} AS SELECT * FROM {table.name} WHERE 0"))
    return Table(name, MetaData(), *(Column(column.name, column.type) for column in table.columns))


def _foreign_keys(connection: Connection, table_name: str) -> list[str]:
    """The definitions of a PostgreSQL table's foreign keys, as `ALTER TABLE … ADD` takes them."""
    found = connection.execute(
        text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"
        ),
        {"t": table_name},
    )
    return list(found.scalars())
