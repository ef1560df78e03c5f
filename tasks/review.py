"""Prefect tasks for review cycles: open one in its own transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.reporting.review_cycle import CycleState, start_cycle
from runtime.environment import get_database
from tasks.retry import database_hiccup


@task(name="open-review-cycle", cache_policy=NO_CACHE, retries=2, retry_condition_fn=database_hiccup)
def open_review_cycle(organization: str | None, period: str, due: date, actor: str) -> CycleState:
    """Ask each lead agency of the organization for its update (opening twice changes nothing)."""
    with get_database().transaction() as session:
        return start_cycle(
            session, organization_code=organization, period=period, due=due, actor=actor, now=datetime.now(UTC)
        )
