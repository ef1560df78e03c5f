"""The outbox: notifications queued in the same transaction as the change that causes them.

`notifications/` sends pending rows later and marks them; the idempotency key makes a
retried move or sweep queue nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import CURRENT_TIMESTAMP, Base, BigId, JsonDoc, UtcDateTime, utc_now


class OutboxStatus(StrEnum):
    """A notification's delivery state."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a delivery run, until it records the outcome
    SENT = "sent"
    FAILED = "failed"


class DeliveryChannel(StrEnum):
    """How a notification went out."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class Notification(Base):
    """One message to one recipient (an agency or a person), rendered from a template when sent."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    template: Mapped[str] = mapped_column(String(80))
    recipient_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    recipient_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("plan_tasks.id", ondelete="SET NULL"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="SET NULL"), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict, server_default=text("'{}'"))
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=CURRENT_TIMESTAMP, default=utc_now)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    channel: Mapped[str | None] = mapped_column(String(20))
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # undeliverable: told in a daily digest


def queue_notification(
    session: Session,
    *,
    key: str,
    template: str,
    queued_at: datetime,
    agency_id: int | None = None,
    person_id: int | None = None,
    task_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> bool:
    """Queue one message unless its key is already queued; True when a row was added."""
    if session.scalar(select(Notification.id).where(Notification.idempotency_key == key)) is not None:
        return False
    session.add(
        Notification(
            idempotency_key=key,
            template=template,
            recipient_agency_id=agency_id,
            recipient_person_id=person_id,
            task_id=task_id,
            context=context or {},
            queued_at=queued_at,
        )
    )
    return True
