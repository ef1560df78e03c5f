"""The escalation sweep: reminders before deadlines, escalation up the chain after them.

Set-based: a few INSERT … SELECT statements per distinct due date, not a query per
task. Each (task, rung, deadline) is a unique row in `escalations`, inserted with
ON CONFLICT DO NOTHING, so a repeated sweep, two sweeps at once or a sweep after a
crash never fires a rung twice. A sweep that missed days fires only the most
advanced rung now due (a rung is blocked once a more advanced one exists). A new
deadline (extension, explanation) starts its own sequence.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import Select

from models.base import Base, BigId, JsonDoc, UtcDateTime, insert_new_only, utc_now
from models.calendar.days import add_working_days, end_of_day, is_working_day
from models.calendar.period import parse_period, period_containing
from models.escalation.policy import EscalationPolicy, policies_for
from models.lifecycle.recipients import (
    RecipientGroup,
    holds_leader_title,
    is_head_of,
    is_secretariat,
    is_standing_committee,
    leader_known,
)
from models.lifecycle.tables import ProgressReport
from models.lifecycle.workflow import TaskStatus
from models.org.tables import Agency, Organization, Person, agency_members
from models.outbox.tables import Notification
from models.plan.deadlines import DeadlineKind
from models.plan.tables import Plan, PlanTask, PlanTaskLeader

# Tasks someone is working on: reminded and escalated. Submitted tasks wait on the
# secretariat; explanation steps and closed tasks are out of the sweep.
ANALYZE_AFTER = 1000  # rungs fired in one sweep past which PostgreSQL's statistics are refreshed
CHASED = (
    TaskStatus.ASSIGNED.value,
    TaskStatus.ACKNOWLEDGED.value,
    TaskStatus.IN_PROGRESS.value,
    TaskStatus.RETURNED.value,
)


class EscalationKind(StrEnum):
    """What a rung of the escalation ladder is about."""

    REMINDER = "reminder"
    OVERDUE = "overdue"
    PROGRESS_DUE = "progress_due"
    PROGRESS_MISSING = "progress_missing"
    UPSTREAM = "upstream"


class Escalation(Base):
    """A rung fired for a task and a deadline (the deadline, or the end of a reporting period)."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("task_id", "rung", "deadline"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # an EscalationKind
    rung: Mapped[str] = mapped_column(String(40))
    deadline: Mapped[date] = mapped_column(Date)
    fire_date: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)  # before or after the deadline
    recipients: Mapped[str] = mapped_column(String(200))  # ",lead_agency,leaders_in_charge,"
    request_explanation: Mapped[bool] = mapped_column(Boolean, default=False)
    sweep_id: Mapped[str] = mapped_column(String(40), index=True)
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class SweepRun(Base):
    """One sweep: the day it chased, what it fired, and the organizations it could not chase (and why)."""

    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sweep_id: Mapped[str] = mapped_column(String(40), unique=True)
    as_of: Mapped[date] = mapped_column(Date, index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    counts: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    failures: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc, default=list)


log = logging.getLogger(__name__)

TEMPLATES = {
    EscalationKind.REMINDER.value: "deadline_reminder",
    EscalationKind.OVERDUE.value: "deadline_overdue",
    EscalationKind.PROGRESS_DUE.value: "progress_due",
    EscalationKind.PROGRESS_MISSING.value: "progress_missing",
    EscalationKind.UPSTREAM.value: "upstream_check",
}


@dataclass
class SweepResult:
    """What one sweep fired and queued (the JSON of `planflow sweep --json`)."""

    as_of: date
    working_day: bool
    sweep_id: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notifications: int = 0
    explanation_requests: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)  # organizations not chased, with the reason

    def to_dict(self) -> dict[str, Any]:
        """Counts by kind; `escalations` are the overdue rungs."""
        return {
            "as_of": self.as_of.isoformat(),
            "working_day": self.working_day,
            "reminders": self.counts.get(EscalationKind.REMINDER.value, 0),
            "escalations": self.counts.get(EscalationKind.OVERDUE.value, 0),
            "explanation_requests": self.explanation_requests,
            "progress_reminders": self.counts.get(EscalationKind.PROGRESS_DUE.value, 0),
            "progress_missing": self.counts.get(EscalationKind.PROGRESS_MISSING.value, 0),
            "upstream_checks": self.counts.get(EscalationKind.UPSTREAM.value, 0),
            "notifications": self.notifications,
            "failures": self.failures,
        }


@dataclass(frozen=True)
class _Rung:
    kind: str
    rung: str
    deadline: date
    fire_date: date
    working_days: int
    recipients: tuple[str, ...]
    blocked_by: tuple[str, ...]
    request_explanation: bool = False


def _insert_selected(session: Session, table: Any, columns: list[str], rows: Any) -> int:
    """`INSERT … SELECT … ON CONFLICT DO NOTHING`; the rows it really added, counted through RETURNING
    (psycopg reports no rowcount here)."""
    statement = insert_new_only(session, table).from_select(columns, rows).returning(table.id)
    return len(session.execute(statement).all())


def sweep(session: Session, *, as_of: date, now: datetime) -> SweepResult:
    """Fire every rung due on `as_of` for all open tasks, queue their messages, request explanations.

    No single organization's data can stop the others being chased: when the set-based pass fails,
    its organizations are split in halves and each half tried again (each in a savepoint), until the
    failing ones stand alone; they are recorded with the reason and everyone else is chased.
    """
    result = SweepResult(as_of=as_of, working_day=is_working_day(as_of), sweep_id=uuid4().hex)
    if not result.working_day:
        return result  # no messages on weekends and holidays; the next working day catches up
    run = SweepRun(sweep_id=result.sweep_id, as_of=as_of, started_at=now, counts={}, failures=[])
    session.add(run)
    session.flush()  # written first: the savepoints below then nest inside this transaction on every database
    groups = _policy_groups(session)
    for policy, organization_ids in groups:
        _sweep_organizations(session, policy, organization_ids, len(groups) == 1, result, now)
    if sum(result.counts.values()) > ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, or the next sweep's anti-joins plan as if these tables were still empty.
        session.execute(text("ANALYZE escalations, outbox"))
    run.counts, run.failures = result.to_dict(), result.failures
    return result


def _sweep_organizations(
    session: Session,
    policy: EscalationPolicy,
    organization_ids: list[int],
    everyone: bool,
    result: SweepResult,
    now: datetime,
) -> None:
    """One set-based pass over these organizations in a savepoint; on failure, halves until it isolates."""
    scope = true() if everyone else _in_organizations(organization_ids)
    try:
        with session.begin_nested():
            counts, notifications, explanations = _sweep_scope(session, policy, scope, result, now)
    except Exception as exc:  # isolation is the point: any failure of one organization's data
        if len(organization_ids) == 1:
            code = session.scalar(select(Organization.code).where(Organization.id == organization_ids[0]))
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.error("Sweep %s: organization %s not chased: %s", result.as_of, code, reason)
            result.failures.append({"organization": str(code), "error": reason})
            return
        half = len(organization_ids) // 2
        for part in (organization_ids[:half], organization_ids[half:]):
            _sweep_organizations(session, policy, part, False, result, now)
        return
    for kind, count in counts.items():
        result.counts[kind] += count
    result.notifications += notifications
    result.explanation_requests += explanations


def _sweep_scope(
    session: Session, policy: EscalationPolicy, scope: Any, result: SweepResult, now: datetime
) -> tuple[dict[str, int], int, int]:
    """Fire the rungs, queue their messages and open the explanation requests of the tasks in scope."""
    counts: dict[str, int] = defaultdict(int)
    for condition, rung in _due_rungs(session, policy, scope, result.as_of):
        counts[rung.kind] += _fire(session, rung, condition, scope, result.sweep_id, now)
    session.flush()
    notifications = queue_sweep_notifications(session, result.sweep_id, now, scope)
    explanations = _request_explanations(session, result.sweep_id, result.as_of, now, scope)
    return counts, notifications, explanations


def _policy_groups(session: Session) -> list[tuple[EscalationPolicy, list[int]]]:
    chased = exists().where(PlanTask.plan_id == Plan.id, PlanTask.status.in_(CHASED))
    # per plan, the first chased task found ends the search (the plan's own index), where a join read every task
    organization_ids = list(session.scalars(select(Plan.organization_id).distinct().where(chased)))
    groups: dict[str, tuple[EscalationPolicy, list[int]]] = {}
    for organization_id, policy in policies_for(session, organization_ids).items():
        groups.setdefault(repr(policy), (policy, []))[1].append(organization_id)
    return list(groups.values())


def _in_organizations(organization_ids: list[int]) -> Any:
    """Tasks of these organizations (used only when organizations follow different policies)."""
    return PlanTask.plan_id.in_(select(Plan.id).where(Plan.organization_id.in_(organization_ids)))


def _soft() -> Any:
    """Tentative deadlines and event bounds are reminded, never escalated."""
    return or_(PlanTask.deadline_tentative.is_(True), PlanTask.deadline_kind == DeadlineKind.EVENT.value)


def _due_rungs(session: Session, policy: EscalationPolicy, scope: Any, as_of: date) -> list[tuple[Any, _Rung]]:
    rungs: list[tuple[Any, _Rung]] = []
    in_orgs = scope
    due_dates = session.execute(
        select(PlanTask.due_date, _soft())
        .distinct()
        .where(in_orgs, PlanTask.status.in_(CHASED), PlanTask.due_date.is_not(None))
    )
    for due, soft in due_dates:
        same_date = and_(PlanTask.due_date == due, _soft() if soft else ~_soft())
        reminder = reminder_rung(policy, due, as_of)
        if reminder:
            rungs.append((same_date, reminder))
        overdue = None if soft else overdue_rung(policy, due, as_of)
        if overdue:
            rungs.append((same_date, overdue))
    rungs.extend(_period_rungs(policy, as_of))
    rungs.extend(_monthly_rungs(session, policy, scope, as_of))
    return rungs


def reminder_rung(policy: EscalationPolicy, due: date, as_of: date) -> _Rung | None:
    """The reminder due on `as_of` for a deadline (the latest one ready), if any."""
    if as_of >= due:
        return None
    ready = [n for n in policy.reminders_before if add_working_days(due, -n) <= as_of]
    if not ready:
        return None
    n = min(ready)  # the latest reminder now due; earlier ones missed are not sent
    return _Rung(
        EscalationKind.REMINDER.value,
        f"before:{n}",
        due,
        add_working_days(due, -n),
        n,
        (RecipientGroup.LEAD_AGENCY.value,),
        tuple(f"before:{m}" for m in policy.reminders_before if m <= n),
    )


def overdue_rung(policy: EscalationPolicy, due: date, as_of: date) -> _Rung | None:
    """The escalation due on `as_of` for a passed deadline (the highest one ready), if any."""
    ready = [r for r in policy.overdue if add_working_days(due, r.after) <= as_of]
    if not ready:
        return None
    rung = max(ready, key=lambda r: r.after)  # the highest rung now due
    return _Rung(
        EscalationKind.OVERDUE.value,
        f"after:{rung.after}",
        due,
        add_working_days(due, rung.after),
        rung.after,
        rung.notify,
        tuple(f"after:{r.after}" for r in policy.overdue if r.after >= rung.after),
        rung.request_explanation,
    )


_MONTHLY = "FREQ=MONTHLY;BYMONTHDAY="  # a duty due on a day of every month reports monthly ("trước ngày 25 hằng tháng")


def _monthly_day(rule: str, year: int, month: int) -> date:
    """The day of a month a monthly rule falls on (the month's last day for -1, or when it is shorter)."""
    day = int(rule.removeprefix(_MONTHLY))
    last = parse_period(f"{year}-{month:02d}").end
    return last if day < 0 or day > last.day else last.replace(day=day)


def _monthly_rungs(session: Session, policy: EscalationPolicy, scope: Any, as_of: date) -> list[tuple[Any, _Rung]]:
    """A recurring duty with a monthly rule is chased each month at its own day: a reminder in the working
    days before it, a missing-report notice after it — read from the rule each task carries."""
    rules = session.scalars(
        select(PlanTask.deadline_rule)
        .distinct()
        .where(scope, PlanTask.status.in_(CHASED), PlanTask.deadline_rule.like(f"{_MONTHLY}%"))
    ).all()
    rungs: list[tuple[Any, _Rung]] = []
    for rule in filter(None, rules):
        with_rule = and_(PlanTask.deadline_kind == DeadlineKind.RECURRING.value, PlanTask.deadline_rule == rule)
        period = f"{as_of.year}-{as_of.month:02d}"
        due = _monthly_day(rule, as_of.year, as_of.month)
        fire = add_working_days(due, -policy.progress_reminder_before)
        if fire <= as_of <= due:
            rungs.append(
                (
                    and_(with_rule, _no_progress_report(period), PlanTask.assigned_at.is_not(None)),
                    _Rung(
                        EscalationKind.PROGRESS_DUE.value,
                        f"progress:{period}",
                        due,
                        fire,
                        policy.progress_reminder_before,
                        (RecipientGroup.LEAD_AGENCY.value,),
                        (f"progress:{period}",),
                    ),
                )
            )
        previous = (as_of.replace(day=1) - timedelta(days=1)) if as_of <= due else as_of
        last_period = f"{previous.year}-{previous.month:02d}"
        last_due = _monthly_day(rule, previous.year, previous.month)
        if last_due < as_of:
            in_time = PlanTask.assigned_at <= end_of_day(last_due)
            rungs.append(
                (
                    and_(with_rule, _no_progress_report(last_period), in_time),
                    _Rung(
                        EscalationKind.PROGRESS_MISSING.value,
                        f"missing:{last_period}",
                        last_due,
                        add_working_days(last_due, 1),
                        1,
                        (RecipientGroup.LEAD_AGENCY.value,),
                        (f"missing:{last_period}",),
                    ),
                )
            )
    return rungs


def _period_rungs(policy: EscalationPolicy, as_of: date) -> list[tuple[Any, _Rung]]:
    rungs: list[tuple[Any, _Rung]] = []
    current = period_containing(as_of, policy.progress_period)
    period, start, end = current.key, current.start, current.end
    # Recurring duties report each period of the policy, except those with a monthly rule of their own.
    recurring = and_(
        PlanTask.deadline_kind == DeadlineKind.RECURRING.value,
        or_(PlanTask.deadline_rule.is_(None), ~PlanTask.deadline_rule.like(f"{_MONTHLY}%")),
    )
    fire = add_working_days(end, -policy.progress_reminder_before)
    if fire <= as_of <= end:
        no_report = _no_progress_report(period)
        rungs.append(
            (
                and_(recurring, no_report, PlanTask.assigned_at.is_not(None)),
                _Rung(
                    EscalationKind.PROGRESS_DUE.value,
                    f"progress:{period}",
                    end,
                    fire,
                    policy.progress_reminder_before,
                    (RecipientGroup.LEAD_AGENCY.value,),
                    (f"progress:{period}",),
                ),
            )
        )
    before = current.previous()
    last, last_end = before.key, before.end
    assigned_in_time = PlanTask.assigned_at <= end_of_day(last_end)
    rungs.append(
        (
            and_(recurring, _no_progress_report(last), assigned_in_time),
            _Rung(
                EscalationKind.PROGRESS_MISSING.value,
                f"missing:{last}",
                last_end,
                add_working_days(last_end, 1),
                1,
                (RecipientGroup.LEAD_AGENCY.value,),
                (f"missing:{last}",),
            ),
        )
    )
    if policy.upstream_check:
        waiting = and_(PlanTask.deadline_kind == DeadlineKind.UPSTREAM.value, PlanTask.due_date.is_(None))
        rungs.append(
            (
                waiting,
                _Rung(
                    EscalationKind.UPSTREAM.value,
                    f"upstream:{period}",
                    end,
                    start,
                    0,
                    (RecipientGroup.SECRETARIAT.value,),
                    (f"upstream:{period}",),
                ),
            )
        )
    return rungs


def _no_progress_report(period: str) -> Any:
    return ~exists().where(ProgressReport.task_id == PlanTask.id, ProgressReport.period == period)


def _fire(session: Session, rung: _Rung, condition: Any, scope: Any, sweep_id: str, now: datetime) -> int:
    """Insert the rung for every matching task that has neither it nor a more advanced rung."""
    blocked = exists().where(
        Escalation.task_id == PlanTask.id, Escalation.deadline == rung.deadline, Escalation.rung.in_(rung.blocked_by)
    )
    rows: Select[Any] = select(
        PlanTask.id,
        literal(rung.kind),
        literal(rung.rung),
        literal(rung.deadline, Date),
        literal(rung.fire_date, Date),
        literal(rung.working_days),
        literal("," + ",".join(rung.recipients) + ","),
        true() if rung.request_explanation else false(),
        literal(sweep_id),
        literal(now, UtcDateTime()),
    ).where(
        scope,
        PlanTask.status.in_(CHASED),
        condition,
        ~blocked,
    )
    columns = [
        "task_id",
        "kind",
        "rung",
        "deadline",
        "fire_date",
        "working_days",
        "recipients",
        "request_explanation",
        "sweep_id",
        "fired_at",
    ]
    return _insert_selected(session, Escalation, columns, rows)


def queue_sweep_notifications(session: Session, sweep_id: str, now: datetime, scope: Any = None) -> int:
    """Outbox rows for every rung this sweep fired in scope, one per recipient (set-based, idempotent keys)."""
    queued = 0
    for prefix, recipients in _recipients(sweep_id, true() if scope is None else scope):
        queued += _queue(session, recipients.subquery(), prefix, now)
    return queued


def _fired(sweep_id: str, scope: Any, group: RecipientGroup, agency_id: Any, person_id: Any) -> Select[Any]:
    return (
        select(
            Escalation.id.label("escalation_id"),
            Escalation.kind.label("kind"),
            PlanTask.id.label("task_id"),
            agency_id.label("agency_id"),
            person_id.label("person_id"),
        )
        .join(PlanTask, Escalation.task_id == PlanTask.id)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .where(Escalation.sweep_id == sweep_id, scope, Escalation.recipients.contains(f",{group.value},"))
    )


def _recipients(sweep_id: str, scope: Any) -> list[tuple[str, Select[Any]]]:
    """(agency|person, rows of escalation × recipient) for each recipient group of the policy."""
    none = literal(None, BigId)
    # a group lead ("Các Ban Đảng và Văn phòng Đảng ủy") is each of its members; one nobody resolved stays itself,
    # so its message fails as undeliverable where the secretariat sees it
    member = agency_members.c.member_id
    lead_unit = func.coalesce(member, PlanTask.lead_agency_id)
    lead_members = agency_members.c.group_id == PlanTask.lead_agency_id
    lead = (
        _fired(sweep_id, scope, RecipientGroup.LEAD_AGENCY, lead_unit, none)
        .outerjoin(agency_members, lead_members)
        .where(PlanTask.lead_agency_id.is_not(None))
    )
    head = (
        _fired(sweep_id, scope, RecipientGroup.LEAD_AGENCY_HEAD, none, Person.id)
        .outerjoin(agency_members, lead_members)
        .join(Person, is_head_of(lead_unit))
    )
    leaders = (
        _fired(sweep_id, scope, RecipientGroup.LEADERS_IN_CHARGE, none, Person.id)
        .join(PlanTaskLeader, PlanTaskLeader.task_id == PlanTask.id)
        .join(Person, holds_leader_title(Plan.organization_id))
    )
    standing_join = is_standing_committee(Plan.organization_id)
    # No leader in charge named (or none in the directory): the Standing Committee decides instead.
    leaderless = (
        _fired(sweep_id, scope, RecipientGroup.LEADERS_IN_CHARGE, none, Person.id)
        .join(Person, standing_join)
        .where(~leader_known(PlanTask.id, Plan.organization_id))
    )
    standing = _fired(sweep_id, scope, RecipientGroup.STANDING_COMMITTEE, none, Person.id).join(Person, standing_join)
    office = _fired(sweep_id, scope, RecipientGroup.SECRETARIAT, Agency.id, none).join(
        Agency, is_secretariat(Plan.organization_id)
    )
    return [
        ("agency", lead),
        ("person", head),
        ("person", leaders),
        ("person", leaderless),
        ("person", standing),
        ("agency", office),
    ]


def _queue(session: Session, rows: Any, prefix: str, now: datetime) -> int:
    recipient = rows.c.agency_id if prefix == "agency" else rows.c.person_id
    key = literal("esc:") + cast(rows.c.escalation_id, String) + literal(f":{prefix}:") + cast(recipient, String)
    template = case(
        *[(rows.c.kind == kind, literal(name)) for kind, name in TEMPLATES.items()], else_=literal("notice")
    )
    source = (
        select(
            key,
            template,
            rows.c.agency_id,
            rows.c.person_id,
            rows.c.task_id,
            rows.c.escalation_id,
            literal("pending"),
            literal(0),
            literal(now, UtcDateTime()),
            literal(now, UtcDateTime()),
        )
        .distinct()
        .where(true())
    )  # SQLite: INSERT … SELECT … ON CONFLICT needs a WHERE in the SELECT
    columns = [
        "idempotency_key",
        "template",
        "recipient_agency_id",
        "recipient_person_id",
        "task_id",
        "escalation_id",
        "status",
        "attempts",
        "queued_at",
        "created_at",
    ]
    return _insert_selected(session, Notification, columns, source)


def _request_explanations(session: Session, sweep_id: str, as_of: date, now: datetime, scope: Any) -> int:
    """The rung that says so also opens an explanation request: the secretariat's move, made by its
    automatic actor for every task at once (models.lifecycle.moves.request_explanations_in_bulk)."""
    from models.lifecycle.moves import request_explanations_in_bulk
    from models.org.directory import system_people

    rows = session.execute(
        select(
            Escalation.id,
            Escalation.working_days,
            Escalation.deadline,
            PlanTask.id,
            PlanTask.number,
            PlanTask.lead_agency_id,
            Plan.code,
            Plan.organization_id,
        )
        .join(PlanTask, Escalation.task_id == PlanTask.id)
        .join(Plan, PlanTask.plan_id == Plan.id)
        .where(Escalation.sweep_id == sweep_id, scope, Escalation.request_explanation.is_(True))
        .order_by(Escalation.id)
    ).all()
    actors = system_people(session, {row.organization_id for row in rows})
    requests = [
        {
            "task_id": row[3],
            "plan": row.code,
            "task": row.number,
            "organization_id": row.organization_id,
            "lead_agency_id": row.lead_agency_id,
            "actor_id": actors[row.organization_id].id,
            "actor": actors[row.organization_id].full_name,
            "actor_email": actors[row.organization_id].email,
            "reason": f"Quá hạn {row.working_days} ngày làm việc (hạn {row.deadline.strftime('%d/%m/%Y')}); "
            "yêu cầu giải trình tự động theo chính sách đôn đốc.",
            "key": f"esc:{row[0]}:explanation",
        }
        for row in rows
    ]
    return request_explanations_in_bulk(session, requests, now=now)
