"""The agency portal under /portal: server-rendered pages in Vietnamese, usable on a phone.

A person logs in, sees their unit's tasks coloured by deadline, opens one to read its
history and make their next move (with evidence files), and the secretariat reads and
compiles the latest report. Moves go through `api.moves.run_move`, as the API's do: the state
machine of the CLI's step flows, each move then shown in Prefect as a run of its step's flow.
The session lives in an HttpOnly, SameSite=Strict cookie and every form
carries a key derived from it.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Cookie, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api import reports
from api.inputs import PathCode, RowId, refuse_control_characters
from api.moves import MoveRefusedError, run_move
from api.task_query import link, read_query
from documents import evidence
from documents.calendar_ics import tasks_calendar
from models.accounts.access import NOT_VISIBLE, can_see, is_secretariat, my_actions, sees, sees_reports, visible_tasks
from models.accounts.login import LoginError, form_key, login, logout, person_for_token
from models.audit import Channel
from models.calendar.days import VIETNAM, local_date
from models.errors import InvalidInputError, PlanflowError
from models.escalation.undelivered import undelivered
from models.labels import label_vi
from models.lifecycle.history import task_history
from models.lifecycle.inputs import Widget, field_forms, input_of
from models.lifecycle.moves import TaskNotFoundError, load_task
from models.lifecycle.queries import task_view
from models.lifecycle.roles import roles_of
from models.lifecycle.task_list import TAB_LABELS_VI, WINDOW_LABELS_VI, listed, page_of_tasks
from models.lifecycle.urgency import URGENCY_LABELS_VI, urgency
from models.lifecycle.waiting import attention_facts
from models.lifecycle.workflow import ACTION_LABELS_VI, STATUS_LABELS_VI, Action, TaskStatus
from models.org.tables import Person
from models.plan.deadline_words import meaning_vi
from models.reporting.figures import CATEGORIES
from models.vn_format import change_text, day_text, number_text
from runtime.environment import get_database
from runtime.settings import get_settings

COOKIE = "planflow_session"
router = APIRouter(prefix="/portal", include_in_schema=False)
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)


def _local_time(moment: datetime | str | None) -> str:
    """A moment (stored, or ISO text) as Hà Nội time: 15/5/2026 08:30."""
    if not moment:
        return ""
    local = (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(VIETNAM)
    return f"{day_text(local.date())} {local:%H:%M}"


def _action_vi(code: str) -> str:
    return ACTION_LABELS_VI[Action(code)] if code in set(Action) else code.replace("_", " ")


def _status_vi(code: str | None) -> str:
    return STATUS_LABELS_VI[TaskStatus(code)] if code in set(TaskStatus) else ""


templates.env.filters.update(
    local_time=_local_time,
    day=day_text,
    action_vi=_action_vi,
    status_vi=_status_vi,
    vi=label_vi,
    number_vi=number_text,
    change_vn=change_text,
)


class Visitor:
    """The person behind the portal cookie, with an open database session and their form key."""

    def __init__(self, session: Session, person: Person, token: str) -> None:
        self.session, self.person, self.form_key = session, person, form_key(token)
        self.token = token
        self.sees_reports = sees_reports(person)  # the menu shows "Báo cáo" by the rule the report page applies
        self.secretariat = is_secretariat(person)  # and "Văn phòng" (the console) to the secretariat only


def visitor(planflow_session: Annotated[str | None, Cookie()] = None) -> Iterator[Visitor]:
    """The logged-in visitor (their session closed after the answer); anyone else is sent to the login page."""
    if planflow_session:
        with get_database().session() as session:
            person = person_for_token(session, planflow_session, datetime.now(UTC))
            if person is not None:
                yield Visitor(session, person, planflow_session)
                return
    raise HTTPException(303, "Cần đăng nhập.", headers={"Location": "/portal/login"})


Who = Annotated[Visitor, Depends(visitor)]


def _check_form_key(who: Visitor, submitted: str) -> None:
    if not hmac.compare_digest(who.form_key, submitted):
        raise HTTPException(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang.")


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/login")
def login_page(request: Request) -> Response:
    """The login form."""
    return _page(request, "login.html", {"error": None, "email": ""})


@router.post("/login")
def login_submit(
    request: Request,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    """Check the password (failures count toward the lockout) and set the session cookie."""
    try:
        refuse_control_characters([email, password])
    except InvalidInputError as exc:
        return _page(request, "login.html", {"error": str(exc), "email": ""}, status=422)
    address = request.client.host if request.client else None
    try:
        token = login(get_database(), email=email, password=password, now=datetime.now(UTC), address=address)
    except LoginError as exc:
        return _page(request, "login.html", {"error": str(exc), "email": email}, status=401)
    response = RedirectResponse("/portal", status_code=303)
    response.set_cookie(
        COOKIE, token, max_age=8 * 3600, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.post("/logout")
def logout_submit(who: Who, key: Annotated[str, Form()]) -> Response:
    """End the session at once."""
    _check_form_key(who, key)
    with who.session as session:
        logout(session, who.token)
        session.commit()
    response = RedirectResponse("/portal/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("")
def my_tasks(request: Request, who: Who) -> Response:
    """My own work first: tabs (my moves, my unit leading, coordinating, all), filters, search, 20 to a page."""
    today = local_date(datetime.now(UTC))
    query = read_query(request.query_params)
    with who.session as session:
        person = who.person
        visible = visible_tasks(session, person)
        pending, asked = attention_facts(session, [task for task, _ in visible], person.agency)
        rows = [
            listed(
                task,
                code,
                roles_of(person, task, person.organization_id),
                today,
                extension_pending=task.id in pending,
                asked=task.id in asked,
            )
            for task, code in visible
        ]
        page = page_of_tasks(rows, query, today)
        office = is_secretariat(person)
        failures = undelivered(session, organization_id=person.organization_id) if office else []
        return _page(
            request,
            "tasks.html",
            {
                "who": who,
                "page": page,
                "query": query,
                "link": link,
                "tabs": TAB_LABELS_VI,
                "windows": WINDOW_LABELS_VI,
                "statuses": STATUS_LABELS_VI,
                "labels": URGENCY_LABELS_VI,
                "today": today,
                "undelivered": failures,
            },
        )


@router.get("/lich.ics")
def my_calendar(who: Who) -> Response:
    """My unit's deadlines as a calendar file Outlook and phone calendars subscribe to or import."""
    with who.session as session:
        tasks = visible_tasks(session, who.person)
        views = [task_view(task, code, []) for task, code in tasks]
    unit = who.person.agency.name if who.person.agency else who.person.full_name
    body = tasks_calendar(views, name=f"Nhiệm vụ của {unit}")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="nhiem-vu.ics"'},
    )


def _task_page(request: Request, who: Visitor, plan: str, number: str, message: str | None, status: int) -> Response:
    session = who.session
    try:
        task, stored_plan = load_task(session, plan, number)
    except TaskNotFoundError as exc:
        raise HTTPException(404, NOT_VISIBLE) from exc
    if not sees(who.person, task, stored_plan):
        raise HTTPException(404, NOT_VISIBLE)
    view = task_history(session, plan, number)
    forms = [
        {
            "action": action.value,
            "label": ACTION_LABELS_VI[action],
            "fields": field_forms(input_of(action)),
        }
        for action in my_actions(who.person, task)
    ]
    today = local_date(datetime.now(UTC))
    state = urgency(task.status, task.due_date, today)
    context = {
        "who": who,
        "view": view,
        "forms": forms,
        "message": message,
        "urgency": state,
        "urgency_label": URGENCY_LABELS_VI[state],
        "deadline_lines": meaning_vi(view["deadline"]),
    }
    return _page(request, "task.html", context, status)


@router.get("/tasks/{plan}/{number}")
def task_page(request: Request, plan: PathCode, number: PathCode, who: Who, done: str | None = None) -> Response:
    """A task with its history and the forms for the moves I may make now."""
    message = f"Đã {ACTION_LABELS_VI[Action(done)]}." if done in set(Action) else None
    with who.session:
        return _task_page(request, who, plan, number, message, 200)


@router.post("/tasks/{plan}/{number}")
async def task_move(request: Request, plan: PathCode, number: PathCode, who: Who) -> Response:
    """Make one move from the task page: store its evidence files, then run the step's flow."""
    form = await request.form()
    _check_form_key(who, str(form.get("key", "")))
    with who.session:
        if not can_see(who.session, who.person, plan, number):
            raise HTTPException(404, NOT_VISIBLE)
        actor = who.person.email or ""
    try:
        action = Action(str(form.get("action", "")))
    except ValueError:
        return _refused(request, who, plan, number, "Thao tác không hợp lệ.", 422)
    root = get_settings().home / "evidence"
    references: list[str] = []
    try:
        for upload in form.getlist("evidence"):
            if _chosen(upload):
                references.append(await _store(root, plan, number, upload))
    except evidence.EvidenceError as exc:
        for reference in references:  # the files stored before the refused one go too
            evidence.remove(root, reference)
        return _refused(request, who, plan, number, str(exc), exc.status)
    payload = _payload(action, form, references)
    try:
        refuse_control_characters(payload)
        version = _int(form.get("version"))
        # the move's transaction blocks for a moment: off the event loop, so other visitors are not kept waiting
        await run_in_threadpool(
            run_move, action, plan, number, actor, payload, expected_version=version, channel=Channel.PORTAL
        )
    except (MoveRefusedError, InvalidInputError) as refused:
        for reference in references:
            evidence.remove(root, reference)
        status = refused.status
        return _refused(request, who, plan, number, str(refused), status)
    return RedirectResponse(f"/portal/tasks/{plan}/{number}?done={action.value}", status_code=303)


def _chosen(item: Any) -> bool:
    return isinstance(item, UploadFile) and bool(item.filename)


async def _store(root: Path, plan: str, number: str, upload: Any) -> str:
    content = await upload.read(evidence.MAX_BYTES + 1)
    return evidence.store(root, plan, number, upload.filename or "", content)


def _payload(action: Action, form: Any, references: list[str]) -> dict[str, Any]:
    """The move's payload from the form, each field read the way its widget gives it (the step's model then
    judges the values)."""
    payload: dict[str, Any] = {}
    for field in field_forms(input_of(action)):
        if field.widget is Widget.FILES:
            payload[field.name] = references
        elif field.widget is Widget.FLAG:
            payload[field.name] = form.get(field.name) == "on"
        elif field.widget in (Widget.NAMES, Widget.MEASURES):
            separator = ";" if field.widget is Widget.NAMES else "\n"
            parts = [part.strip() for part in str(form.get(field.name, "")).split(separator) if part.strip()]
            if parts or field.required:
                payload[field.name] = parts
        else:
            value = str(form.get(field.name, "")).strip()
            if value or field.required:
                payload[field.name] = value
    return payload


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _refused(request: Request, who: Visitor, plan: str, number: str, message: str, status: int) -> Response:
    with who.session:  # a closed session opens again on use and sees the data as it is now
        return _task_page(request, who, plan, number, f"Không thực hiện được: {message}", status)


@router.get("/tasks/{plan}/{number}/evidence/{stored}")
def evidence_file(plan: PathCode, number: PathCode, stored: PathCode, who: Who) -> Response:
    """An evidence file of a task I can see."""
    with who.session:
        visible = can_see(who.session, who.person, plan, number)
    path = evidence.stored_path(get_settings().home / "evidence", plan, number, stored) if visible else None
    if path is None:
        raise HTTPException(404, "Không có tệp này trong phạm vi của bạn.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


@router.get("/report")
def report_page(request: Request, who: Who, done: str | None = None) -> Response:
    """The latest compiled report of my organization (secretariat and Standing Committee)."""
    with who.session:
        if not who.sees_reports:
            raise HTTPException(403, reports.NOT_A_READER)
        stored = reports.stored_reports(who.session, who.person)
        latest = reports.report_summary(stored[0]) if stored else None
        context = {
            "who": who,
            "latest": latest,
            "others": [reports.report_summary(r) for r in stored[1:6]],
            "categories": CATEGORIES,
            "can_compile": is_secretariat(who.person),
            "message": "Đã tổng hợp báo cáo." if done else None,
        }
        return _page(request, "report.html", context)


@router.post("/report")
def report_compile(
    request: Request, who: Who, key: Annotated[str, Form()], period: Annotated[str, Form(max_length=10)]
) -> Response:
    """Compile a period's report through the compile-report flow (secretariat only)."""
    _check_form_key(who, key)
    with who.session:
        try:
            refuse_control_characters(period)
            reports.compile_for(who.session, who.person, period.strip())
        except PlanflowError as exc:  # not the secretariat (403), a period that is no period (422) …
            raise HTTPException(exc.status, str(exc)) from exc
    return RedirectResponse("/portal/report?done=1", status_code=303)


@router.get("/reports/{report_id}/{name}")
def report_download(report_id: RowId, name: PathCode, who: Who) -> Response:
    """One file of a compiled report; the HTML opens in the browser, Word and Excel download."""
    with who.session:
        path = reports.report_file(who.session, who.person, report_id, name)
    if path is None:
        raise HTTPException(404, reports.NO_SUCH_FILE)
    disposition = "inline" if path.suffix == ".html" else "attachment"
    return FileResponse(
        path, media_type=reports.MEDIA_TYPES[path.suffix], filename=path.name, content_disposition_type=disposition
    )
