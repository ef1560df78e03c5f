"""Draining the outbox: claim, render, send, mark — each message at most once, none ever dropped.

1. claim: pending rows due now become 'sending' (committed before anything is sent);
2. send: render and send through the recipient's channel (webhook if the agency has one, else e-mail);
3. mark: 'sent'; or back to 'pending' with back-off after a temporary failure; or 'failed' with the
   reason after a permanent one or too many attempts.
A crash between send and mark leaves a row 'sending'; after the lease it is marked 'failed'
as unconfirmed (it may have arrived) instead of being sent a second time.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.db import Database
from models.escalation.sweep import Escalation
from models.org.tables import Agency, Organization, Person
from models.outbox.tables import Notification, OutboxStatus
from models.plan.tables import Plan, PlanTask
from notifications.channels import DeliveryError, SmtpConfig, WebhookConfig, send_email, send_webhook
from notifications.render import render
from notifications.vietnamese import moment, running_date
from runtime.settings import get_settings

CLASSIFIED_TEMPLATE = "classified_notice"
log = logging.getLogger(__name__)

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720)]
MAX_ATTEMPTS = 7
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Channels:
    """The configured ways out; a missing SMTP host means e-mail cannot be sent yet (messages wait)."""

    smtp: SmtpConfig | None
    webhook: WebhookConfig


@dataclass
class DeliveryReport:
    """Counts of one drain (the JSON of `planflow notify deliver --json`)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unconfirmed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "unconfirmed": self.unconfirmed,
            "errors": self.errors[:20],
        }


def deliver_pending(database: Database, channels: Channels, *, now: datetime, limit: int = 500) -> DeliveryReport:
    """One drain of the outbox."""
    report = DeliveryReport()
    with database.transaction() as session:
        report.unconfirmed = mark_unconfirmed(session, now=now)
    with database.transaction() as session:
        claimed = claim(session, now=now, limit=limit)
    for notification_id in claimed:
        outcome, error = send_claimed(database, notification_id, channels, now=now)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if error:
            report.errors.append(error)
    return report


def claim(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` due rows as being sent by this drain; other drains skip them."""
    due = (
        select(Notification.id)
        .where(
            Notification.status == OutboxStatus.PENDING.value,
            (Notification.next_attempt_at.is_(None)) | (Notification.next_attempt_at <= now),
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SENDING.value, claimed_at=now)
        )
    return ids


def mark_unconfirmed(session: Session, *, now: datetime, lease: timedelta = LEASE) -> int:
    """Rows left 'sending' by a crashed drain: kept as failed-unconfirmed, never sent twice."""
    stale = session.scalars(
        select(Notification).where(
            Notification.status == OutboxStatus.SENDING.value, Notification.claimed_at < now - lease
        )
    ).all()
    for row in stale:
        row.status = OutboxStatus.FAILED.value
        row.last_error = (
            f"bị gián đoạn khi đang gửi ({row.claimed_at:%Y-%m-%d %H:%M}); có thể đã đến nơi nên không gửi lại "
            f"để tránh trùng (mã {outgoing_id(row.idempotency_key)}); kiểm tra và gửi lại bằng "
            f"'planflow notify retry {row.id}'"
        )
    return len(stale)


def outgoing_id(idempotency_key: str) -> str:
    """What leaves planflow to name a message (Message-ID, Idempotency-Key, footer): a hash of the row's key,
    so nothing a caller typed, and nothing of a task, ever reaches a header."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def send_claimed(
    database: Database, notification_id: int, channels: Channels, *, now: datetime
) -> tuple[str, str | None]:
    """Send one claimed row and record the outcome in its own transaction.

    Whatever goes wrong with this one message (its data, its template, its channel) fails this message,
    recorded with the reason; the rest of the batch goes on.
    """
    channel: str | None = None
    try:
        with database.session() as session:
            row = session.get(Notification, notification_id)
            if row is None:
                return "failed", f"{notification_id}: không còn trong hộp thư đi"
            channel, address, message_context = _prepare(session, row)
            rendered = render(CLASSIFIED_TEMPLATE if message_context["classified"] else row.template, message_context)
            key = outgoing_id(row.idempotency_key)
        _send(channels, channel, address, rendered, message_context, key)
    except DeliveryError as exc:
        return _record(database, notification_id, now, exc, channel)
    except Exception as exc:  # one message's fault must not stop the batch
        log.exception("Notification %s could not be rendered or sent", notification_id)
        failure = DeliveryError(f"lỗi khi soạn hoặc gửi ({type(exc).__name__}: {str(exc)[:200]})", permanent=True)
        return _record(database, notification_id, now, failure, channel)
    return _record(database, notification_id, now, None, channel)


def _send(
    channels: Channels, channel: str, address: str, rendered: Any, message_context: dict[str, Any], key: str
) -> None:
    if channel == "webhook":
        payload = {
            "key": key,
            "kind": message_context["template_kind"],
            "subject": rendered.subject,
            "text": rendered.text,
            "task": message_context["task"],
            "recipient": message_context["recipient"],
        }
        send_webhook(channels.webhook, address, payload, key=key)
        return
    if channels.smtp is None:
        raise DeliveryError("chưa cấu hình máy chủ thư (PLANFLOW_SMTP_HOST)", permanent=False)
    send_email(channels.smtp, address, rendered, message_id=f"<{key}@planflow>")


def _record(
    database: Database, notification_id: int, now: datetime, error: DeliveryError | None, channel: str | None
) -> tuple[str, str | None]:
    with database.transaction() as session:
        row = session.get(Notification, notification_id)
        if row is None:
            return "failed", f"{notification_id}: không còn trong hộp thư đi"
        row.attempts += 1
        row.channel = channel
        if error is None:
            row.status, row.sent_at, row.last_error = OutboxStatus.SENT.value, now, None
            return "sent", None
        row.last_error = str(error)
        if error.permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = OutboxStatus.FAILED.value
            return "failed", f"{row.id}: {error}"
        row.status = OutboxStatus.PENDING.value
        row.next_attempt_at = now + BACKOFF[min(row.attempts - 1, len(BACKOFF) - 1)]
        return "retrying", f"{row.id}: {error}"


def _prepare(session: Session, row: Notification) -> tuple[str, str, dict[str, Any]]:
    """Channel, address and template context of a row (its task and escalation read as they are now)."""
    agency = session.get(Agency, row.recipient_agency_id) if row.recipient_agency_id else None
    person = session.get(Person, row.recipient_person_id) if row.recipient_person_id else None
    task = session.get(PlanTask, row.task_id) if row.task_id else None
    classified = task is not None and task.classified
    if agency is not None and agency.webhook_url and not classified:
        channel, address = "webhook", agency.webhook_url
    elif agency is not None and agency.email:
        channel, address = "email", agency.email
    elif person is not None and person.email and not person.email.endswith(".invalid"):
        channel, address = "email", person.email
    else:
        who = agency.name if agency else (person.full_name if person else "?")
        raise DeliveryError(f"{who} chưa có địa chỉ thư hay webhook trong danh bạ", permanent=True)
    recipient = agency.name if agency else (f"đồng chí {person.full_name}" if person else "")
    if classified and task is not None:
        return channel, address, _classified_context(session, row, task, recipient)
    return channel, address, {**_context(session, row, recipient), "classified": False}


def _classified_context(session: Session, row: Notification, task: PlanTask, recipient: str) -> dict[str, Any]:
    """A "mật" task's message says only that there is news and where to read it: no number, text or names."""
    plan = session.get(Plan, task.plan_id)
    organization = session.get(Organization, plan.organization_id) if plan else None
    return {
        "classified": True,
        "recipient": recipient,
        "organization": organization.name if organization else "",
        "key": "",  # nothing that could link the message to a task, not even a hash of its key
        "portal_url": get_settings().portal_url,
    }


def _context(session: Session, row: Notification, recipient: str) -> dict[str, Any]:
    task = session.get(PlanTask, row.task_id) if row.task_id else None
    plan = session.get(Plan, task.plan_id) if task else None
    organization = session.get(Organization, plan.organization_id) if plan else None
    context: dict[str, Any] = {
        "recipient": recipient,
        "organization": organization.name if organization else "",
        "key": outgoing_id(row.idempotency_key),
        "template_kind": row.template,
        "actor": row.context.get("actor", "Văn phòng"),
        "when": moment(row.queued_at),
        "given": {k: v for k, v in row.context.items() if k not in ("plan", "task", "description", "due_date")},
        "new_due": _date_text(row.context.get("new_due_date")),
        "task": _task_context(session, task, plan),
    }
    if row.escalation_id:
        escalation = session.get(Escalation, row.escalation_id)
        if escalation is None:
            raise DeliveryError("bậc đôn đốc của thông báo không còn", permanent=True)
        context["escalation"] = {
            "kind": escalation.kind,
            "working_days": escalation.working_days,
            "deadline": running_date(escalation.deadline),
            "request_explanation": escalation.request_explanation,
        }
    return context


def _task_context(session: Session, task: PlanTask | None, plan: Plan | None) -> dict[str, Any]:
    if task is None or plan is None:
        return {
            "number": "",
            "plan_title": "",
            "description": "",
            "lead_agency": "",
            "due_text": "",
            "upstream_body": "",
        }
    lead = session.get(Agency, task.lead_agency_id) if task.lead_agency_id else None
    return {
        "plan": plan.code,
        "number": task.number,
        "plan_title": plan.title,
        "description": task.description,
        "lead_agency": lead.name if lead else "—",
        "due_text": running_date(task.due_date) if task.due_date else task.deadline_text,
        "upstream_body": task.upstream_body or "",
    }


def _date_text(value: Any) -> str | None:
    if not value:
        return None
    from datetime import date

    return running_date(date.fromisoformat(str(value)))
