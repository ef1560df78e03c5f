"""The append-only audit log: who did what, when, to which record."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import CURRENT_TIMESTAMP, Base, BigId, JsonDoc, UtcDateTime, utc_now


class Channel(StrEnum):
    """The door a recorded action came through."""

    PORTAL = "portal"
    API = "api"
    PREFECT_UI = "prefect_ui"
    CLI = "cli"
    SCHEDULE = "schedule"


CHANNEL_LABELS_VI = {
    Channel.PORTAL: "cổng nhiệm vụ",
    Channel.API: "API",
    Channel.PREFECT_UI: "giao diện Prefect",
    Channel.CLI: "dòng lệnh",
    Channel.SCHEDULE: "tự động theo lịch",
}


class AuditEvent(Base):
    """One recorded action; database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=CURRENT_TIMESTAMP, default=utc_now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(200), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    channel: Mapped[str | None] = mapped_column(String(20))  # a Channel; None for events before it was kept
    # A move retried with the same key finds its first event here and does not act again.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_key: str,
    occurred_at: datetime,
    details: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    channel: str | None = None,
) -> AuditEvent:
    """Add one audit event to the caller's transaction (it commits with the change it records)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_key=entity_key,
        occurred_at=occurred_at,
        details=details or {},
        idempotency_key=idempotency_key,
        channel=channel,
    )
    session.add(event)
    return event
