"""Who is it waiting on: for every open task, the unit or person whose move is next.

Derived from the status and the open requests, with a few set-based queries for a whole
list of tasks, so the secretariat never has to guess whom to call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.lifecycle.recipients import secretariat_of
from models.lifecycle.tables import CoordinationRequest, ExtensionRequest
from models.lifecycle.workflow import TaskStatus
from models.org.names import agency_key
from models.org.tables import Agency, agency_members
from models.plan.deadlines import DeadlineKind
from models.plan.tables import PlanTask

STANDING_COMMITTEE = "Ban Thường vụ"
_WORKING = {TaskStatus.ACKNOWLEDGED.value, TaskStatus.IN_PROGRESS.value, TaskStatus.RETURNED.value}


def waiting_on_many(session: Session, tasks: Iterable[PlanTask]) -> dict[int, list[str]]:
    """task id → the names whose move is next (empty for completed or cancelled tasks)."""
    tasks = list(tasks)
    ids = [t.id for t in tasks]
    pending_extension = set(
        session.scalars(
            select(ExtensionRequest.task_id).where(
                ExtensionRequest.task_id.in_(ids), ExtensionRequest.decision.is_(None)
            )
        )
    )
    unanswered: dict[int, list[str]] = defaultdict(list)
    for task_id, name in session.execute(
        select(CoordinationRequest.task_id, Agency.name)
        .join(Agency, CoordinationRequest.agency_id == Agency.id)
        .where(CoordinationRequest.task_id.in_(ids), CoordinationRequest.answered_at.is_(None))
        .order_by(CoordinationRequest.id)
    ):
        if name not in unanswered[task_id]:
            unanswered[task_id].append(name)
    offices: dict[int, str] = {}
    result: dict[int, list[str]] = {}
    for task in tasks:
        organization_id = task.plan.organization_id
        if organization_id not in offices:
            office = secretariat_of(session, organization_id)
            offices[organization_id] = office.name if office else "Văn phòng"
        result[task.id] = _next(task, offices[organization_id], task.id in pending_extension, unanswered[task.id])
    return result


def _deciders(task: PlanTask) -> list[str]:
    return [leader.title for leader in task.leaders] or [STANDING_COMMITTEE]


def _next(task: PlanTask, office: str, extension_pending: bool, unanswered: list[str]) -> list[str]:
    lead = [task.lead_agency.name] if task.lead_agency else [office]
    status = task.status
    if status in (TaskStatus.APPROVED.value, TaskStatus.CANCELLED.value):
        return []
    if status in (TaskStatus.IMPORTED.value, TaskStatus.SUBMITTED.value):
        return [office]
    if status == TaskStatus.EXPLANATION_SUBMITTED.value:
        return _deciders(task)
    if extension_pending:
        return _deciders(task)
    if status in _WORKING and unanswered:
        return unanswered
    no_date = task.due_date is None and task.deadline_kind in (DeadlineKind.UPSTREAM.value, DeadlineKind.EVENT.value)
    if no_date and task.upstream_body:
        return [*lead, task.upstream_body]
    return lead


def matches(names: list[str], wanted: str) -> bool:
    """Whether a waiting-on list names the unit or title asked for (any spelling)."""
    key = agency_key(wanted)
    return any(agency_key(name) == key for name in names)


def attention_facts(session: Session, tasks: Iterable[PlanTask], unit: Agency | None) -> tuple[set[int], set[int]]:
    """(ids of tasks with an extension request awaiting a decision, ids of tasks whose unanswered coordination
    request is addressed to this unit or to a group it belongs to) — what "Cần tôi xử lý" needs beyond status."""
    ids = [t.id for t in tasks]
    pending = set(
        session.scalars(
            select(ExtensionRequest.task_id).where(
                ExtensionRequest.task_id.in_(ids), ExtensionRequest.decision.is_(None)
            )
        )
    )
    if unit is None:
        return pending, set()
    addressed = select(agency_members.c.group_id).where(agency_members.c.member_id == unit.id)
    asked = set(
        session.scalars(
            select(CoordinationRequest.task_id).where(
                CoordinationRequest.task_id.in_(ids),
                CoordinationRequest.answered_at.is_(None),
                (CoordinationRequest.agency_id == unit.id) | CoordinationRequest.agency_id.in_(addressed),
            )
        )
    )
    return pending, asked
