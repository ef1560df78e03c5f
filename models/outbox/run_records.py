"""Moves to be shown in Prefect: a move made through the API or the portal is applied in the clerk's request and
queued here in the same transaction; a recorder then creates its flow run in Prefect (named, tagged, in its final
state, with its log line). The clerk never waits for Prefect, and no move is missing from Prefect or in it twice:
the row commits with the move, and the run is created under the row's own idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import CURRENT_TIMESTAMP, Base, BigId, JsonDoc, UtcDateTime, utc_now


class RunRecord(Base):
    """One move waiting to appear in Prefect as a flow run of its step's flow (recorded_at set once it does)."""

    __tablename__ = "run_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Prefect's idempotency key for the run: unique across every database that shows runs in one Prefect
    run_key: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid4().hex)
    flow_name: Mapped[str] = mapped_column(String(80))
    run_name: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    state: Mapped[str] = mapped_column(String(10))  # COMPLETED, or FAILED for a refused move
    message: Mapped[str] = mapped_column(Text)  # the run's log line (a refusal's reason)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=CURRENT_TIMESTAMP, default=utc_now)
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(36))


@dataclass(frozen=True)
class RunToRecord:
    """What Prefect shows of one move: the step's flow, the run's name and tags, its parameters and outcome."""

    flow_name: str
    run_name: str
    tags: list[str]
    parameters: dict[str, Any]
    completed: bool
    message: str
    occurred_at: datetime


def queue_run(session: Session, run: RunToRecord) -> RunRecord:
    """Add the run to the caller's transaction: it commits (or not) with the move it shows."""
    record = RunRecord(
        flow_name=run.flow_name,
        run_name=run.run_name,
        tags=run.tags,
        parameters=run.parameters,
        state="COMPLETED" if run.completed else "FAILED",
        message=run.message,
        occurred_at=run.occurred_at,
    )
    session.add(record)
    return record


def claim_unrecorded(session: Session, limit: int) -> list[RunRecord]:
    """The oldest runs not yet in Prefect, locked for this recorder (another one skips them on PostgreSQL)."""
    query = select(RunRecord).where(RunRecord.recorded_at.is_(None)).order_by(RunRecord.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def mark_recorded(session: Session, flow_run_ids: dict[int, str], at: datetime) -> None:
    """Note each record's flow run: it is in Prefect and is not sent again."""
    for record_id, flow_run_id in flow_run_ids.items():
        session.execute(
            update(RunRecord).where(RunRecord.id == record_id).values(recorded_at=at, flow_run_id=flow_run_id)
        )


def unrecorded_count(session: Session) -> int:
    """How many runs still wait for Prefect (the recorder's backlog)."""
    return session.scalar(select(func.count()).select_from(RunRecord).where(RunRecord.recorded_at.is_(None))) or 0
