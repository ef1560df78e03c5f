"""Report figures from the data alone: each task's state as it stood at the end of a period.

Completion and cancellation times come from the task, the due date in force at the
period's end from the deadline history, so compiling the same period again gives
the same numbers whatever happened since. Rendering is elsewhere (documents/).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, Float, ForeignKey, Index, Select, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, JsonDoc, Timestamped, UtcDateTime
from models.calendar import VIETNAM, working_days_between
from models.deadlines import DeadlineKind
from models.errors import ReportError
from models.org import Agency, Organization, Person
from models.period import Period
from models.plan import KpiIndicator, Plan, PlanSection, PlanTask, PlanTaskLeader
from models.records import DeadlineChange, Explanation, ProgressReport, Submission
from models.report_sections import written_sections
from models.urgency import DUE_SOON_WORKING_DAYS
from models.workflow import TaskStatus

TOP_OVERDUE = 20  # how many of the most overdue tasks a roll-up names (`report compile --top`)

CATEGORIES = [
    ("completed_on_time", "hoàn thành đúng hạn"),
    ("completed_late", "hoàn thành quá hạn"),
    ("in_progress", "đang thực hiện trong hạn"),
    ("due_soon", "sắp đến hạn"),
    ("overdue", "quá hạn"),
    ("waiting_upstream", "chờ cấp trên"),
    ("cancelled", "đã hủy"),
    ("not_assigned", "chưa giao"),
]
CATEGORY_LABELS = dict(CATEGORIES)
CATEGORY_MEANINGS = {  # as at the period's last day (or today, for the running period)
    "completed_on_time": "kết quả được duyệt không muộn hơn thời hạn",
    "completed_late": "kết quả được duyệt sau thời hạn",
    "in_progress": "chưa hoàn thành, thời hạn còn hơn 7 ngày làm việc (hoặc nhiệm vụ thường xuyên)",
    "due_soon": "chưa hoàn thành, thời hạn trong 7 ngày làm việc tới",
    "overdue": "chưa hoàn thành, đã qua thời hạn",
    "waiting_upstream": "thời hạn theo tiến độ cấp trên hoặc theo sự kiện, chưa có ngày cụ thể",
    "cancelled": "Ban Thường vụ đã hủy",
    "not_assigned": "chưa giao cho cơ quan chủ trì",
}
# each ratio defined once: `_ratios` computes it, every report format prints this under its table
RATIO_DEFINITIONS = {
    "on_time_ratio": (
        "Tỷ lệ hoàn thành đúng hạn",
        "số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ đã hoàn thành",
    ),
    "overdue_ratio": (
        "Tỷ lệ quá hạn",
        "(số nhiệm vụ quá hạn + số nhiệm vụ hoàn thành quá hạn) / số nhiệm vụ đã đến hạn "
        "(đã hoàn thành hoặc đã quá hạn)",
    ),
}
# plain strings for the per-task loop (an enum member's .value is a descriptor call, 190,000 times a report)
_CANCELLED, _APPROVED = TaskStatus.CANCELLED.value, TaskStatus.APPROVED.value
_WAITING_KINDS = (DeadlineKind.UPSTREAM.value, DeadlineKind.EVENT.value)
_RECURRING = DeadlineKind.RECURRING.value


class KpiMeasurement(Base):
    """A measured value of a plan-level indicator (who measured it, when)."""

    __tablename__ = "kpi_measurements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicators.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    measured_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(500), default="")


class StoredReport(Timestamped, Base):
    """A compiled report: its figures and the files written (recompiling replaces it)."""

    __tablename__ = "reports"
    __table_args__ = (Index("uq_reports_organization_period", "organization_id", "period", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    figures: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    files: Mapped[list[str]] = mapped_column(JsonDoc, default=list)


@dataclass
class ReportFigures:
    """Everything a report says, as plain data (the JSON stored and the input of every renderer)."""

    organization: str
    organization_code: str
    place: str | None
    parent: str | None
    period: str
    period_label: str
    as_of: str
    plans: list[dict[str, Any]]
    totals: dict[str, int]
    ratios: dict[str, float | None]
    by_section: list[dict[str, Any]] = field(default_factory=list)
    by_agency: list[dict[str, Any]] = field(default_factory=list)
    by_leader: list[dict[str, Any]] = field(default_factory=list)
    by_organization: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    recurring: list[dict[str, Any]] = field(default_factory=list)
    accountability: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)  # dicts as stored; a roll-up's rows only while it is compiled
    previous: dict[str, Any] | None = None
    change: dict[str, int] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)  # totals of earlier periods, oldest first
    written: dict[str, Any] = field(default_factory=dict)  # assessment, next period's tasks, proposals
    rollup: bool = False  # a city or the nation: subordinate units as rows, the most overdue tasks, no task list
    overdue_total: int = 0  # every overdue or late task, of which `overdue` lists the `top` most days late in a roll-up
    recurring_summary: dict[str, int] = field(default_factory=dict)  # recurring tasks and how many reported

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON."""
        return dict(self.__dict__)

    def headline(self) -> dict[str, Any]:
        """The figures a CLI prints and a message carries."""
        return {
            "period": self.period,
            "organization": self.organization_code,
            "tasks": sum(self.totals.values()),
            **self.totals,
            **self.ratios,
        }


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=VIETNAM)


def organizations_under(session: Session, code: str) -> tuple[Organization, list[Organization]]:
    """The organization and every organization below it (a city rolls up its wards)."""
    root = session.scalars(select(Organization).where(Organization.code == code)).one_or_none()
    if root is None:
        known = ", ".join(session.scalars(select(Organization.code).order_by(Organization.code)))
        raise ReportError(f"Không có tổ chức đảng mã '{code}'. Có: {known or 'chưa có'}.")
    found, frontier = [root], [root.id]
    while frontier:
        children = list(session.scalars(select(Organization).where(Organization.parent_id.in_(frontier))))
        found.extend(children)
        frontier = [c.id for c in children]
    return root, found


def compile_figures(
    session: Session,
    *,
    organization_code: str,
    period: Period,
    today: date,
    history: int = 0,
    top: int = TOP_OVERDUE,
) -> ReportFigures:
    """The figures of an organization (and those under it) for a period, as at the period's end, with the
    change since the previous period and the totals of `history` earlier periods (for the trend chart),
    all from the same loaded rows, each period counted once."""
    root, organizations = organizations_under(session, organization_code)
    snapshot = _Snapshot(session, root, organizations)
    figures = snapshot.figures(session, period, today, top=top)
    counted = {period.key: figures.totals}

    def totals_of(earlier: Period) -> dict[str, int]:
        if earlier.key not in counted:
            counted[earlier.key] = snapshot.totals(earlier, today)
        return counted[earlier.key]

    plans_begin = date(min(p.year for p in snapshot.plans), 1, 1) if snapshot.plans else period.start
    earlier = period.previous()
    if earlier.end >= plans_begin:  # a period before the plans began has nothing to compare with
        previous = totals_of(earlier)
        figures.previous = {
            "period": earlier.key,
            "period_label": earlier.label,
            "totals": previous,
            "ratios": _ratios(previous),
        }
        figures.change = {key: figures.totals[key] - previous[key] for key, _ in CATEGORIES}
    trend = [period]
    while len(trend) <= history and trend[0].previous().end >= plans_begin:  # the plans' own periods only
        trend.insert(0, trend[0].previous())
    figures.history = [{"period": p.key, "totals": totals_of(p)} for p in trend]
    upcoming = period.following()
    figures.written = written_sections(figures.to_dict(), upcoming.start, upcoming.end, upcoming.label)
    if figures.rollup:  # no reader of a roll-up wants every task: the full list is its own export (task_rows)
        figures.tasks = []
    return figures


def task_rows(session: Session, *, organization_code: str, period: Period, today: date) -> Iterator[_Row]:
    """Every task of an organization and those under it as it stood at the period's end, one at a time (the
    full task list a roll-up leaves out, for the streamed Excel export)."""
    root, organizations = organizations_under(session, organization_code)
    snapshot = _Snapshot(session, root, organizations)
    as_of = min(period.end, today)
    moment = _end_of(as_of)
    plans = {p.id: p for p in snapshot.plans}
    for task in snapshot.tasks:
        yield snapshot._row(task, plans[task.plan_id], moment, as_of, period)


class _TaskRow(NamedTuple):
    """The columns of a task a report reads (a compact tuple: a national report holds 190,000 of them)."""

    id: int
    plan_id: int
    section_id: int | None
    number: str
    description: str
    lead_agency_id: int | None
    deadline_text: str
    deadline_kind: str
    due_date: date | None
    status: str
    status_changed_at: datetime | None
    completed_at: datetime | None
    assigned_at: datetime | None


def _load_tasks(connection: Connection, statement: Select[Any]) -> list[_TaskRow]:
    """Tasks read in batches (a server-side cursor on PostgreSQL), the few distinct values of the short
    columns (number, deadline text and kind, status, due date) shared instead of one copy per row."""
    shared: dict[Any, Any] = {}
    same = shared.setdefault
    tasks: list[_TaskRow] = []
    add = tasks.append
    result = connection.execution_options(yield_per=10_000).execute(statement).tuples()
    for task_id, plan_id, section_id, number, description, agency_id, text, kind, due, status, *moments in result:
        # unpacked, not read by name: a Row's attribute lookup costs more than the rest of the loop together
        add(
            _TaskRow(
                task_id,
                plan_id,
                section_id,
                same(number, number),
                description,
                agency_id,
                same(text, text),
                same(kind, kind),
                same(due, due),
                same(status, status),
                *moments,
            )
        )
    return tasks


class _Snapshot:
    """Everything a report reads, loaded once as plain rows (no ORM objects: national scale)."""

    def __init__(self, session: Session, root: Organization, organizations: list[Organization]) -> None:
        self.root = root
        connection = session.connection()  # Core rows: the ORM's result machinery costs more than the query here
        self.organization_names = {o.id: o.name for o in organizations}
        self.unit_of = _subordinate_units(root, organizations)
        organization_ids = list(self.organization_names)
        self.plans = connection.execute(
            select(Plan.id, Plan.code, Plan.title, Plan.organization_id, Plan.document_number, Plan.year)
            .where(Plan.organization_id.in_(organization_ids))
            .order_by(Plan.code)
        ).all()
        if not self.plans:
            raise ReportError(f"{root.name} chưa có kế hoạch nào để báo cáo.")
        plan_ids = select(Plan.id).where(Plan.organization_id.in_(organization_ids))
        task_ids = select(PlanTask.id).where(PlanTask.plan_id.in_(plan_ids))
        self.tasks = _load_tasks(
            connection,
            select(
                PlanTask.id,
                PlanTask.plan_id,
                PlanTask.section_id,
                PlanTask.number,
                PlanTask.description,
                PlanTask.lead_agency_id,
                PlanTask.deadline_text,
                PlanTask.deadline_kind,
                PlanTask.due_date,
                PlanTask.status,
                PlanTask.status_changed_at,
                PlanTask.completed_at,
                PlanTask.assigned_at,
            )
            .where(PlanTask.plan_id.in_(plan_ids))
            .order_by(PlanTask.plan_id, PlanTask.position),
        )
        self.sections = {
            r.id: (r.number, r.title)
            for r in connection.execute(
                select(PlanSection.id, PlanSection.number, PlanSection.title).where(PlanSection.plan_id.in_(plan_ids))
            )
        }
        self.agencies = dict(
            connection.execute(select(Agency.id, Agency.name).where(Agency.organization_id.in_(organization_ids)))
            .tuples()
            .all()
        )
        self.leaders: dict[int, list[str]] = defaultdict(list)
        titles: dict[str, str] = {}  # a few titles, shared by thousands of tasks
        for task_id, title in connection.execute(
            select(PlanTaskLeader.task_id, PlanTaskLeader.title)
            .where(PlanTaskLeader.task_id.in_(task_ids))
            .order_by(PlanTaskLeader.task_id, PlanTaskLeader.position)
        ).all():
            self.leaders[task_id].append(titles.setdefault(title, title))
        self.history = _History(session, task_ids)
        self.plan_ids = plan_ids
        self._labels: dict[tuple[str, int | None], tuple[str, str]] = {}

    def totals(self, period: Period, today: date) -> dict[str, int]:
        """Only the counts by category of a period (the previous period of a report needs no more)."""
        as_of = min(period.end, today)
        moment = _end_of(as_of)
        counts = Counter(
            _category(task, self.history.due_at(task, moment), self.history, moment, as_of) for task in self.tasks
        )
        return {key: counts.get(key, 0) for key, _ in CATEGORIES}

    def figures(self, session: Session, period: Period, today: date, *, top: int = TOP_OVERDUE) -> ReportFigures:
        """The figures of one period from the loaded rows (a roll-up summarises: see `ReportFigures.rollup`)."""
        as_of = min(period.end, today)
        moment = _end_of(as_of)
        plans = {p.id: p for p in self.plans}
        rows = [self._row(task, plans[task.plan_id], moment, as_of, period) for task in self.tasks]
        counts = Counter(task.plan_id for task in self.tasks)
        root = self.root
        rollup = len(self.organization_names) > 1
        late = [
            r for r in rows if r.category == "overdue" or (r.category == "completed_late" and r.completed_in_period)
        ]
        overdue_total = len(late)
        if rollup:  # the most days late first
            late = sorted(late, key=lambda r: (r["category"] != "overdue", r["due_date"] or "9999"))[:top]
        recurring = [r for r in rows if r.recurring and r.category != "not_assigned"]
        accountability = _accountability(session, rows, self.history, period, moment)
        return ReportFigures(
            organization=root.name,
            organization_code=root.code,
            place=root.place_name,
            parent=root.parent.name if root.parent else None,
            period=period.key,
            period_label=period.label,
            as_of=as_of.isoformat(),
            plans=[
                {"code": p.code, "title": p.title, "tasks": counts[p.id], "document_number": p.document_number}
                for p in self.plans
            ],
            totals=_count(rows),
            ratios=_ratios(_count(rows)),
            by_section=_grouped(rows, "section" if rollup else "section_key", "section"),
            by_agency=_grouped(rows, "lead_agency", "lead_agency"),
            by_leader=_by_leader(rows),
            by_organization=_ranked(_grouped(rows, "unit", "unit")) if rollup else [],
            indicators=_indicators_summed(_indicators(session, self.plan_ids, moment))
            if rollup
            else _indicators(session, self.plan_ids, moment),
            overdue=[_overdue_row(r, self.history, moment) for r in late],
            overdue_total=overdue_total,
            recurring=[]
            if rollup
            else [{k: r[k] for k in ("plan", "number", "description", "lead_agency", "reported")} for r in recurring],
            recurring_summary={"tasks": len(recurring), "reported": sum(r["reported"] for r in recurring)},
            accountability=_most_to_answer_for(accountability, top) if rollup else accountability,
            tasks=rows if rollup else [row.as_dict() for row in rows],  # a roll-up's are dropped once written
            rollup=rollup,
        )

    def _section_labels(self, plan_code: str, section_id: int | None) -> tuple[str, str]:
        """(grouping key, label) of a task's section, made once per section."""
        cached = self._labels.get((plan_code, section_id))
        if cached is None:
            section = self.sections.get(section_id) if section_id else None
            cached = (
                (f"{plan_code}:{section[0]}", f"{section[0]}. {section[1]}")
                if section
                else (f"{plan_code}:-", "(không mục)")
            )
            self._labels[(plan_code, section_id)] = cached
        return cached

    def _row(self, task: Any, plan: Any, moment: datetime, as_of: date, period: Period) -> _Row:
        history = self.history
        due = history.due_at(task, moment)
        category = _category(task, due, history, moment, as_of)
        submissions = history.submissions.get(task.id)
        latest = next((s for s in reversed(submissions) if s.submitted_at <= moment), None) if submissions else None
        progress = history.reports.get(task.id)
        reported = any(_in(r.reported_at, period) for r in progress) if progress else False
        completed = task.completed_at if task.completed_at and task.completed_at <= moment else None
        completed_day = completed.astimezone(VIETNAM).date() if completed else None
        section_key, section_label = self._section_labels(plan.code, task.section_id)
        return _Row(
            task_id=task.id,
            plan=plan.code,
            organization=self.organization_names.get(plan.organization_id, ""),
            unit=self.unit_of.get(plan.organization_id, ""),
            number=task.number,
            section_key=section_key,
            section=section_label,
            description=task.description,
            lead_agency=self.agencies.get(task.lead_agency_id, "(chưa có)"),
            lead_agency_id=task.lead_agency_id,
            leaders=self.leaders.get(task.id, []),
            deadline_text=task.deadline_text,
            due_date=due.isoformat() if due else None,
            category=category,
            category_vi=CATEGORY_LABELS[category],
            completed_at=completed_day.isoformat() if completed_day else None,
            completed_in_period=bool(completed_day and period.start <= completed_day <= period.end),
            result=latest.result_text if latest else "",
            recurring=task.deadline_kind == _RECURRING,
            reported=reported,
        )


class _Row:
    """One task as a report reads it, as it stood at the period's end. Slotted, not a dict: a national report
    holds 191,400 of them at once. Read like a dict (`row["category"]`); `as_dict` for the stored JSON."""

    __slots__ = (
        "category",
        "category_vi",
        "completed_at",
        "completed_in_period",
        "deadline_text",
        "description",
        "due_date",
        "lead_agency",
        "lead_agency_id",
        "leaders",
        "number",
        "organization",
        "plan",
        "recurring",
        "reported",
        "result",
        "section",
        "section_key",
        "task_id",
        "unit",
    )

    def __init__(
        self,
        *,
        category: Any,
        category_vi: Any,
        completed_at: Any,
        completed_in_period: Any,
        deadline_text: Any,
        description: Any,
        due_date: Any,
        lead_agency: Any,
        lead_agency_id: Any,
        leaders: Any,
        number: Any,
        organization: Any,
        plan: Any,
        recurring: Any,
        reported: Any,
        result: Any,
        section: Any,
        section_key: Any,
        task_id: Any,
        unit: Any,
    ) -> None:
        self.category = category
        self.category_vi = category_vi
        self.completed_at = completed_at
        self.completed_in_period = completed_in_period
        self.deadline_text = deadline_text
        self.description = description
        self.due_date = due_date
        self.lead_agency = lead_agency
        self.lead_agency_id = lead_agency_id
        self.leaders = leaders
        self.number = number
        self.organization = organization
        self.plan = plan
        self.recurring = recurring
        self.reported = reported
        self.result = result
        self.section = section
        self.section_key = section_key
        self.task_id = task_id
        self.unit = unit

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        """The row as the stored report keeps it."""
        return {name: getattr(self, name) for name in self.__slots__}


class _History:
    """The records the classification reads, loaded once for all tasks as plain rows."""

    def __init__(self, session: Session, task_ids: Any) -> None:
        connection = session.connection()

        def grouped(*columns: Any, order: Any) -> dict[int, list[Any]]:
            found: dict[int, list[Any]] = defaultdict(list)
            table = columns[0].class_
            for row in connection.execute(select(*columns).where(table.task_id.in_(task_ids)).order_by(order)).all():
                found[row.task_id].append(row)
            return found

        self.changes = grouped(
            DeadlineChange.task_id,
            DeadlineChange.changed_at,
            DeadlineChange.old_due_date,
            DeadlineChange.new_due_date,
            order=DeadlineChange.id,
        )
        self.submissions = grouped(
            Submission.task_id,
            Submission.submitted_at,
            Submission.result_text,
            Submission.decision,
            Submission.reviewed_at,
            order=Submission.id,
        )
        self.explanations = grouped(
            Explanation.task_id,
            Explanation.requested_at,
            Explanation.submitted_at,
            Explanation.decided_at,
            Explanation.text,
            Explanation.decision,
            order=Explanation.id,
        )
        self.reports = grouped(ProgressReport.task_id, ProgressReport.reported_at, order=ProgressReport.id)

    def due_at(self, task: Any, moment: datetime) -> date | None:
        """The due date in force at a moment: the last change made by then, else the original one."""
        changes = self.changes.get(task.id)
        if not changes:  # most tasks: the original date
            return task.due_date  # type: ignore[no-any-return]
        made = [c for c in changes if c.changed_at <= moment]
        if made:
            return made[-1].new_due_date  # type: ignore[no-any-return]
        return changes[0].old_due_date  # type: ignore[no-any-return]


def _in(moment: datetime, period: Period) -> bool:
    day = moment.astimezone(VIETNAM).date()
    return period.start <= day <= period.end


def _category(task: Any, due: date | None, history: _History, moment: datetime, as_of: date) -> str:
    if task.assigned_at is None or task.assigned_at > moment:
        return "not_assigned"
    if task.status == _CANCELLED and task.status_changed_at and task.status_changed_at <= moment:
        return "cancelled"
    if task.status == _APPROVED and task.completed_at and task.completed_at <= moment:
        due_then = history.due_at(task, task.completed_at)
        completed = task.completed_at.astimezone(VIETNAM).date()
        return "completed_late" if due_then and completed > due_then else "completed_on_time"
    if due is None:
        waiting = task.deadline_kind in _WAITING_KINDS
        return "waiting_upstream" if waiting else "in_progress"
    if due < as_of:
        return "overdue"
    if working_days_between(as_of, due) <= DUE_SOON_WORKING_DAYS:
        return "due_soon"
    return "in_progress"


def _count(rows: list[_Row]) -> dict[str, int]:
    counts = Counter(r.category for r in rows)
    return {key: counts.get(key, 0) for key, _ in CATEGORIES}


def _ratios(totals: dict[str, int]) -> dict[str, float | None]:
    """On time: share of completed tasks done by their deadline. Overdue: late or overdue, of those due by now."""
    completed = totals["completed_on_time"] + totals["completed_late"]
    due_by_now = completed + totals["overdue"]
    return {
        "on_time_ratio": round(totals["completed_on_time"] / completed, 4) if completed else None,
        "overdue_ratio": round((totals["overdue"] + totals["completed_late"]) / due_by_now, 4) if due_by_now else None,
    }


def _grouped(rows: list[_Row], key: str, label: str) -> list[dict[str, Any]]:
    """Counts by category per group, in the order groups first appear (one pass, no copies of the rows)."""
    group_of, name_of = attrgetter(key), attrgetter(label)
    return _tally((group_of(row), name_of(row), row.category) for row in rows)


def _by_leader(rows: list[_Row]) -> list[dict[str, Any]]:
    """A task with two leaders in charge counts for each of them."""
    return _tally((leader, leader, row.category) for row in rows for leader in row.leaders or ["(không ghi)"])


def _tally(items: Any) -> list[dict[str, Any]]:
    names: dict[Any, str] = {}
    counts: dict[Any, Counter[str]] = defaultdict(Counter)
    for group, name, category in items:
        names.setdefault(group, name)
        counts[group][category] += 1
    result = []
    for group, name in names.items():
        totals = {key: counts[group].get(key, 0) for key, _ in CATEGORIES}
        result.append({"name": name, "tasks": sum(totals.values()), **totals, **_ratios(totals)})
    return result


def _indicators(session: Session, plan_ids: Any, moment: datetime) -> list[dict[str, Any]]:
    indicators = session.execute(
        select(
            KpiIndicator.id,
            KpiIndicator.position,
            KpiIndicator.text,
            KpiIndicator.comparator,
            KpiIndicator.target_value,
            KpiIndicator.unit,
            KpiIndicator.measure,
            Plan.code,
        )
        .join(Plan, KpiIndicator.plan_id == Plan.id)
        .where(KpiIndicator.plan_id.in_(plan_ids))
        .order_by(Plan.code, KpiIndicator.position)
    ).all()
    latest: dict[int, float] = {}
    for indicator_id, value, measured_at in session.execute(
        select(KpiMeasurement.indicator_id, KpiMeasurement.value, KpiMeasurement.measured_at)
        .where(KpiMeasurement.indicator_id.in_(select(KpiIndicator.id).where(KpiIndicator.plan_id.in_(plan_ids))))
        .order_by(KpiMeasurement.measured_at, KpiMeasurement.id)
    ):
        if _aware(measured_at) <= moment:
            latest[indicator_id] = value
    rows = []
    for indicator in indicators:
        value = latest.get(indicator.id)
        met = (
            None
            if value is None
            else (value >= indicator.target_value if indicator.comparator == ">=" else value <= indicator.target_value)
        )
        rows.append(
            {
                "plan": indicator.code,
                "position": indicator.position,
                "text": indicator.text,
                "comparator": indicator.comparator,
                "target": indicator.target_value,
                "unit": indicator.unit,
                "measure": indicator.measure,
                "value": value,
                "met": met,
            }
        )
    return rows


def _indicators_summed(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In a roll-up, one row per indicator the units share (same text and target): in how many units it was
    measured and met, instead of one row per unit's plan."""
    summed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for indicator in indicators:
        key = (indicator["text"], indicator["comparator"], indicator["target"], indicator["unit"])
        row = summed.setdefault(
            key,
            {**indicator, "value": None, "met": None, "units": 0, "units_measured": 0, "units_met": 0},
        )
        row["units"] += 1
        row["units_measured"] += indicator["value"] is not None
        row["units_met"] += bool(indicator["met"])
    return list(summed.values())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _overdue_row(row: _Row, history: _History, moment: datetime) -> dict[str, Any]:
    """An overdue or late task with its explanation as it stood at the period's end."""
    requested = [e for e in history.explanations.get(row["task_id"], []) if e.requested_at <= moment]
    explanation = requested[-1] if requested else None
    submitted = explanation is not None and explanation.submitted_at is not None and explanation.submitted_at <= moment
    decided = explanation is not None and explanation.decided_at is not None and explanation.decided_at <= moment
    return {
        "plan": row["plan"],
        "organization": row["organization"],
        "number": row["number"],
        "description": row["description"],
        "lead_agency": row["lead_agency"],
        "due_date": row["due_date"],
        "category_vi": row["category_vi"],
        "explanation": explanation.text if explanation and submitted else None,
        "decision": explanation.decision if explanation and decided else None,
    }


def _accountability(
    session: Session, rows: list[_Row], history: _History, period: Period, moment: datetime
) -> list[dict[str, Any]]:
    agencies: dict[int, dict[str, Any]] = {}
    by_task = {row.task_id: row for row in rows}
    heads = {p.agency_id: p.full_name for p in session.scalars(select(Person).where(Person.is_agency_head.is_(True)))}
    for row in rows:
        agency_id, category = row.lead_agency_id, row.category
        if agency_id is None or category == "not_assigned":
            continue
        entry = agencies.setdefault(
            agency_id,
            {
                "agency": row.lead_agency,
                "organization": row.organization,
                "head": heads.get(agency_id),
                "tasks": 0,
                "overdue": 0,
                "completed_late": 0,
                "returned": 0,
                "missing_progress": 0,
                "explanations_rejected": 0,
            },
        )
        entry["tasks"] += 1
        entry["overdue"] += category == "overdue"
        entry["completed_late"] += category == "completed_late" and row.completed_in_period
        entry["missing_progress"] += row.recurring and not row.reported and category != "cancelled"
    for task_id, submissions in history.submissions.items():
        for submission in submissions:
            if submission.decision == "returned" and submission.reviewed_at and _in(submission.reviewed_at, period):
                _bump(agencies, by_task.get(task_id), "returned")
    for task_id, explanations in history.explanations.items():
        for explanation in explanations:
            if explanation.decision == "rejected" and explanation.decided_at and _in(explanation.decided_at, period):
                _bump(agencies, by_task.get(task_id), "explanations_rejected")
    for entry in agencies.values():
        entry["eligible_for_commendation"] = not (
            entry["completed_late"] or entry["missing_progress"] or entry["explanations_rejected"] or entry["overdue"]
        )
    return sorted(agencies.values(), key=lambda e: e["agency"])


def _subordinate_units(root: Organization, organizations: list[Organization]) -> dict[int, str]:
    """Each organization's unit in a roll-up: the one directly under the root it belongs to (the root's own
    plans count under the root's name)."""
    parents = {o.id: o.parent_id for o in organizations}
    names = {o.id: o.name for o in organizations}
    units: dict[int, str] = {root.id: root.name}
    for organization in organizations:
        current = organization.id
        while current != root.id and parents.get(current) not in (root.id, None):
            current = parents[current]  # type: ignore[assignment]
        units[organization.id] = names[current]
    return units


def _ranked(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Subordinate units ranked: the lowest overdue ratio first, then the highest on-time ratio, then by name."""
    ordered = sorted(
        groups,
        key=lambda g: (
            g["overdue_ratio"] if g["overdue_ratio"] is not None else 0.0,
            -(g["on_time_ratio"] if g["on_time_ratio"] is not None else 0.0),
            g["name"],
        ),
    )
    return [{**group, "rank": rank} for rank, group in enumerate(ordered, start=1)]


def _most_to_answer_for(entries: list[dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """In a roll-up, the agencies with the most to answer for (named with their organization), at most `top`."""
    weighed = [
        (e["overdue"] + e["completed_late"] + e["returned"] + e["missing_progress"] + e["explanations_rejected"], e)
        for e in entries
    ]
    chosen = sorted((pair for pair in weighed if pair[0]), key=lambda pair: (-pair[0], pair[1]["agency"]))[:top]
    return [{**entry, "agency": f"{entry['agency']} ({entry['organization']})"} for _weight, entry in chosen]


def _bump(agencies: dict[int, dict[str, Any]], row: _Row | None, key: str) -> None:
    if row is not None and row["lead_agency_id"] in agencies:
        agencies[row["lead_agency_id"]][key] += 1
