"""Report figures from the data alone: each task's state as it stood at the end of a period.

Completion and cancellation times come from the task, the due date in force at the
period's end from the deadline history, so compiling the same period again gives
the same numbers whatever happened since. Rendering is elsewhere (documents/).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import CTE, Connection, ForeignKey, Index, Select, String, Table, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, JsonDoc, Timestamped
from models.calendar.period import Period
from models.errors import ReportError
from models.org.tables import Organization
from models.plan.tables import Plan
from models.reporting import sums
from models.reporting.indicators import indicators_of, indicators_summed
from models.reporting.sections import MAX_LISTED, TASKS_PER_UNIT, WrittenFrom, written_sections
from models.reporting.standing import (
    CATEGORIES,
    CATEGORY_LABELS,
    CATEGORY_MEANINGS,
    Standing,
    category_counts,
    category_totals,
    standing_rows,
)
from models.reporting.sums import ratios

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "CATEGORY_MEANINGS", "RATIO_DEFINITIONS", "compile_figures", "task_rows"]

TOP_OVERDUE = 20  # how many of the most overdue tasks a roll-up names (`report compile --top`)
FEW_PLANS = 100  # up to this many, a report names its plans by id (see _plan_ids)

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


def organizations_under(session: Session, code: str) -> tuple[Organization, list[Organization]]:
    """The organization and every organization below it (a city rolls up its wards)."""
    root = session.scalars(select(Organization).where(Organization.code == code)).one_or_none()
    if root is None:
        known = ", ".join(session.scalars(select(Organization.code).order_by(Organization.code)))
        raise ReportError(f"Không có tổ chức đảng mã '{code}'. Có: {known or 'chưa có'}.")
    below = session.scalars(
        select(Organization)
        .where(Organization.id.in_(select(_tree_below(root.id).c.id)), Organization.id != root.id)
        .order_by(Organization.id)
    )
    return root, [root, *below]


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
    change since the previous period and the totals of `history` earlier periods (for the trend chart).
    Each task's standing is decided by the database (reporting.standing) and summed there: a ward's report
    lists its tasks, a roll-up's names only its units and its most overdue tasks."""
    root, organizations = organizations_under(session, organization_code)
    scope = _Scope(session, root, organizations)
    at = Standing.of(period, today)
    connection = session.connection()
    with standing_rows(connection, scope.plan_ids, scope.plans_given, at) as table:
        figures = _figures(connection, scope, table, at, top)
    counted = {period.key: figures.totals}

    def totals_of(earlier: Period) -> dict[str, int]:
        if earlier.key not in counted:
            counted[earlier.key] = category_counts(
                connection, scope.plan_ids, scope.plans_given, Standing.of(earlier, today)
            )
        return counted[earlier.key]

    plans_begin = date(min(p.year for p in scope.plans), 1, 1)
    earlier = period.previous()
    if earlier.end >= plans_begin:  # a period before the plans began has nothing to compare with
        previous = totals_of(earlier)
        figures.previous = {
            "period": earlier.key,
            "period_label": earlier.label,
            "totals": previous,
            "ratios": ratios(previous),
        }
        figures.change = {key: figures.totals[key] - previous[key] for key, _ in CATEGORIES}
    trend = [*earlier_periods(period, history, plans_begin.year), period]
    figures.history = [{"period": p.key, "totals": totals_of(p)} for p in trend]
    return figures


def earlier_periods(period: Period, history: int, first_year: int) -> list[Period]:
    """The periods a report's trend shows before `period`, oldest first: up to `history` of them, the plans' own
    periods only (none ending before their first year). One rule for the report and for its benchmark floor."""
    begin = date(first_year, 1, 1)
    earlier: list[Period] = []
    current = period
    while len(earlier) < history and current.previous().end >= begin:
        current = current.previous()
        earlier.insert(0, current)
    return earlier


def task_rows(session: Session, *, organization_code: str, period: Period, today: date) -> Iterator[dict[str, Any]]:
    """Every task of an organization and those under it as it stood at the period's end, streamed (the full
    task list a roll-up leaves out, for the Excel export). An unknown organization, or one without a plan, is
    refused here, before anything is written."""
    root, organizations = organizations_under(session, organization_code)
    return _streamed(session, _Scope(session, root, organizations), Standing.of(period, today))


def _streamed(session: Session, scope: _Scope, at: Standing) -> Iterator[dict[str, Any]]:
    connection = session.connection()
    with standing_rows(connection, scope.plan_ids, scope.plans_given, at) as table:
        yield from sums.task_rows(connection, table, scope, at)


class _Scope:
    """What a report covers: the organization, those under it, their plans, and each one's subordinate unit."""

    def __init__(self, session: Session, root: Organization, organizations: list[Organization]) -> None:
        self.root = root
        self.organization_names = {o.id: o.name for o in organizations}
        self.unit_of = _subordinate_units(root, organizations)
        self.rollup = len(organizations) > 1
        self.plans = session.connection().execute(PLANS_OF_TREE, {"root_id": root.id}).all()
        if not self.plans:
            raise ReportError(f"{root.name} chưa có kế hoạch nào để báo cáo.")
        self.plan_ids, self.plans_given = _plan_ids([p.id for p in self.plans], root.id)


def _tree_below(root_id: Any) -> CTE:
    """The organization and every one below it, as a recursive query."""
    tree = select(Organization.id).where(Organization.id == root_id).cte("tree_below", recursive=True)
    return tree.union_all(select(Organization.id).join(tree, Organization.parent_id == tree.c.id))


PLANS_BY_ID = select(Plan.id).where(Plan.id.in_(bindparam("plan_ids", expanding=True)))
PLANS_BELOW = select(Plan.id).where(Plan.organization_id.in_(select(_tree_below(bindparam("root_id")).c.id)))
# what a report says of each plan below the root: built once, the root a bound parameter
PLANS_OF_TREE = (
    select(Plan.id, Plan.code, Plan.title, Plan.document_number, Plan.year)
    .where(Plan.organization_id.in_(select(_tree_below(bindparam("root_id")).c.id)))
    .order_by(Plan.code)
)


def _plan_ids(known: list[int], root_id: int) -> tuple[Select[Any], dict[str, Any]]:
    """The scope's plans as SQL, one of two statements built once, with its parameters: by their ids when there
    are few (the planner then knows a ward's report reads one plan's tasks, where from the recursive query it
    guesses hundreds of organizations' and scans every task), else by the organizations below the root
    (thousands of ids as parameters cost more than the guess)."""
    if len(known) <= FEW_PLANS:
        return PLANS_BY_ID, {"plan_ids": known}
    return PLANS_BELOW, {"root_id": root_id}


def _figures(connection: Connection, scope: _Scope, table: Table, at: Standing, top: int) -> ReportFigures:
    """The figures of one period from its tasks' standing (a roll-up summarises: see `ReportFigures.rollup`)."""
    rollup, root, period = scope.rollup, scope.root, at.period
    counts = sums.tasks_per_plan(connection, table)
    totals = category_totals(connection, table)
    rows = sums.TaskRows(connection, table, scope, at)
    tasks = [] if rollup else rows.every()  # a ward's every task first: its lists pick from them
    late = sums.listed(
        rows,
        sums.late(table),
        order=sums.most_days_late(table) if rollup else None,
        limit=top if rollup else None,
    )
    overdue = sums.explanations_by_then(connection, late.rows, at)
    accountability = sums.accountability(connection, table, scope, at)
    indicators = (indicators_summed if rollup else indicators_of)(
        connection, scope.plan_ids, scope.plans_given, at.moment
    )
    figures = ReportFigures(
        organization=root.name,
        organization_code=root.code,
        place=root.place_name,
        parent=root.parent.name if root.parent else None,
        period=period.key,
        period_label=period.label,
        as_of=at.as_of.isoformat(),
        plans=[
            {"code": p.code, "title": p.title, "tasks": counts.get(p.id, 0), "document_number": p.document_number}
            for p in scope.plans
        ],
        totals=totals,
        ratios=ratios(totals),
        by_section=sums.by_section(connection, table, across_plans=rollup),
        by_agency=sums.by_agency(connection, table),
        by_leader=sums.by_leader(connection, table),
        by_organization=_ranked(sums.by_unit(connection, table, scope.unit_of)) if rollup else [],
        indicators=indicators,
        overdue=overdue,
        overdue_total=late.total,
        recurring=[]
        if rollup
        else [
            {k: r[k] for k in ("plan", "number", "description", "lead_agency", "reported")}
            for r in rows.matching(sums.recurring(table))
        ],
        recurring_summary=sums.recurring_summary(connection, table),
        accountability=_most_to_answer_for(accountability, top) if rollup else accountability,
        tasks=tasks,
        rollup=rollup,
    )
    figures.written = written_sections(figures.to_dict(), _written_from(rows))
    return figures


def _written_from(rows: sums.TaskRows) -> WrittenFrom:
    """The tasks the written sections name: overdue ones, the next period's by unit, those waiting upstream."""
    table = rows.table
    upcoming = rows.at.period.following()
    first = MAX_LISTED + 1  # enough to know the list is longer than it shows
    overdue = (table.c.category == "overdue") & table.c.due.is_not(None)
    return WrittenFrom(
        overdue=sums.listed(rows, overdue, order=[table.c.due, table.c.seq], limit=first),
        next_period=sums.by_agency_listed(
            rows,
            sums.open_and_due(table, upcoming.start, upcoming.end),
            agencies=MAX_LISTED,
            each=TASKS_PER_UNIT,
        ),
        waiting=sums.listed(rows, table.c.category == "waiting_upstream", limit=first),
        next_label=upcoming.label,
    )


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
