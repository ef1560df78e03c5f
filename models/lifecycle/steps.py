"""What each action checks before anything is written, and the records it leaves.

`check` raises `InvalidMoveError` with a message a clerk understands; `apply` only
writes. `apply_move` calls every check before any apply (validate, then change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.calendar.days import VIETNAM, OutOfHorizonError, within_horizon
from models.calendar.period import parse_period
from models.errors import PlanflowError, ReportError
from models.lifecycle.recipients import head_of
from models.lifecycle.tables import (
    CoordinationInput,
    CoordinationRequest,
    DeadlineChange,
    Explanation,
    ExplanationDecision,
    ExtensionDecision,
    ExtensionRequest,
    ProgressReport,
    Submission,
    SubmissionDecision,
)
from models.lifecycle.workflow import Action, TaskStatus
from models.org.groups import covers, is_unresolved
from models.org.names import agency_key
from models.org.tables import Agency, Person
from models.plan.deadlines import DeadlineKind
from models.plan.tables import PlanTask, PlanTaskCoordinator


class InvalidMoveError(PlanflowError, ValueError):
    """The move is allowed, but what was given for it is not (missing reason, date in the past …)."""

    status = 422


class SelfApprovalError(InvalidMoveError):
    """Four eyes: the person (or their unit) would approve what they submitted themselves (HTTP 403)."""

    status = 403


@dataclass
class StepContext:
    """Everything one move needs: the task, the person, what they gave, and the time."""

    session: Session
    task: PlanTask
    actor: Person
    payload: dict[str, Any]
    now: datetime
    # Records the checks looked at, kept so that the effect acts on exactly what was checked (a move made
    # meanwhile by someone else then fails on the task's version instead of finding nothing).
    seen: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> date:
        """The date in Vietnam at the moment of the move (deadlines are Vietnamese dates)."""
        return self.now.astimezone(VIETNAM).date()

    def text(self, name: str, what: str) -> str:
        """A required text field, stripped; its absence is an error naming `what`."""
        value = str(self.payload.get(name) or "").strip()
        if not value:
            raise InvalidMoveError(f"Cần {what}.")
        return value

    def due(self, name: str = "new_due_date") -> date:
        """A required date field (ISO or date object)."""
        value = self.payload.get(name)
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value)[:40])
            return within_horizon(day, "Thời hạn mới")
        except OutOfHorizonError as exc:
            raise InvalidMoveError(str(exc)) from exc
        except ValueError as exc:
            raise InvalidMoveError(f"Cần thời hạn mới dạng YYYY-MM-DD (nhận được '{str(value)[:40]}').") from exc


@dataclass(frozen=True)
class Step:
    """The check and the effect of one action."""

    check: Callable[[StepContext], None]
    apply: Callable[[StepContext], None]


def _nothing(_ctx: StepContext) -> None:
    return None


def is_overdue(task: PlanTask, today: date) -> bool:
    """Late: a due date that has passed on a task not yet completed or cancelled."""
    closed = (TaskStatus.APPROVED.value, TaskStatus.CANCELLED.value)
    return task.due_date is not None and task.due_date < today and task.status not in closed


def _once(ctx: StepContext, name: str, query: Any) -> Any:
    """The record a query finds, read once per move: the check and the effect see the same row."""
    if name not in ctx.seen:
        ctx.seen[name] = ctx.session.scalars(query).first()
    return ctx.seen[name]


def _pending_extension(ctx: StepContext) -> ExtensionRequest | None:
    query = select(ExtensionRequest).where(ExtensionRequest.task_id == ctx.task.id, ExtensionRequest.decision.is_(None))
    found: ExtensionRequest | None = _once(ctx, "extension", query)
    return found


def _open_explanation(ctx: StepContext) -> Explanation | None:
    query = select(Explanation).where(Explanation.task_id == ctx.task.id, Explanation.decision.is_(None))
    found: Explanation | None = _once(ctx, "explanation", query)
    return found


def _latest_submission(ctx: StepContext) -> Submission | None:
    query = select(Submission).where(Submission.task_id == ctx.task.id).order_by(Submission.version.desc())
    found: Submission | None = _once(ctx, "submission", query)
    return found


def _required(record: Any, what: str) -> Any:
    """A record the task's status promises (its submission, its open explanation); its absence means the
    task changed under this move."""
    if record is None:
        raise InvalidMoveError(f"Không còn {what} để xử lý: nhiệm vụ vừa thay đổi; hãy tải lại.")
    return record


def _change_deadline(ctx: StepContext, new_due: date, cause: str, note: str) -> None:
    ctx.session.add(
        DeadlineChange(
            task_id=ctx.task.id,
            old_due_date=ctx.task.due_date,
            new_due_date=new_due,
            cause=cause,
            note=note,
            changed_by_id=ctx.actor.id,
            changed_at=ctx.now,
        )
    )
    ctx.task.due_date = new_due


# --- coordination ------------------------------------------------------------------------


def _requested_agencies(ctx: StepContext) -> list[Any]:
    wanted = [agency_key(name) for name in ctx.payload.get("agencies") or []]
    coordinators = [c.agency for c in ctx.task.coordinators]
    if not wanted:
        return coordinators
    chosen = [a for a in coordinators if a.name_key in wanted]
    unknown = set(wanted) - {a.name_key for a in chosen}
    if unknown:
        names = ", ".join(a.name for a in coordinators) or "không có"
        raise InvalidMoveError(f"'{', '.join(sorted(unknown))}' không phải cơ quan phối hợp của nhiệm vụ ({names}).")
    return chosen


def _check_request_coordination(ctx: StepContext) -> None:
    if not _requested_agencies(ctx):
        raise InvalidMoveError("Nhiệm vụ không có cơ quan phối hợp để đề nghị.")


def _apply_request_coordination(ctx: StepContext) -> None:
    message = str(ctx.payload.get("message") or "")
    for agency in _requested_agencies(ctx):
        ctx.session.add(
            CoordinationRequest(
                task_id=ctx.task.id,
                agency_id=agency.id,
                message=message,
                requested_by_id=ctx.actor.id,
                requested_at=ctx.now,
            )
        )


def _check_give_input(ctx: StepContext) -> None:
    ctx.text("text", "nội dung ý kiến phối hợp")
    if ctx.actor.agency is None:
        raise InvalidMoveError(f"{ctx.actor.full_name} chưa thuộc cơ quan nào trong danh bạ để gửi ý kiến phối hợp.")


def _apply_give_input(ctx: StepContext) -> None:
    agency: Agency = _required(ctx.actor.agency, "cơ quan của người gửi")
    ctx.session.add(
        CoordinationInput(
            task_id=ctx.task.id,
            agency_id=agency.id,
            text=ctx.text("text", "nội dung"),
            given_by_id=ctx.actor.id,
            given_at=ctx.now,
        )
    )
    for request in ctx.session.scalars(
        select(CoordinationRequest).where(
            CoordinationRequest.task_id == ctx.task.id, CoordinationRequest.answered_at.is_(None)
        )
    ):
        if covers(request.agency, agency):
            request.answered_at = ctx.now


# --- results -----------------------------------------------------------------------------


def _check_submit(ctx: StepContext) -> None:
    ctx.text("result", "nội dung kết quả")
    evidence = ctx.payload.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise InvalidMoveError("Minh chứng phải là danh sách đường dẫn hoặc tên tệp.")
    kpi = ctx.payload.get("kpi_values") or {}
    if not isinstance(kpi, dict) or not all(isinstance(v, int | float) for v in kpi.values()):
        raise InvalidMoveError("Giá trị chỉ tiêu phải là số, ví dụ {'tỷ lệ văn bản điện tử (%)': 85}.")


def _apply_submit(ctx: StepContext) -> None:
    count = ctx.session.scalar(select(func.count()).select_from(Submission).where(Submission.task_id == ctx.task.id))
    ctx.session.add(
        Submission(
            task_id=ctx.task.id,
            version=(count or 0) + 1,
            result_text=ctx.text("result", "kết quả"),
            evidence=list(ctx.payload.get("evidence") or []),
            kpi_values=dict(ctx.payload.get("kpi_values") or {}),
            submitted_by_id=ctx.actor.id,
            submitted_at=ctx.now,
        )
    )


def _check_progress(ctx: StepContext) -> None:
    period = str(ctx.payload.get("period") or "")
    if not _is_progress_period(period):
        raise InvalidMoveError(f"Kỳ báo cáo phải dạng YYYY-MM hoặc YYYY-Qn (nhận được '{period}').")
    ctx.text("text", "nội dung báo cáo tiến độ")


def _is_progress_period(key: str) -> bool:
    """A month or a quarter, written exactly as stored (2026-05, 2026-Q2)."""
    try:
        period = parse_period(key)
    except ReportError:
        return False
    return period.key == key and period.kind in ("month", "quarter")


def _apply_progress(ctx: StepContext) -> None:
    period = str(ctx.payload["period"])
    count = ctx.session.scalar(
        select(func.count())
        .select_from(ProgressReport)
        .where(ProgressReport.task_id == ctx.task.id, ProgressReport.period == period)
    )
    ctx.session.add(
        ProgressReport(
            task_id=ctx.task.id,
            period=period,
            version=(count or 0) + 1,
            text=ctx.text("text", "nội dung"),
            reported_by_id=ctx.actor.id,
            reported_at=ctx.now,
        )
    )


def _review(decision: str) -> Callable[[StepContext], None]:
    def apply(ctx: StepContext) -> None:
        submission = _required(_latest_submission(ctx), "kết quả đã nộp")
        submission.decision = decision
        submission.review_comment = str(ctx.payload.get("comment") or "") or None
        submission.reviewed_by_id = ctx.actor.id
        submission.reviewed_at = ctx.now
        if decision == SubmissionDecision.APPROVED.value:
            ctx.task.completed_at = ctx.now

    return apply


def _not_own_unit(ctx: StepContext, author: Person | None, what: str) -> None:
    """Four eyes: nobody approves or accepts what they, or their own unit, submitted or explained."""
    if author is None:
        return
    same_unit = ctx.actor.agency_id is not None and ctx.actor.agency_id == author.agency_id
    if author.id == ctx.actor.id or same_unit:
        raise SelfApprovalError(
            f"{ctx.actor.full_name} không thể tự {what} do chính đơn vị mình gửi; cần người của đơn vị khác "
            "(Văn phòng hoặc Ban Thường vụ, đồng chí lãnh đạo phụ trách)."
        )


def _check_approve(ctx: StepContext) -> None:
    submission = _latest_submission(ctx)
    _not_own_unit(ctx, submission.submitted_by if submission else None, "duyệt kết quả")


def _check_return(ctx: StepContext) -> None:
    ctx.text("comment", "ý kiến nêu rõ phần cần hoàn thiện khi trả lại")


# --- explanations --------------------------------------------------------------------------


def _check_request_explanation(ctx: StepContext) -> None:
    reason = ctx.text("reason", "lý do yêu cầu giải trình")
    failing = bool(ctx.payload.get("failing"))
    if not is_overdue(ctx.task, ctx.today) and not failing:
        due = ctx.task.due_date.isoformat() if ctx.task.due_date else "chưa có thời hạn"
        raise InvalidMoveError(
            f"Chỉ yêu cầu giải trình khi nhiệm vụ quá hạn (thời hạn: {due}) hoặc không đạt chỉ tiêu "
            f"(đánh dấu 'failing'); lý do đã nêu: {reason}"
        )


def _apply_request_explanation(ctx: StepContext) -> None:
    ctx.session.add(
        Explanation(
            task_id=ctx.task.id,
            agency_id=ctx.task.lead_agency_id,
            reason=ctx.text("reason", "lý do"),
            requested_by_id=ctx.actor.id,
            requested_at=ctx.now,
        )
    )


def _apply_submit_explanation(ctx: StepContext) -> None:
    explanation = _required(_open_explanation(ctx), "yêu cầu giải trình")
    explanation.text = ctx.text("text", "nội dung giải trình")
    explanation.submitted_by_id = ctx.actor.id
    explanation.submitted_at = ctx.now


def _check_submit_explanation(ctx: StepContext) -> None:
    ctx.text("text", "nội dung giải trình")


def _check_accept(ctx: StepContext) -> None:
    explanation = _open_explanation(ctx)
    author = (
        ctx.session.get(Person, explanation.submitted_by_id) if explanation and explanation.submitted_by_id else None
    )
    _not_own_unit(ctx, author, "chấp nhận giải trình")
    new_due = ctx.due()
    if new_due <= ctx.today:
        raise InvalidMoveError(f"Thời hạn mới {new_due.isoformat()} phải sau hôm nay ({ctx.today.isoformat()}).")


def _decide_explanation(decision: str) -> Callable[[StepContext], None]:
    def apply(ctx: StepContext) -> None:
        explanation = _required(_open_explanation(ctx), "giải trình chờ quyết định")
        explanation.decision = decision
        explanation.decision_note = str(ctx.payload.get("comment") or "") or None
        explanation.decided_by_id = ctx.actor.id
        explanation.decided_at = ctx.now
        if decision == ExplanationDecision.ACCEPTED.value:
            explanation.new_due_date = ctx.due()
            _change_deadline(ctx, ctx.due(), "explanation", explanation.decision_note or "")
        else:
            head = head_of(ctx.session, ctx.task.lead_agency)
            explanation.agency_head_name = head.full_name if head else None

    return apply


# --- deadlines -----------------------------------------------------------------------------


def _check_request_extension(ctx: StepContext) -> None:
    if ctx.task.due_date is None:
        raise InvalidMoveError("Nhiệm vụ chưa có thời hạn cụ thể nên chưa thể đề nghị gia hạn.")
    if ctx.today > ctx.task.due_date:
        raise InvalidMoveError(
            f"Chỉ đề nghị gia hạn trước thời hạn ({ctx.task.due_date.isoformat()}); "
            "nhiệm vụ đã quá hạn, cần giải trình."
        )
    if ctx.due() <= ctx.task.due_date:
        raise InvalidMoveError(f"Thời hạn đề nghị phải sau thời hạn hiện tại ({ctx.task.due_date.isoformat()}).")
    ctx.text("reason", "lý do đề nghị gia hạn")
    if _pending_extension(ctx) is not None:
        raise InvalidMoveError("Đã có một đề nghị gia hạn đang chờ quyết định.")


def _apply_request_extension(ctx: StepContext) -> None:
    ctx.session.add(
        ExtensionRequest(
            task_id=ctx.task.id,
            requested_due_date=ctx.due(),
            reason=ctx.text("reason", "lý do"),
            requested_by_id=ctx.actor.id,
            requested_at=ctx.now,
        )
    )


def _check_pending_extension(ctx: StepContext) -> None:
    if _pending_extension(ctx) is None:
        raise InvalidMoveError("Không có đề nghị gia hạn nào đang chờ quyết định.")


def _check_grant_extension(ctx: StepContext) -> None:
    _check_pending_extension(ctx)
    request = _pending_extension(ctx)
    author = ctx.session.get(Person, request.requested_by_id) if request else None
    _not_own_unit(ctx, author, "đồng ý gia hạn")


def _decide_extension(decision: str) -> Callable[[StepContext], None]:
    def apply(ctx: StepContext) -> None:
        request = _required(_pending_extension(ctx), "đề nghị gia hạn chờ quyết định")
        request.decision = decision
        request.decision_note = str(ctx.payload.get("comment") or "") or None
        request.decided_by_id = ctx.actor.id
        request.decided_at = ctx.now
        if decision == ExtensionDecision.GRANTED.value:
            _change_deadline(ctx, request.requested_due_date, "extension", request.reason)

    return apply


def _check_set_deadline(ctx: StepContext) -> None:
    if ctx.task.deadline_kind not in (DeadlineKind.UPSTREAM.value, DeadlineKind.EVENT.value):
        raise InvalidMoveError(
            "Chỉ cập nhật thời hạn cho nhiệm vụ chờ cấp trên hoặc chờ sự kiện; thời hạn khác thay đổi qua gia hạn."
        )
    ctx.due()


def _apply_set_deadline(ctx: StepContext) -> None:
    _change_deadline(ctx, ctx.due(), "upstream", str(ctx.payload.get("comment") or ""))


def _check_assign(ctx: StepContext) -> None:
    lead = ctx.task.lead_agency
    if lead is None:
        raise InvalidMoveError("Nhiệm vụ chưa có cơ quan chủ trì nên chưa thể giao (chưa rõ trách nhiệm).")
    if is_unresolved(lead):
        raise InvalidMoveError(
            f"Cơ quan chủ trì '{lead.name}' là một nhóm chưa rõ gồm những cơ quan nào: "
            "khai báo nhóm này trong danh bạ (mục groups, 'planflow org load') rồi giao lại."
        )
    unresolved = [c.agency.name for c in ctx.task.coordinators if is_unresolved(c.agency)]
    if unresolved and not _related_agencies(ctx):
        raise InvalidMoveError(
            f"Nhiệm vụ {ctx.task.number} giao phối hợp cho '{', '.join(unresolved)}' nhưng chưa rõ là những cơ quan "
            "nào: nêu tên các cơ quan khi giao (--related 'Ban A; Ban B') hoặc khai báo nhóm này trong danh bạ "
            "(mục groups)."
        )


def _related_agencies(ctx: StepContext) -> list[Agency]:
    """The agencies the secretariat names for "các cơ quan liên quan" when it assigns (each one in the directory)."""
    names = [str(name).strip() for name in ctx.payload.get("related") or [] if str(name).strip()]
    if not names:
        return []
    if "related" not in ctx.seen:
        organization_id = ctx.task.plan.organization_id
        known = {
            a.name_key: a
            for a in ctx.session.scalars(
                select(Agency).where(
                    Agency.organization_id == organization_id, Agency.name_key.in_([agency_key(n) for n in names])
                )
            )
        }
        unknown = [n for n in names if agency_key(n) not in known]
        if unknown:
            raise InvalidMoveError(f"Không có trong danh bạ: {', '.join(unknown)}.")
        ctx.seen["related"] = list({agency_key(n): known[agency_key(n)] for n in names}.values())
    related: list[Agency] = ctx.seen["related"]
    return related


def _apply_assign(ctx: StepContext) -> None:
    ctx.task.assigned_at = ctx.now
    related = _related_agencies(ctx)
    if not related:
        return
    kept = [c for c in ctx.task.coordinators if not is_unresolved(c.agency)]
    present = {c.agency_id for c in kept}
    added = [
        PlanTaskCoordinator(agency_id=agency.id, agency=agency, position=len(kept) + offset)
        for offset, agency in enumerate(a for a in related if a.id not in present)
    ]
    ctx.task.coordinators = kept + added


def _check_reject(ctx: StepContext) -> None:
    ctx.text("comment", "lý do không chấp nhận giải trình")


def _check_cancel(ctx: StepContext) -> None:
    ctx.text("reason", "lý do hủy nhiệm vụ")


STEPS: dict[Action, Step] = {
    Action.ASSIGN: Step(_check_assign, _apply_assign),
    Action.ACKNOWLEDGE: Step(_nothing, _nothing),
    Action.REQUEST_COORDINATION: Step(_check_request_coordination, _apply_request_coordination),
    Action.GIVE_INPUT: Step(_check_give_input, _apply_give_input),
    Action.SUBMIT: Step(_check_submit, _apply_submit),
    Action.SUBMIT_PROGRESS: Step(_check_progress, _apply_progress),
    Action.APPROVE: Step(_check_approve, _review(SubmissionDecision.APPROVED.value)),
    Action.RETURN: Step(_check_return, _review(SubmissionDecision.RETURNED.value)),
    Action.REQUEST_EXPLANATION: Step(_check_request_explanation, _apply_request_explanation),
    Action.SUBMIT_EXPLANATION: Step(_check_submit_explanation, _apply_submit_explanation),
    Action.ACCEPT_EXPLANATION: Step(_check_accept, _decide_explanation(ExplanationDecision.ACCEPTED.value)),
    Action.REJECT_EXPLANATION: Step(_check_reject, _decide_explanation(ExplanationDecision.REJECTED.value)),
    Action.REQUEST_EXTENSION: Step(_check_request_extension, _apply_request_extension),
    Action.GRANT_EXTENSION: Step(_check_grant_extension, _decide_extension(ExtensionDecision.GRANTED.value)),
    Action.REFUSE_EXTENSION: Step(_check_pending_extension, _decide_extension(ExtensionDecision.REFUSED.value)),
    Action.SET_DEADLINE: Step(_check_set_deadline, _apply_set_deadline),
    Action.CANCEL: Step(_check_cancel, _nothing),
}
