"""Prefect tasks for escalation and delivery; secrets resolved here, never logged."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.escalation.sweep import SweepResult, sweep
from notifications.channels import SmtpConfig, WebhookConfig
from notifications.delivery import Channels, DeliveryReport, deliver_pending
from runtime.environment import get_database
from runtime.settings import get_settings
from tasks.retry import database_hiccup


def _secret(value: object, block_name: str) -> str | None:
    """The setting's secret, else the Prefect Secret block of that name, else None."""
    if value is not None:
        return str(value.get_secret_value())  # type: ignore[attr-defined]
    try:
        from prefect.blocks.system import Secret

        block = cast(Secret[str], Secret.load(block_name))  # sync context: the block, not a coroutine
        return str(block.get())
    except (ValueError, RuntimeError, OSError):
        return None


def channels_from_settings() -> Channels:
    """SMTP and webhook configuration from PLANFLOW_* settings and Prefect Secret blocks."""
    settings = get_settings()
    smtp = None
    if settings.smtp_host:
        smtp = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username or None,
            password=_secret(settings.smtp_password, "planflow-smtp-password") if settings.smtp_username else None,
            sender=settings.smtp_sender,
        )
    return Channels(
        smtp=smtp, webhook=WebhookConfig(secret=_secret(settings.webhook_secret, "planflow-webhook-secret"))
    )


@task(
    name="sweep-open-tasks", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5, retry_condition_fn=database_hiccup
)
def sweep_open_tasks(as_of: date, now: datetime) -> SweepResult:
    """One set-based sweep in one transaction; a retry after a dropped connection doubles nothing."""
    with get_database().transaction() as session:
        return sweep(session, as_of=as_of, now=now)


@task(name="drain-outbox", cache_policy=NO_CACHE)
def drain_outbox(now: datetime, limit: int) -> DeliveryReport:
    """Send what is due in the outbox (each message's own retries are its back-off schedule)."""
    return deliver_pending(get_database(), channels_from_settings(), now=now, limit=limit)


@task(name="advance-review-cycles", cache_policy=NO_CACHE, retries=2, retry_condition_fn=database_hiccup)
def advance_review_cycles(as_of: date, now: datetime) -> dict[str, Any]:
    """Note who answered, remind who has not, close cycles past their due date."""
    from models.reporting.review_cycle import remind_and_close

    with get_database().transaction() as session:
        reminded, closed = remind_and_close(session, as_of=as_of, now=now)
    return {"cycle_reminders": reminded, "cycles_closed": [f"{org}/{period}" for org, period in closed]}


@task(name="tell-secretariat-of-undelivered", cache_policy=NO_CACHE, retries=2, retry_condition_fn=database_hiccup)
def tell_secretariat_of_undelivered(as_of: date, now: datetime) -> int:
    """Each Văn phòng hears once a day of the messages that could not reach their recipient."""
    from models.escalation.undelivered import queue_undelivered_digests

    with get_database().transaction() as session:
        return queue_undelivered_digests(session, day=as_of, now=now)


@task(name="remove-unreferenced-evidence", cache_policy=NO_CACHE)
def remove_unreferenced_evidence() -> int:
    """Uploads that no submission named within a day are deleted (a refused or abandoned move's files)."""
    from documents.evidence import remove_unreferenced
    from models.lifecycle.tables import evidence_references

    with get_database().session() as session:
        referenced = evidence_references(session)
    return len(remove_unreferenced(get_settings().home / "evidence", referenced))
