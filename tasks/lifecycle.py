"""Prefect tasks for the lifecycle: apply one move, assign a whole plan, describe a task."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import task
from prefect.cache_policies import NO_CACHE
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.plan_text import slugify
from models.lifecycle.assignment import PlanAssignment, assign_whole_plan
from models.lifecycle.moves import MoveRequest, MoveResult, apply_move_once
from models.org.tables import Agency
from models.plan.tables import Plan, PlanTask
from runtime.environment import get_database
from runtime.progress import steps
from tasks.retry import database_hiccup, retrying_on_hiccup


def apply_task_move(request: MoveRequest, at: datetime | None = None) -> MoveResult:
    """One move in one transaction, inside the step flow's own run. Not a task run of its own: that cost the
    Prefect server and the API about 90 ms of CPU per move (10 clerks: 5.8 → 9.8 moves a second without it),
    and the flow run already shows the move with its tags and log. A dropped connection is tried again; the same
    idempotency key never acts twice."""
    return retrying_on_hiccup(lambda: apply_move_once(get_database(), request, now=at or datetime.now(UTC)))


@task(name="assign-plan-tasks", cache_policy=NO_CACHE, retries=2, retry_condition_fn=database_hiccup)
def assign_plan_tasks(
    plan_code: str,
    actor: str,
    key_prefix: str,
    at: datetime | None = None,
    related: list[str] | None = None,
    channel: tuple[str, str | None] = ("cli", None),
    only: list[str] | None = None,
) -> PlanAssignment:
    """Assign every not-yet-assigned task of a plan (or the chosen ones), in one transaction; refused tasks are
    listed."""
    with steps(f"Giao nhiệm vụ kế hoạch {plan_code}") as report, get_database().transaction() as session:
        moment = at or datetime.now(UTC)
        return assign_whole_plan(
            session,
            plan_code,
            actor,
            key_prefix,
            now=moment,
            related=related,
            on_progress=report,
            channel=channel[0],
            os_user=channel[1],
            only=only,
        )


def task_tags(plan_code: str, number: str, step: str) -> list[str]:
    """Tags that make a task's whole life one filter in the Prefect UI (a plain read, not a task run of its own:
    each move would otherwise pay for a second task run)."""
    with get_database().session() as session:
        return tags_in(session, plan_code, number, step)


def tags_in(session: Session, plan_code: str, number: str, step: str) -> list[str]:
    """The task's tags read in the caller's session (a move's own transaction): plan, task, lead agency, step."""
    lead = session.scalar(
        select(Agency.name)
        .select_from(PlanTask)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .join(Agency, PlanTask.lead_agency_id == Agency.id)
        .where(Plan.code == plan_code, PlanTask.number == number)
    )
    return tags_of(plan_code, number, lead, step)


def tags_of(plan_code: str, number: str, lead_agency: str | None, step: str) -> list[str]:
    """Plan, task, lead agency (slugified; none yet is said so) and step, as every run of the task carries."""
    agency = slugify(lead_agency or "chua-co-chu-tri")
    return [f"plan:{plan_code}", f"task:{plan_code}/{number}", f"agency:{agency}", f"step:{step}"]


def prove_actor(token: object, actor: str) -> None:
    """A run started from a deployment acts only for the person whose personal token it carries; a wrong,
    expired, revoked or someone else's token refuses the run before anything changes."""
    from models.accounts.personal_tokens import prove

    secret = token.get_secret_value() if isinstance(token, SecretStr) else (str(token) if token else None)
    with get_database().transaction() as session:
        prove(session, secret, actor, now=datetime.now(UTC))
