"""Applying a move to a task: check the table, the actor's authority and what was given, then
write the new status, the move's records, an audit event and its notifications together.

Nothing else changes a task's status. A move carrying an idempotency key that was
already applied returns the first result and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from models.audit import AuditEvent, record_event
from models.db import insert_new_only
from models.directory import find_person, roles_of
from models.lifecycle_notify import queue_move_notifications
from models.lifecycle_steps import STEPS, InvalidMoveError, StepContext
from models.plan import Plan, PlanTask, PlanTaskCoordinator
from models.workflow import (
    ACTION_LABELS_VI,
    ROLE_LABELS_VI,
    STATUS_LABELS_VI,
    TRANSITIONS,
    Action,
    Role,
    TaskStatus,
    allowed_actions,
)

__all__ = [
    "ChangedMeanwhileError",
    "ForbiddenMoveError",
    "InvalidMoveError",
    "MoveError",
    "MoveRequest",
    "MoveResult",
    "NotAuthorizedError",
    "TaskNotFoundError",
    "apply_move",
]


class MoveError(ValueError):
    """Base of every refused move; the message says what to do."""


class TaskNotFoundError(MoveError, LookupError):
    """No such task in that plan."""


class ForbiddenMoveError(MoveError):
    """The table has no such move from the task's status."""


class NotAuthorizedError(MoveError):
    """The person does not hold a role the move needs."""


class ChangedMeanwhileError(MoveError):
    """Someone else changed the task between reading and writing it."""


@dataclass(frozen=True)
class MoveRequest:
    """One person's move on one task, with what they give for it."""

    plan_code: str
    task_number: str
    action: Action
    actor_email: str
    payload: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str | None = None
    expected_version: int | None = None  # the version the person saw (a form's hidden field)


@dataclass(frozen=True)
class MoveResult:
    """What a move did (or, repeated, what it had done)."""

    plan_code: str
    task_number: str
    action: str
    from_status: str
    to_status: str
    actor: str
    event_id: int
    notifications: int
    repeated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `planflow task … --json`."""
        return {
            "plan": self.plan_code,
            "task": self.task_number,
            "action": self.action,
            "from": self.from_status,
            "to": self.to_status,
            "actor": self.actor,
            "event_id": self.event_id,
            "notifications": self.notifications,
            "repeated": self.repeated,
        }


def load_task(session: Session, plan_code: str, number: str) -> tuple[PlanTask, Plan]:
    """A task with everything a move reads (lead, coordinators, leaders), or TaskNotFoundError."""
    row = session.execute(
        select(PlanTask, Plan)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .where(Plan.code == plan_code, PlanTask.number == number)
        .options(
            selectinload(PlanTask.lead_agency),
            selectinload(PlanTask.leaders),
            selectinload(PlanTask.coordinators).selectinload(PlanTaskCoordinator.agency),
        )
    ).one_or_none()
    if row is None:
        raise TaskNotFoundError(f"Không có nhiệm vụ {number} trong kế hoạch '{plan_code}'.")
    return row[0], row[1]


def _explanation_message(
    request: dict[str, Any], context: dict[str, Any], kind: str, recipient: int, now: datetime
) -> dict[str, Any]:
    """One outbox row of a bulk explanation request, keyed as `apply_move` keys its messages."""
    return {
        "idempotency_key": f"move:{request['key']}:explanation_requested:{kind}:{recipient}",
        "template": "explanation_requested",
        "recipient_agency_id": recipient if kind == "agency" else None,
        "recipient_person_id": recipient if kind == "person" else None,
        "task_id": request["task_id"],
        "context": context,
        "status": "pending",
        "attempts": 0,
        "queued_at": now,
        "created_at": now,
    }


def _previous(session: Session, key: str) -> MoveResult | None:
    event = session.scalars(select(AuditEvent).where(AuditEvent.idempotency_key == key)).one_or_none()
    if event is None:
        return None
    details = event.details
    return MoveResult(
        plan_code=details["plan"],
        task_number=details["task"],
        action=details["action"],
        from_status=details["from"],
        to_status=details["to"],
        actor=event.actor,
        event_id=event.id,
        notifications=details.get("notifications", 0),
        repeated=True,
    )


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in payload.items()}


def apply_move(session: Session, request: MoveRequest, *, now: datetime) -> MoveResult:
    """Validate the move completely, then apply it in the caller's transaction."""
    if request.idempotency_key:
        previous = _previous(session, request.idempotency_key)
        if previous is not None:
            return previous
    task, plan = load_task(session, request.plan_code, request.task_number)
    actor = find_person(session, request.actor_email)
    if request.expected_version is not None and request.expected_version != task.version:
        raise ChangedMeanwhileError(
            f"Nhiệm vụ {task.number} vừa được người khác cập nhật (phiên bản {task.version}, bạn đang xem "
            f"{request.expected_version}); hãy tải lại và thực hiện lại nếu vẫn cần."
        )
    status = TaskStatus(task.status)
    move = TRANSITIONS.get((status, request.action))
    if move is None:
        allowed = ", ".join(ACTION_LABELS_VI[a] for a in allowed_actions(status)) or "không còn thao tác nào"
        raise ForbiddenMoveError(
            f"Nhiệm vụ {task.number} đang ở trạng thái '{STATUS_LABELS_VI[status]}': không thể "
            f"{ACTION_LABELS_VI[request.action]}. Có thể: {allowed}."
        )
    roles = roles_of(actor, task, plan.organization_id)
    if not roles & move.roles:
        needed = " hoặc ".join(ROLE_LABELS_VI[r] for r in sorted(move.roles))
        raise NotAuthorizedError(
            f"{actor.full_name} không có thẩm quyền {ACTION_LABELS_VI[request.action]} nhiệm vụ {task.number}: "
            f"chỉ {needed} mới được làm việc này."
        )
    step = STEPS[request.action]
    context = StepContext(session=session, task=task, actor=actor, payload=request.payload, now=now)
    step.check(context)  # every check before any write

    number = task.number  # a failed flush expires the object; keep what the error message needs
    step.apply(context)
    next_status = move.next_status or status
    if next_status is not status:
        task.status = next_status.value
        task.status_changed_at = now
    try:
        session.flush()
    except StaleDataError as exc:
        raise ChangedMeanwhileError(
            f"Nhiệm vụ {number} vừa được người khác cập nhật; hãy tải lại và thực hiện lại nếu vẫn cần."
        ) from exc
    move_id = request.idempotency_key or uuid4().hex
    given = _jsonable(request.payload)
    notified = queue_move_notifications(
        session,
        task=task,
        organization_id=plan.organization_id,
        action=request.action,
        move_id=move_id,
        context={
            "plan": plan.code,
            "task": task.number,
            "action": request.action.value,
            "actor": actor.full_name,
            "description": task.description,
            "due_date": task.due_date.isoformat() if task.due_date else None,
            **given,
        },
        queued_at=now,
    )
    event = record_event(  # written once, last: the audit log is append-only
        session,
        actor=actor.full_name,
        action=f"task.{request.action.value}",
        entity_type="plan_task",
        entity_key=f"{plan.code}/{task.number}",
        occurred_at=now,
        details={
            "plan": plan.code,
            "task": task.number,
            "action": request.action.value,
            "from": status.value,
            "to": next_status.value,
            "actor_email": actor.email,
            "given": given,
            "move_id": move_id,
            "notifications": notified,
        },
        idempotency_key=request.idempotency_key,
    )
    session.flush()
    return MoveResult(
        plan_code=plan.code,
        task_number=task.number,
        action=request.action.value,
        from_status=status.value,
        to_status=next_status.value,
        actor=actor.full_name,
        event_id=event.id,
        notifications=notified,
    )


def request_explanations_in_bulk(session: Session, requests: list[dict[str, Any]], *, now: datetime) -> int:
    """The secretariat's REQUEST_EXPLANATION move for many tasks at once (the sweep's top rung).

    The same table, the same records as `apply_move` — status and version, an explanation
    row, an audit event with the move's idempotency key, the lead agency's and its head's
    messages — written with a few set-based statements instead of a round trip per task.
    Each request: task_id, plan, task, organization_id, lead_agency_id, actor_id, actor,
    actor_email, reason, key. Tasks no longer in a status the table allows are skipped.
    """
    from sqlalchemy import insert, update

    from models.audit import AuditEvent
    from models.org import Person
    from models.outbox import Notification
    from models.records import Explanation

    allowed = [state.value for (state, action) in TRANSITIONS if action is Action.REQUEST_EXPLANATION]
    assert all(Role.SECRETARIAT in TRANSITIONS[(TaskStatus(s), Action.REQUEST_EXPLANATION)].roles for s in allowed)
    if not requests:
        return 0
    done_keys = set(
        session.scalars(
            select(AuditEvent.idempotency_key).where(AuditEvent.idempotency_key.in_([r["key"] for r in requests]))
        )
    )
    statuses = dict(
        session.execute(select(PlanTask.id, PlanTask.status).where(PlanTask.id.in_([r["task_id"] for r in requests])))
        .tuples()
        .all()
    )
    todo = [r for r in requests if r["key"] not in done_keys and statuses.get(r["task_id"]) in allowed]
    if not todo:
        return 0
    ids = [r["task_id"] for r in todo]
    for start in range(0, len(ids), 5000):  # one UPDATE per chunk of tasks (version = version + 1)
        session.execute(
            update(PlanTask)
            .where(PlanTask.id.in_(ids[start : start + 5000]), PlanTask.status.in_(allowed))
            .values(status=TaskStatus.EXPLANATION_REQUESTED.value, version=PlanTask.version + 1, status_changed_at=now)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        insert(Explanation),
        [
            {
                "task_id": r["task_id"],
                "agency_id": r["lead_agency_id"],
                "reason": r["reason"],
                "requested_by_id": r["actor_id"],
                "requested_at": now,
            }
            for r in todo
        ],
    )
    heads = dict(
        session.execute(
            select(Person.agency_id, Person.id).where(
                Person.agency_id.in_({r["lead_agency_id"] for r in todo if r["lead_agency_id"]}),
                Person.is_agency_head.is_(True),
            )
        )
        .tuples()
        .all()
    )
    messages = []
    for r in todo:
        context = {
            "plan": r["plan"],
            "task": r["task"],
            "action": Action.REQUEST_EXPLANATION.value,
            "actor": r["actor"],
            "reason": r["reason"],
        }
        head = heads.get(r["lead_agency_id"])
        recipients = [("agency", r["lead_agency_id"])] if r["lead_agency_id"] else []
        recipients += [("person", head)] if head else []
        messages += [_explanation_message(r, context, kind, recipient, now) for kind, recipient in recipients]
    if messages:
        session.execute(insert_new_only(session, Notification), messages)
    counts: dict[int, int] = {}
    for message in messages:
        counts[message["task_id"]] = counts.get(message["task_id"], 0) + 1
    session.execute(
        insert(AuditEvent),
        [
            {
                "occurred_at": now,
                "recorded_at": now,
                "actor": r["actor"],
                "action": "task.request_explanation",
                "entity_type": "plan_task",
                "entity_key": f"{r['plan']}/{r['task']}",
                "idempotency_key": r["key"],
                "details": {
                    "plan": r["plan"],
                    "task": r["task"],
                    "action": Action.REQUEST_EXPLANATION.value,
                    "from": statuses[r["task_id"]],
                    "to": TaskStatus.EXPLANATION_REQUESTED.value,
                    "actor_email": r["actor_email"],
                    "given": {"reason": r["reason"]},
                    "move_id": r["key"],
                    "notifications": counts.get(r["task_id"], 0),
                },
            }
            for r in todo
        ],
    )
    return len(todo)
