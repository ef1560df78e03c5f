"""A move asked for over HTTP (the API or the portal) is applied in the request, by the same state machine as
`planflow task <step>`'s flow, and shown in Prefect as a run of that step's flow — named, tagged, with its
parameters and log line — by the process's recorder, after the answer: the clerk does not wait for Prefect.

The move and its run record commit in one transaction, so every move is in Prefect once; a refused move is
recorded as a failed run, as a refused flow run was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy.orm import Session

from flows.lifecycle import STEP_FLOWS
from models.audit import Channel
from models.errors import PlanflowError
from models.lifecycle.inputs import input_of, step_of
from models.lifecycle.moves import Admission, MoveRequest, MoveResult, TaskNotFoundError, apply_move_once
from models.lifecycle.workflow import Action
from models.outbox.run_records import RunToRecord, queue_run
from runtime.environment import get_database
from runtime.run_recorder import get_recorder
from tasks.lifecycle import tags_in, tags_of
from tasks.retry import retrying_on_hiccup


class MoveRefusedError(Exception):
    """A move refused with an HTTP status and the state machine's own message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def payload_fields(action: Action) -> list[str]:
    """The payload fields a move accepts (for forms and error messages): its step's input model's fields."""
    return list(input_of(action).model_fields)


def required_fields(action: Action) -> set[str]:
    """The payload fields a move cannot do without (the input model's fields without a default)."""
    return {name for name, info in input_of(action).model_fields.items() if info.is_required()}


def _checked_payload(action: Action, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as the step's input model reads it, or MoveRefusedError(422) naming the wrong fields."""
    accepted = payload_fields(action)
    unknown = sorted(set(payload) - set(accepted))
    if unknown:
        fields = ", ".join(accepted) or "không trường nào"
        raise MoveRefusedError(422, f"Trường không dùng cho '{action.value}': {', '.join(unknown)} (nhận: {fields}).")
    missing = sorted(required_fields(action) - set(payload))
    if missing:
        raise MoveRefusedError(422, f"Thiếu trường cho '{action.value}': {', '.join(missing)}.")
    try:
        return input_of(action).model_validate(payload).payload()
    except ValidationError as exc:
        raise MoveRefusedError(422, f"Dữ liệu không hợp lệ: {exc}") from exc


def _run_of(request: MoveRequest, tags: list[str], outcome: MoveResult | PlanflowError, now: datetime) -> RunToRecord:
    """The flow run Prefect shows for the move: its step's flow, `<step> <plan>/<task>`, the flow's parameters
    and the line the flow would have logged (or the refusal)."""
    step, decision = step_of(request.action)
    parameters: dict[str, Any] = {"plan": request.plan_code, "task": request.task_number, "actor": request.actor_email}
    parameters |= {"decision": decision} if decision else {}
    parameters |= to_jsonable_python(request.payload)  # dates as ISO text, as Prefect shows a flow's parameters
    if request.idempotency_key:
        parameters["idempotency_key"] = request.idempotency_key
    if request.expected_version is not None:
        parameters["expected_version"] = request.expected_version
    if isinstance(outcome, PlanflowError):
        message = f"{step} {request.plan_code}/{request.task_number} refused: {outcome}"
    else:
        message = outcome.log_line(step)
    return RunToRecord(
        flow_name=STEP_FLOWS[step].name,
        run_name=f"{step} {request.plan_code}/{request.task_number}",
        tags=[*tags, f"channel:{request.channel}"],
        parameters=parameters,
        completed=not isinstance(outcome, PlanflowError),
        message=message,
        occurred_at=now,
    )


def _queue_alone(request: MoveRequest, outcome: MoveResult | PlanflowError, now: datetime) -> None:
    """Record a move whose own transaction could not carry its run (refused, or a repeat found after a race)."""
    step, _decision = step_of(request.action)
    with get_database().transaction() as session:
        tags = tags_in(session, request.plan_code, request.task_number, step)
        queue_run(session, _run_of(request, tags, outcome, now))


def run_move(
    action: Action,
    plan: str,
    task: str,
    actor: str,
    payload: dict[str, Any],
    *,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    channel: Channel = Channel.API,
    admit: Admission | None = None,
) -> dict[str, Any]:
    """Apply the move as this actor, recorded as coming through `channel` (the API or the portal), with its run
    for Prefect in the same transaction; a refusal becomes MoveRefusedError (nothing was written but its failed
    run). `admit` is the door's own check on the task the move reads (see apply_move)."""
    request = MoveRequest(
        plan,
        task,
        action,
        actor,
        _checked_payload(action, payload),
        idempotency_key,
        expected_version=expected_version,
        channel=channel.value,
    )
    now = datetime.now(UTC)
    step, _decision = step_of(action)
    recorded: list[MoveResult] = []

    def record_with_move(session: Session, result: MoveResult) -> None:
        read = result.lead_agency is not None  # a repeat answered from the audit log did not read the task
        tags = tags_of(plan, task, result.lead_agency, step) if read else tags_in(session, plan, task, step)
        queue_run(session, _run_of(request, tags, result, now))
        recorded.append(result)

    def move() -> MoveResult:
        return apply_move_once(get_database(), request, now=now, then=record_with_move, admit=admit)

    try:
        result = retrying_on_hiccup(move)
        if not recorded:
            _queue_alone(request, result, now)
    except TaskNotFoundError as exc:  # unknown, or not theirs to see: nothing to show in Prefect
        raise MoveRefusedError(_status_of(exc), str(exc)) from exc
    except PlanflowError as exc:
        _queue_alone(request, exc, now)
        get_recorder().nudge()
        raise MoveRefusedError(_status_of(exc), str(exc)) from exc
    get_recorder().nudge()
    return result.to_dict()


def _status_of(error: PlanflowError) -> int:
    """The HTTP status the refusal carries (403 wrong person, 404 unknown, 409 stale or wrong status, 422 input)."""
    return error.status
