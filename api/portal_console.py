"""The secretariat's console in the portal: open a review cycle, assign a plan, mark a task "mật", compile a
report — each through the same flows and refusals as the command line, recorded as the person, through the
portal's door. Only members of the Văn phòng see it; for anyone else it does not exist."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.inputs import refuse_control_characters
from api.portal import Who, _check_form_key, _page, router
from models.accounts.access import is_secretariat
from models.audit import Channel
from models.errors import PlanflowError
from models.lifecycle.classification import set_classified
from models.org.tables import Organization
from models.plan.tables import Plan
from models.reporting.review_cycle import ReviewCycle
from runtime.channel import acting_through
from runtime.prefect_run import run_flow

DONE = {
    "cycle": "Đã mở kỳ rà soát.",
    "assigned": "Đã giao các nhiệm vụ của kế hoạch.",
    "classified": "Đã cập nhật đánh dấu 'mật'.",
    "directory": "Đã nạp danh bạ.",
}


def secretariat_only(who: Who) -> None:
    """Only members of the Văn phòng have the console; for anyone else it does not exist (404)."""
    if not is_secretariat(who.person):
        raise HTTPException(404, "Không có trang này.")


@router.get("/console")
def console(request: Request, who: Who, done: str | None = None, error: str | None = None) -> Response:
    """The secretariat's own jobs on one page."""
    secretariat_only(who)
    with who.session as session:
        plans = list(session.scalars(select(Plan).where(Plan.organization_id == who.person.organization_id)))
        cycles = list(
            session.scalars(
                select(ReviewCycle)
                .where(ReviewCycle.organization_id == who.person.organization_id)
                .order_by(ReviewCycle.id.desc())
                .limit(10)
            )
        )
        context: dict[str, Any] = {
            "who": who,
            "plans": plans,
            "cycles": cycles,
            "message": DONE.get(done or ""),
            "error": error,
        }
        return _page(request, "console.html", context)


def _organization_code(who: Who) -> str:
    organization = who.session.get(Organization, who.person.organization_id)
    if organization is None:
        raise HTTPException(404, "Không có tổ chức.")
    return organization.code


def _run_as(who: Who, flow: Any, **parameters: Any) -> Any:
    """A flow run recorded as this person through the portal."""
    with acting_through(Channel.PORTAL):
        return run_flow(flow, **parameters)


def _refused(exc: PlanflowError | str) -> Response:
    """Back to the console with the refusal's one line."""
    return RedirectResponse("/portal/console?" + urlencode({"error": str(exc)[:300]}), status_code=303)


@router.post("/console/review-cycle")
async def start_review_cycle(
    who: Who,
    key: Annotated[str, Form()],
    period: Annotated[str, Form(max_length=10)],
    due_date: Annotated[date, Form()],
) -> Response:
    """Open a review cycle: every lead agency with open or recurring tasks is asked for its update."""
    _check_form_key(who, key)
    secretariat_only(who)
    refuse_control_characters(period)
    from flows.review import review_cycle

    with who.session:
        code, actor = _organization_code(who), who.person.full_name
    try:
        await run_in_threadpool(
            _run_as, who, review_cycle, period=period.strip(), due_date=due_date, organization=code, actor=actor
        )
    except PlanflowError as exc:
        return _refused(exc)
    return RedirectResponse("/portal/console?done=cycle", status_code=303)


@router.post("/console/assign")
async def assign_plan(
    who: Who,
    key: Annotated[str, Form()],
    plan: Annotated[str, Form(max_length=120)],
    numbers: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Assign every not-yet-assigned task of one of the organization's plans, or the chosen numbers ("3, 5, 12");
    refused tasks are listed."""
    _check_form_key(who, key)
    refuse_control_characters(numbers)
    chosen = [number for number in re.split(r"[,;\s]+", numbers) if number] or None
    secretariat_only(who)
    from flows.lifecycle import assign_plan as assign_whole_plan

    with who.session as session:
        own = session.scalars(
            select(Plan.code).where(Plan.code == plan, Plan.organization_id == who.person.organization_id)
        ).first()
        email = who.person.email or ""
    if own is None:
        raise HTTPException(404, "Không có kế hoạch này.")
    try:
        result = await run_in_threadpool(_run_as, who, assign_whole_plan, plan=plan, actor=email, numbers=chosen)
    except PlanflowError as exc:
        return _refused(exc)
    if result["refused"]:
        listed = "; ".join(f"{number}: {reason}" for number, reason in list(result["refused"].items())[:5])
        return _refused(f"Chưa giao: {listed}")
    return RedirectResponse("/portal/console?done=assigned", status_code=303)


@router.post("/console/classify")
def classify(
    who: Who,
    key: Annotated[str, Form()],
    plan: Annotated[str, Form(max_length=120)],
    number: Annotated[str, Form(max_length=20)],
    classified: Annotated[bool, Form()] = False,
) -> Response:
    """Mark a task "mật" (or not): its messages then carry no content and it reaches no webhook."""
    _check_form_key(who, key)
    secretariat_only(who)
    with who.session as session:
        try:
            set_classified(
                session,
                plan_code=plan.strip(),
                number=number.strip(),
                classified=classified,
                actor_email=who.person.email or "",
                now=datetime.now(UTC),
            )
        except PlanflowError as exc:
            session.rollback()
            return _refused(exc)
        session.commit()
    return RedirectResponse("/portal/console?done=classified", status_code=303)
