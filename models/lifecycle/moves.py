"""Applying a move to a task: check the table, the actor's authority and what was given, then
write the new status, the move's records, an audit event and its notifications together.

Nothing else changes a task's status. A move carrying an idempotency key that was
already applied returns the first result and does nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from models.audit import AuditEvent, Channel, record_event
from models.base import insert_new_only
from models.calendar.days import EARLIEST, LATEST
from models.db import Database
from models.errors import PlanflowError
from models.lifecycle.notify import queue_move_notifications
from models.lifecycle.recipients import heads_of_agencies
from models.lifecycle.roles import roles_of
from models.lifecycle.steps import STEPS, InvalidMoveError, StepContext
from models.lifecycle.workflow import (
    ACTION_LABELS_VI,
    ROLE_LABELS_VI,
    STATUS_LABELS_VI,
    TRANSITIONS,
    Action,
    TaskStatus,
    allowed_actions,
)
from models.org.directory import find_person
from models.org.tables import Person
from models.plan.tables import Plan, PlanTask, PlanTaskCoordinator

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
    "apply_move_once",
    "checked_client_key",
    "scoped_key",
]


class MoveError(PlanflowError):
    """Base of every refused move; the message says what to do."""

    status = 409


class TaskNotFoundError(MoveError, LookupError):
    """No such task in that plan."""

    status = 404


class ForbiddenMoveError(MoveError):
    """The table has no such move from the task's status."""


class NotAuthorizedError(MoveError):
    """The person does not hold a role the move needs."""

    status = 403


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
    channel: str | None = None  # the door it came through (models.audit.Channel)
    os_user: str | None = None  # at the command line: the operating-system account that typed it


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
    lead_agency: str | None = None  # the task's lead agency's name, when the move itself read it

    def log_line(self, step: str) -> str:
        """The line a step's run logs, whichever door the move came through (a flow run or a recorded one)."""
        repeated = " (repeated: nothing done)" if self.repeated else ""
        return (
            f"{step} {self.plan_code}/{self.task_number}: {self.from_status} → {self.to_status} by {self.actor}; "
            f"{self.notifications} notifications queued{repeated}"
        )

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


def load_task(session: Session, plan_code: str, number: str, *, lock: bool = False) -> tuple[PlanTask, Plan]:
    """A task with everything a move reads (lead, coordinators, leaders), or TaskNotFoundError.

    `lock` takes the task's row for the move (PostgreSQL): a second move on the same task waits, then reads
    what the first did — no two moves interleave their writes (and deadlock) on one task.
    """
    query = (
        select(PlanTask, Plan)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .where(Plan.code == plan_code, PlanTask.number == number)
        .options(  # the lead in the same statement (many-to-one), each list in one more
            joinedload(PlanTask.lead_agency),
            selectinload(PlanTask.leaders),
            selectinload(PlanTask.coordinators).joinedload(PlanTaskCoordinator.agency),
        )
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=PlanTask)
    row = session.execute(query).one_or_none()
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


_CLIENT_KEY = re.compile(r"[A-Za-z0-9._:@-]{1,100}")


def checked_client_key(key: str | None) -> str | None:
    """A caller's idempotency key, if it is a short plain token; anything else is refused at the door.

    Keys are only ever compared, never sent anywhere: outgoing identifiers are hashes of the row.
    """
    if key is None:
        return None
    if not _CLIENT_KEY.fullmatch(key):
        raise InvalidMoveError(
            "Khóa chống lặp (idempotency key) chỉ gồm chữ cái không dấu, chữ số và . _ : @ -, tối đa 100 ký tự."
        )
    return key


def scoped_key(actor_email: str, plan_code: str, task_number: str, action: str, key: str) -> str:
    """The stored form of a caller's key: the same key from another person, task or action is another key,
    so a reused key can neither reveal someone else's move nor swallow one's own."""
    scope = "\x1f".join((actor_email.strip().lower(), plan_code, task_number, action, key))
    return "mv:" + hashlib.sha256(scope.encode()).hexdigest()[:40]


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


Admission = Callable[[PlanTask, Plan, Person], None]


def apply_move(session: Session, request: MoveRequest, *, now: datetime, admit: Admission | None = None) -> MoveResult:
    """Validate the move completely, then apply it in the caller's transaction. `admit` sees the loaded task,
    plan and actor first and may refuse (a door's own rule: the API answers 404 for a task the person may not
    see, before anything about the task is said)."""
    client_key = checked_client_key(request.idempotency_key)
    if not EARLIEST <= now.date() <= LATEST:
        raise InvalidMoveError(f"Thời điểm của thao tác ({now.date().isoformat()}) nằm ngoài khoảng 1900–2100.")
    stored_key = (
        scoped_key(request.actor_email, request.plan_code, request.task_number, request.action.value, client_key)
        if client_key
        else None
    )
    if stored_key:
        previous = _previous(session, stored_key)
        if previous is not None:
            return previous
    task, plan = load_task(session, request.plan_code, request.task_number, lock=True)
    actor = find_person(session, request.actor_email)
    if admit is not None:
        admit(task, plan, actor)
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
    # Every move, including those that keep the status (inputs, progress, extensions), updates the task row,
    # so its version guards it: of two moves made at once on the same version, one fails as changed meanwhile.
    task.updated_at = now
    flag_modified(task, "updated_at")  # written even when equal to the last move's moment: the version moves
    try:
        session.flush()
    except StaleDataError as exc:
        raise ChangedMeanwhileError(
            f"Nhiệm vụ {number} vừa được người khác cập nhật; hãy tải lại và thực hiện lại nếu vẫn cần."
        ) from exc
    move_id = stored_key or uuid4().hex
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
        channel=request.channel,
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
            **({"os_user": request.os_user} if request.os_user else {}),
        },
        idempotency_key=stored_key,
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
        lead_agency=task.lead_agency.name if task.lead_agency else None,
    )


_RACE_CODES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected


def apply_move_once(
    database: Database,
    request: MoveRequest,
    *,
    now: datetime,
    then: Callable[[Session, MoveResult], None] | None = None,
    admit: Admission | None = None,
) -> MoveResult:
    """One move in its own transaction, with `then` (what else commits with it, e.g. its run record). Losing a
    race to another move (a unique row taken, a version moved, a deadlock) is refused like any stale move, never
    a database error; the same key applied meanwhile answers as a repeat (without `then`). `admit`: see
    apply_move."""
    try:
        with database.transaction() as session:
            result = apply_move(session, request, now=now, admit=admit)
            if then is not None:
                then(session, result)
            return result
    except (IntegrityError, StaleDataError) as exc:
        lost: Exception = exc
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) not in _RACE_CODES:
            raise  # a dropped connection: the caller may retry
        lost = exc
    if request.idempotency_key:
        key = scoped_key(
            request.actor_email, request.plan_code, request.task_number, request.action.value, request.idempotency_key
        )
        with database.session() as session:
            previous = _previous(session, key)
        if previous is not None:
            return previous
    raise ChangedMeanwhileError(
        f"Nhiệm vụ {request.task_number} vừa được người khác cập nhật; hãy tải lại và thực hiện lại nếu vẫn cần."
    ) from lost


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
    from models.lifecycle.tables import Explanation
    from models.org.tables import Person
    from models.outbox.tables import Notification

    allowed = [state.value for (state, action) in TRANSITIONS if action is Action.REQUEST_EXPLANATION]
    if not requests:
        return 0
    for r in requests:  # stored as apply_move stores keys: scoped to the actor, the task and the action
        r["key"] = scoped_key(r["actor_email"], r["plan"], r["task"], Action.REQUEST_EXPLANATION.value, r["key"])
    done_keys = set(
        session.scalars(
            select(AuditEvent.idempotency_key).where(AuditEvent.idempotency_key.in_([r["key"] for r in requests]))
        )
    )
    wanted = [r["task_id"] for r in requests if r["key"] not in done_keys]
    statuses: dict[int, str] = {}
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        locked = select(PlanTask.id, PlanTask.status).where(PlanTask.id.in_(chunk), PlanTask.status.in_(allowed))
        if session.get_bind().dialect.name == "postgresql":
            locked = locked.with_for_update()  # a move made meanwhile waits for us, or we see its result
        before = dict(session.execute(locked).tuples().all())
        # Write only for the rows this UPDATE really changed: a task cancelled (or moved) under the sweep
        # gets no explanation request, audit event or message.
        changed = session.execute(
            update(PlanTask)
            .where(PlanTask.id.in_(list(before)), PlanTask.status.in_(allowed))
            .values(status=TaskStatus.EXPLANATION_REQUESTED.value, version=PlanTask.version + 1, status_changed_at=now)
            .returning(PlanTask.id)
            .execution_options(synchronize_session=False)
        ).scalars()
        statuses.update({task_id: before[task_id] for task_id in changed})
    todo = [r for r in requests if r["task_id"] in statuses and r["key"] not in done_keys]
    if not todo:
        return 0
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
        session.execute(heads_of_agencies({r["lead_agency_id"] for r in todo if r["lead_agency_id"]}, Person.id))
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
        # through the connection, as one executemany: the ORM's bulk path sent ON CONFLICT rows one statement each
        # (4,004 statements, 3.3 s of a 9 s national sweep, measured)
        session.connection().execute(insert_new_only(session, Notification.__table__), messages)
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
                "channel": Channel.SCHEDULE.value,
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
