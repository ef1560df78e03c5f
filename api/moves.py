"""A move asked for over HTTP runs the same Prefect flow as `planflow task <step>` — one run per move,
visible in the UI with its tags — so there is no second path to the data.
"""

from __future__ import annotations

from typing import Any

from prefect import Flow
from prefect.exceptions import ParameterBindError, ParameterTypeError

from flows.lifecycle import STEP_FLOWS
from models.audit import Channel
from models.errors import PlanflowError
from models.lifecycle.inputs import input_of, step_of
from models.lifecycle.workflow import Action
from runtime.channel import acting_through
from runtime.prefect_run import run_flow


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


def _parameters(
    action: Action, plan: str, task: str, actor: str, payload: dict[str, Any], extra: dict[str, Any]
) -> tuple[Flow[..., dict[str, Any]], dict[str, Any]]:
    step, decision = step_of(action)
    fixed = {"decision": decision} if decision else {}
    accepted = payload_fields(action)
    unknown = sorted(set(payload) - set(accepted))
    if unknown:
        fields = ", ".join(accepted) or "không trường nào"
        raise MoveRefusedError(422, f"Trường không dùng cho '{action.value}': {', '.join(unknown)} (nhận: {fields}).")
    missing = sorted(required_fields(action) - set(payload))
    if missing:
        raise MoveRefusedError(422, f"Thiếu trường cho '{action.value}': {', '.join(missing)}.")
    parameters = {"plan": plan, "task": task, "actor": actor, **fixed, **payload}
    parameters.update({key: value for key, value in extra.items() if value is not None})
    return STEP_FLOWS[step], parameters


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
) -> dict[str, Any]:
    """Run the step's flow as this actor, recorded as coming through `channel` (the API or the portal); a refusal
    becomes MoveRefusedError (nothing was written)."""
    extra = {"expected_version": expected_version, "idempotency_key": idempotency_key}
    flow, parameters = _parameters(action, plan, task, actor, payload, extra)
    try:
        with acting_through(channel):
            return run_flow(flow, **parameters)
    except (ParameterTypeError, ParameterBindError) as exc:
        raise MoveRefusedError(422, f"Dữ liệu không hợp lệ: {exc}") from exc
    except PlanflowError as exc:
        raise MoveRefusedError(_status_of(exc), str(exc)) from exc


def _status_of(error: PlanflowError) -> int:
    """The HTTP status the refusal carries (403 wrong person, 404 unknown, 409 stale or wrong status, 422 input)."""
    return error.status
