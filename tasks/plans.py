"""Prefect tasks for plans: read a file, store it, lint it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from documents.reader import read_plan
from models.plan.document import PlanDocument
from models.plan.six_clear import Finding, lint_plan
from models.plan.store import SaveResult, save_plan
from runtime.environment import get_database
from tasks.retry import database_hiccup


@task(name="read-plan-file", cache_policy=NO_CACHE)
def read_plan_file(
    source: str, code: str | None = None, columns: str | None = None, organization: str | None = None
) -> PlanDocument:
    """Parse and validate a plan file (no database work: a bad file stops here)."""
    return read_plan(Path(source), code=code, columns=columns, organization=organization)


@task(name="store-plan", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, retry_condition_fn=database_hiccup)
def store_plan(document: PlanDocument, actor: str) -> SaveResult:
    """Write the plan in one transaction; a retry after a dropped connection is harmless (upsert)."""
    with get_database().transaction() as session:
        return save_plan(session, document=document, actor=actor, now=datetime.now(UTC))


@task(name="check-six-clear", cache_policy=NO_CACHE)
def check_six_clear(document: PlanDocument) -> list[Finding]:
    """The "6 rõ" findings of the imported plan, for the run's log."""
    return lint_plan(document)
