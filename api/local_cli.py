"""The command line's fast door into the running service: a step sent here runs as its Prefect flow in this
long-lived process (Prefect and the database already warm), so `planflow task …` costs a fraction of a second.

Only the local command line can use it: the request must come from loopback and carry the secret that
`planflow serve` wrote, readable by its owner only, into planflow's home (service.json) and handed to this
process. The command line already holds the database credentials; this door gives it nothing more.
"""

from __future__ import annotations

import hmac
import inspect
import os
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request
from prefect.exceptions import ParameterBindError, ParameterTypeError
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from models.audit import Channel
from models.errors import PlanflowError
from runtime.channel import acting_through
from runtime.service_record import CLI_TOKEN_VARIABLE

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
router = APIRouter(prefix="/internal/cli", include_in_schema=False)


class StepCall(BaseModel):
    """One `planflow task STEP` as the command line parsed it (dates and moments as ISO text), and the
    operating-system account that typed it."""

    step: str = Field(max_length=40)
    parameters: dict[str, Any]
    os_user: str | None = Field(default=None, max_length=100)


def _allowed(request: Request, token: str | None) -> bool:
    expected = os.environ.get(CLI_TOKEN_VARIABLE)
    client = request.client.host if request.client else ""
    return bool(expected and token and client in LOOPBACK and hmac.compare_digest(expected, token))


@router.post("/step")
async def run_step(
    call: StepCall, request: Request, token: Annotated[str | None, Header(alias="X-Planflow-Cli-Token")] = None
) -> dict[str, Any]:
    """Run a step's flow as the command line would; a refusal is 422 with its one Vietnamese line."""
    if not _allowed(request, token):
        raise HTTPException(403, "Chỉ dòng lệnh planflow trên máy này mới dùng được lối này.")
    from flows.lifecycle import STEP_FLOWS, assign_plan

    flow = assign_plan if call.step == "assign-all" else STEP_FLOWS.get(call.step)
    if flow is None:
        raise HTTPException(404, f"Không có bước '{call.step}'.")
    known = set(inspect.signature(flow.fn).parameters)
    unknown = sorted(set(call.parameters) - known)
    if unknown:
        raise HTTPException(422, f"Tham số không có ở bước {call.step}: {', '.join(unknown)}")
    try:
        result: dict[str, Any] = await run_in_threadpool(partial(_run_as_cli, call.os_user, flow, call.parameters))
    except (PlanflowError, ParameterTypeError, ParameterBindError) as exc:
        raise HTTPException(422, str(exc)) from exc
    return result


def _run_as_cli(os_user: str | None, flow: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    """The step's flow, recorded as typed at the command line by that account (in the worker thread)."""
    from runtime.prefect_run import run_flow

    with acting_through(Channel.CLI, os_user):
        result: dict[str, Any] = run_flow(flow, **parameters)
    return result
