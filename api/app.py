"""The HTTP API under /api: log in, list my tasks, read one with its history, make a move.

Every move goes through `models.lifecycle.moves.apply_move` — the state machine the CLI's flows
use — with the person's own authority, and lands in the audit log with their name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import (
    local_cli,
    portal,
    portal_console,  # noqa: F401 (its pages join portal.router before it is included)
    portal_directory,  # noqa: F401 (likewise)
    portal_systems,  # noqa: F401 (likewise)
    portal_tokens,  # noqa: F401 (likewise)
    reports,
)
from api.inputs import CleanPayload, CleanText, IdempotencyKey, PathCode, RowId
from api.limits import RequestGuard
from api.moves import MoveRefusedError, run_move
from documents import evidence
from models.accounts import machine_tokens
from models.accounts.access import NOT_VISIBLE, can_see, sees, sees_reports, visible_tasks
from models.accounts.login import LoginError, login, logout, person_for_token
from models.errors import PlanflowError
from models.lifecycle.history import task_history
from models.lifecycle.inputs import payload_schemas
from models.lifecycle.moves import TaskNotFoundError
from models.lifecycle.queries import task_view
from models.lifecycle.waiting import waiting_on_many
from models.lifecycle.workflow import Action
from models.org.tables import Person
from models.plan.tables import Plan, PlanTask
from runtime.environment import get_database
from runtime.run_recorder import get_recorder
from runtime.settings import get_settings


@asynccontextmanager
async def recording_runs(_app: FastAPI) -> AsyncIterator[None]:
    """Show in Prefect, from the start, any move an earlier run of the service left unshown; on a clean stop,
    give the recorder a few seconds to show the last moves (what remains waits in the database)."""
    recorder = get_recorder()
    recorder.nudge()
    yield
    await run_in_threadpool(recorder.wait_until_recorded, 5.0)
    recorder.stop()


app = FastAPI(
    title="planflow",
    version="0.1.0",
    description="Nhiệm vụ của từng cơ quan: xem, tiếp nhận, báo cáo.",
    lifespan=recording_runs,
)
app.add_middleware(RequestGuard)
app.include_router(portal.router)
app.include_router(local_cli.router)


@app.exception_handler(StarletteHTTPException)
async def portal_errors(request: Request, exc: StarletteHTTPException) -> Response:
    """Portal pages answer errors with a page in Vietnamese (and login redirects); the API keeps JSON."""
    if request.url.path.startswith("/portal") and exc.status_code != 303:
        return portal.templates.TemplateResponse(
            request, "error.html", {"detail": exc.detail}, status_code=exc.status_code
        )
    return await http_exception_handler(request, exc)


def _printable(value: Any) -> Any:
    """A validation error's parts as text that can be sent: a lone surrogate shown as its escape."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value if isinstance(value, int | float | bool | type(None)) else _printable(str(value))


@app.exception_handler(RequestValidationError)
async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """422 naming what was wrong, without echoing input that cannot be encoded (a lone surrogate)."""
    errors = [{key: error[key] for key in ("loc", "msg", "type") if key in error} for error in exc.errors()]
    return JSONResponse({"detail": _printable(errors)}, status_code=422)


@app.exception_handler(PlanflowError)
async def refused(request: Request, exc: PlanflowError) -> Response:
    """A refusal anywhere behind the API answers its own status and message (never a 500)."""
    return JSONResponse({"detail": str(exc)}, status_code=exc.status)


@app.exception_handler(DataError)
async def refused_by_the_database(request: Request, exc: DataError) -> Response:
    """A value the database cannot hold (the checks at the door should have caught it): 422, nothing written."""
    return JSONResponse({"detail": "Dữ liệu không hợp lệ (cơ sở dữ liệu không nhận giá trị này)."}, status_code=422)


@app.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    """People who open the server's address land on the portal."""
    return RedirectResponse("/portal", status_code=303)


class Credentials(BaseModel):
    """E-mail and password."""

    email: CleanText = Field(max_length=200)
    password: CleanText = Field(max_length=200)


class MoveIn(BaseModel):
    """One move on a task; `expected_version` is the version the person saw."""

    action: Action
    payload: CleanPayload = Field(
        default_factory=dict,
        description="What the move gives: the fields of its step's input model (see anyOf).",
        json_schema_extra=payload_schemas,
    )
    expected_version: int | None = None
    idempotency_key: IdempotencyKey | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def current_person(authorization: Annotated[str | None, Header()] = None) -> Iterator[tuple[Session, Person]]:
    """The person behind the Bearer token (401 otherwise), with a session closed after the answer whatever
    happens (a request refused after this point, e.g. for its body, must not leak a connection)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401, "Cần đăng nhập (Authorization: Bearer …).")
    token = authorization.removeprefix("Bearer ")
    with get_database().session() as session:
        if token.startswith(machine_tokens.PREFIX):  # an upper-level system, under its own name
            person: Person | None = machine_tokens.system_for_token(session, token, now=_now())
            session.commit()  # when it was last used
        else:
            person = person_for_token(session, token, _now())
        if person is None:
            raise HTTPException(401, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.")
        yield session, person


Who = Annotated[tuple[Session, Person], Depends(current_person)]


@app.post("/api/login")
def post_login(credentials: Credentials, request: Request) -> dict[str, Any]:
    """A session token for 8 hours; five wrong passwords lock the e-mail, twenty the address, for 15 minutes."""
    address = request.client.host if request.client else None
    try:
        token = login(
            get_database(), email=credentials.email, password=credentials.password, now=_now(), address=address
        )
    except LoginError as exc:
        raise HTTPException(401, str(exc)) from exc
    return {"token": token, "expires_in": 8 * 3600}


@app.post("/api/logout")
def post_logout(who: Who, authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    """End this session at once: the token stops working."""
    session, _person = who
    with session:
        logout(session, (authorization or "").removeprefix("Bearer "))
        session.commit()
    return {"logged_out": True}


@app.get("/api/me")
def get_me(who: Who) -> dict[str, Any]:
    """Who I am and which unit I act for."""
    session, person = who
    with session:
        return {
            "name": person.full_name,
            "email": person.email,
            "title": person.title,
            "agency": person.agency.name if person.agency else None,
        }


@app.get("/api/tasks")
def get_tasks(who: Who) -> list[dict[str, Any]]:
    """The tasks my unit leads or coordinates (all of my organization's for the secretariat)."""
    session, person = who
    with session:
        tasks = visible_tasks(session, person)
        waits = waiting_on_many(session, [task for task, _ in tasks])
        return [task_view(task, code, waits[task.id]) for task, code in tasks]


@app.get("/api/tasks/{plan}/{number}")
def get_task(plan: PathCode, number: PathCode, who: Who) -> dict[str, Any]:
    """One task with its history (404 when it is not mine to see)."""
    session, person = who
    with session:
        if not can_see(session, person, plan, number):
            raise HTTPException(404, NOT_VISIBLE)
        return task_history(session, plan, number)


def _may_move(person: Person) -> None:
    """A system whose token only reads is refused any change (people are checked by their roles)."""
    if not machine_tokens.may_move(person):
        raise HTTPException(403, "Mã của hệ thống này chỉ được đọc, không được thực hiện các bước.")


@app.post("/api/tasks/{plan}/{number}/evidence")
async def post_evidence(plan: PathCode, number: PathCode, file: UploadFile, who: Who) -> dict[str, Any]:
    """Upload an evidence file for a task I can see; list the returned reference in my submission."""
    session, person = who
    with session:
        if not can_see(session, person, plan, number):
            raise HTTPException(404, NOT_VISIBLE)
        _may_move(person)
    content = await file.read(evidence.MAX_BYTES + 1)
    try:
        reference = evidence.store(get_settings().home / "evidence", plan, number, file.filename or "", content)
    except evidence.EvidenceError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    return {"reference": reference, "bytes": len(content)}


def only_if_visible(task: PlanTask, plan: Plan, actor: Person) -> None:
    """A task the person may not see is answered as unknown (404), before anything else is said about it."""
    if not sees(actor, task, plan):
        raise TaskNotFoundError(NOT_VISIBLE)


@app.post("/api/tasks/{plan}/{number}/moves")
def post_move(plan: PathCode, number: PathCode, move: MoveIn, who: Who) -> dict[str, Any]:
    """Make a move with my own authority through its step flow (403 wrong actor, 409 wrong status or changed
    meanwhile, 422 missing or unknown fields)."""
    session, person = who
    with session:
        _may_move(person)
        actor = person.email or ""
    try:
        return run_move(
            move.action,
            plan,
            number,
            actor,
            move.payload,
            expected_version=move.expected_version,
            idempotency_key=move.idempotency_key,
            admit=only_if_visible,  # read with the move's own task: one read, not two
        )
    except MoveRefusedError as refused:
        raise HTTPException(refused.status, refused.message) from refused


class ReportIn(BaseModel):
    """The period to compile: 2026-03, 2026-Q2, 2026-H1 or 2026."""

    period: CleanText = Field(max_length=10)


@app.post("/api/reports")
def post_report(request: ReportIn, who: Who) -> dict[str, Any]:
    """Compile my organization's report for a period through the compile-report flow (secretariat only)."""
    session, person = who
    with session:
        try:
            result = reports.compile_for(session, person, request.period)
        except PlanflowError as exc:  # not the secretariat (403), a period that is no period (422) …
            raise HTTPException(exc.status, str(exc)) from exc
    return {**result, "files": [Path(f).name for f in result["files"]]}


@app.get("/api/reports")
def get_reports(who: Who) -> list[dict[str, Any]]:
    """My organization's compiled reports, newest first (secretariat and Standing Committee)."""
    session, person = who
    with session:
        if not sees_reports(person):
            raise HTTPException(403, reports.NOT_A_READER)
        return [reports.report_summary(report) for report in reports.stored_reports(session, person)]


@app.get("/api/reports/{report_id}/files/{name}", response_class=FileResponse)
def get_report_file(report_id: RowId, name: PathCode, who: Who) -> FileResponse:
    """Download one file of a report (.docx, .xlsx or .html)."""
    session, person = who
    with session:
        path = reports.report_file(session, person, report_id, name)
    if path is None:
        raise HTTPException(404, reports.NO_SUCH_FILE)
    return FileResponse(path, media_type=reports.MEDIA_TYPES[path.suffix], filename=path.name)
