"""Review cycles: the secretariat asks every lead agency for its progress update by a date.

An agency has answered once any of its tasks gets a result or a progress report after
the cycle started (derived from the data, nothing to tick by hand). The daily sweep
reminds the agencies that have not, and closes the cycle after its due date; closing
compiles the period's report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, exists, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.audit import record_event
from models.base import Base, BigId, UtcDateTime
from models.calendar.days import add_working_days, local_date
from models.calendar.period import parse_period
from models.errors import ReportError
from models.escalation.sweep import CHASED
from models.lifecycle.recipients import lead_units
from models.lifecycle.tables import ProgressReport, Submission
from models.org.tables import Agency, Organization
from models.outbox.tables import Notification, queue_notification
from models.plan.tables import Plan, PlanTask
from models.reporting.store import organizations_with_plans

REMINDERS_BEFORE = (3, 1)


class ReviewCycleStatus(StrEnum):
    """A review cycle is open until its closing sweep."""

    OPEN = "open"
    CLOSED = "closed"


class ReviewCycle(Base):
    """One round of progress updates for a period of an organization."""

    __tablename__ = "review_cycles"
    __table_args__ = (UniqueConstraint("organization_id", "period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ReviewCycleStatus.OPEN.value)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ReviewRequest(Base):
    """One lead agency asked in a cycle, and when it answered."""

    __tablename__ = "review_requests"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class CycleState:
    """Who was asked and who answered (the JSON of `planflow review-cycle status`)."""

    organization: str
    period: str
    due_date: date
    status: str
    asked: list[str]
    answered: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "period": self.period,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "asked": self.asked,
            "answered": self.answered,
            "waiting": [a for a in self.asked if a not in self.answered],
        }


def sole_organization(session: Session) -> str:
    """The organization a review cycle is for when none is named: the only one with a plan; with several (a city
    and its wards) the secretariat must say which, and is told the codes."""
    codes = organizations_with_plans(session)
    if len(codes) != 1:
        known = ", ".join(codes) or "chưa có tổ chức nào có kế hoạch"
        raise ReportError(f"Hãy chọn tổ chức đảng cho đợt rà soát (--org / organization): {known}.")
    return codes[0]


def cycle_summary(state: CycleState) -> str:
    """The cycle as the Markdown the Prefect UI shows: who was asked and who has answered."""
    lines = [
        f"# Kỳ rà soát {state.period} — {state.organization}",
        "",
        f"Hạn báo cáo: {state.due_date.isoformat()}.",
        "",
        "| Cơ quan chủ trì | Đã báo cáo |",
        "|---|---|",
    ]
    return "\n".join(lines + [f"| {name} | {'có' if name in state.answered else 'chưa'} |" for name in state.asked])


def start_cycle(
    session: Session, *, organization_code: str | None, period: str, due: date, actor: str, now: datetime
) -> CycleState:
    """Open a cycle and ask each lead agency with open or recurring tasks (starting twice changes nothing); with no
    organization named, the only one with a plan."""
    parse_period(period)
    organization_code = organization_code or sole_organization(session)
    org = session.scalars(select(Organization).where(Organization.code == organization_code)).one_or_none()
    if org is None:
        raise ReportError(f"Không có tổ chức đảng mã '{organization_code}'.")
    if due <= local_date(now):  # "today" is Vietnam's: before 07:00 there the UTC date is still yesterday
        raise ReportError(f"Hạn báo cáo {due.isoformat()} phải sau hôm nay.")
    cycle = session.scalars(
        select(ReviewCycle).where(ReviewCycle.organization_id == org.id, ReviewCycle.period == period)
    ).one_or_none()
    if cycle is None:
        cycle = ReviewCycle(organization_id=org.id, period=period, due_date=due, started_by=actor, started_at=now)
        session.add(cycle)
        session.flush()
        agencies = session.scalars(
            select(PlanTask.lead_agency_id)
            .distinct()
            .join(Plan)
            .where(Plan.organization_id == org.id, PlanTask.status.in_(CHASED), PlanTask.lead_agency_id.is_not(None))
        )
        for agency_id in agencies:
            session.add(ReviewRequest(cycle_id=cycle.id, agency_id=agency_id))
            _tell(
                session,
                session.get_one(Agency, agency_id),
                f"cycle:{cycle.id}:asked",
                "progress_update_requested",
                now,
                {"actor": actor, "period": period, "due_date": due.isoformat()},
            )
        record_event(
            session,
            actor=actor,
            action="review_cycle.started",
            entity_type="organization",
            entity_key=f"{org.code}/{period}",
            occurred_at=now,
            details={"due_date": due.isoformat()},
        )
        session.flush()
    return cycle_state(session, cycle)


def cycle_state(session: Session, cycle: ReviewCycle) -> CycleState:
    """Who was asked and who answered."""
    org = session.get_one(Organization, cycle.organization_id)
    rows = session.execute(
        select(Agency.name, ReviewRequest.answered_at)
        .join(ReviewRequest, ReviewRequest.agency_id == Agency.id)
        .where(ReviewRequest.cycle_id == cycle.id)
        .order_by(Agency.name)
    ).all()
    return CycleState(
        org.code,
        cycle.period,
        cycle.due_date,
        cycle.status,
        [n for n, _ in rows],
        [n for n, answered in rows if answered is not None],
    )


def record_answers(session: Session, *, now: datetime) -> int:
    """Mark as answered every agency with a result or progress report sent after its cycle started."""
    answered = 0
    for request, cycle in session.execute(
        select(ReviewRequest, ReviewCycle)
        .join(ReviewCycle, ReviewRequest.cycle_id == ReviewCycle.id)
        .where(ReviewCycle.status == ReviewCycleStatus.OPEN.value, ReviewRequest.answered_at.is_(None))
    ).all():
        led = select(PlanTask.id).where(PlanTask.lead_agency_id == request.agency_id)
        first = session.scalar(
            select(func.min(ProgressReport.reported_at)).where(
                ProgressReport.task_id.in_(led), ProgressReport.reported_at >= cycle.started_at
            )
        )
        first_result = session.scalar(
            select(func.min(Submission.submitted_at)).where(
                Submission.task_id.in_(led), Submission.submitted_at >= cycle.started_at
            )
        )
        moments = [m for m in (first, first_result) if m is not None]
        if moments:
            request.answered_at = min(moments)
            answered += 1
    return answered


def remind_and_close(session: Session, *, as_of: date, now: datetime) -> tuple[int, list[tuple[str, str]]]:
    """Remind unanswered agencies 3 and 1 working days before the due date; close cycles past it.

    Returns (reminders queued, (organization code, period) of the cycles closed).
    """
    record_answers(session, now=now)
    reminded = 0
    closed: list[tuple[str, str]] = []
    for cycle in session.scalars(select(ReviewCycle).where(ReviewCycle.status == ReviewCycleStatus.OPEN.value)):
        if as_of > cycle.due_date:
            cycle.status, cycle.closed_at = ReviewCycleStatus.CLOSED.value, now
            org = session.get_one(Organization, cycle.organization_id)
            closed.append((org.code, cycle.period))
            continue
        due_now = [n for n in REMINDERS_BEFORE if add_working_days(cycle.due_date, -n) <= as_of]
        if not due_now:
            continue
        rung = min(due_now)
        waiting = session.scalars(
            select(ReviewRequest).where(ReviewRequest.cycle_id == cycle.id, ReviewRequest.answered_at.is_(None))
        )
        context = {
            "actor": "Văn phòng",
            "period": cycle.period,
            "due_date": cycle.due_date.isoformat(),
            "working_days": rung,
        }
        for request in waiting:
            for unit in lead_units(session.get_one(Agency, request.agency_id)):  # as every message to an agency
                keys = [f"cycle:{cycle.id}:before:{n}:agency:{unit.id}" for n in REMINDERS_BEFORE if n <= rung]
                if session.scalar(select(exists().where(Notification.idempotency_key.in_(keys)))):
                    continue
                reminded += queue_notification(
                    session,
                    key=f"cycle:{cycle.id}:before:{rung}:agency:{unit.id}",
                    template="progress_update_reminder",
                    queued_at=now,
                    agency_id=unit.id,
                    context=context,
                )
    return reminded, closed


def _tell(session: Session, agency: Agency, key: str, template: str, now: datetime, context: dict[str, Any]) -> int:
    """A message addressed to a lead agency, as every sender addresses one: to each of its units (a group's
    members), once each."""
    return sum(
        queue_notification(
            session, key=f"{key}:agency:{unit.id}", template=template, queued_at=now, agency_id=unit.id, context=context
        )
        for unit in lead_units(agency)
    )
