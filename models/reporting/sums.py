"""The sums a report makes over its tasks' standing (see reporting.standing): counts by category per group, the
agencies' accountability, and the few tasks a report names. Every query runs in the database, so a national
report reads tens of rows where it would otherwise load 191,400 tasks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, case, func, literal, not_, or_, select
from sqlalchemy.sql.expression import ColumnElement

from models.lifecycle.recipients import heads_of_agencies
from models.lifecycle.tables import Explanation, ExplanationDecision, Submission, SubmissionDecision
from models.org.tables import Agency, Person
from models.plan.tables import Plan, PlanSection, PlanTask, PlanTaskLeader
from models.reporting.standing import CATEGORY_LABELS, Standing, every_category

NO_AGENCY, NO_LEADER, NO_SECTION = "(chưa có)", "(không ghi)", "(không mục)"
_CLOSED = ("completed_on_time", "completed_late", "cancelled")
_ROWS_AT_ONCE = 5_000  # tasks whose leaders and results are read together when rows are streamed


@dataclass
class Listed:
    """The first tasks of a list, in order, and how many there are in all (a report names a few, counts all)."""

    rows: list[dict[str, Any]]
    total: int


def ratios(totals: dict[str, int]) -> dict[str, float | None]:
    """On time: share of completed tasks done by their deadline. Overdue: late or overdue, of those due by now."""
    completed = totals["completed_on_time"] + totals["completed_late"]
    due_by_now = completed + totals["overdue"]
    return {
        "on_time_ratio": round(totals["completed_on_time"] / completed, 4) if completed else None,
        "overdue_ratio": round((totals["overdue"] + totals["completed_late"]) / due_by_now, 4) if due_by_now else None,
    }


def tasks_per_plan(connection: Connection, table: Table) -> dict[int, int]:
    """How many tasks each plan has."""
    return dict(connection.execute(_per_plan(table)).tuples().all())


@lru_cache(maxsize=4)  # the statements below: built once for the standing table, not for each report
def _per_plan(table: Table) -> Select[Any]:
    return select(table.c.plan_id, func.count()).group_by(table.c.plan_id)


def groups(rows: Iterable[tuple[Any, str, str, int, int]]) -> list[dict[str, Any]]:
    """(group, name, category, count, first) rows into one entry per group with its counts by category and
    ratios, in the order of each group's first task."""
    names: dict[Any, str] = {}
    counts: dict[Any, Counter[str]] = defaultdict(Counter)
    first: dict[Any, int] = {}
    for group, name, category, count, earliest in rows:
        names.setdefault(group, name)
        counts[group][category] += count
        first[group] = min(first.get(group, earliest), earliest)
    result = []
    for group in sorted(names, key=first.__getitem__):
        counted = every_category(counts[group])
        result.append({"name": names[group], "tasks": sum(counted.values()), **counted, **ratios(counted)})
    return result


def _counted(table: Table, *keys: Any, first: Any = None) -> Select[Any]:
    return select(*keys, table.c.category, func.count(), func.min(table.c.seq if first is None else first)).group_by(
        *keys, table.c.category
    )


def by_section(connection: Connection, table: Table, *, across_plans: bool) -> list[dict[str, Any]]:
    """Counts per section of the plan (`across_plans`: the sections of the units' plans with the same number and
    title counted together, as a roll-up reads them)."""
    return groups(
        (
            (code, number, title),
            f"{number}. {title}" if number is not None else NO_SECTION,
            category,
            count,
            earliest,
        )
        for code, number, title, category, count, earliest in connection.execute(_by_section(table, across_plans))
    )


@lru_cache(maxsize=4)
def _by_section(table: Table, across_plans: bool) -> Select[Any]:
    plan_code = literal("") if across_plans else Plan.code
    return (
        _counted(table, plan_code, PlanSection.number, PlanSection.title)
        .join(Plan, Plan.id == table.c.plan_id)
        .outerjoin(PlanSection, PlanSection.id == table.c.section_id)
    )


def by_agency(connection: Connection, table: Table) -> list[dict[str, Any]]:
    """Counts per lead agency, by name (a roll-up adds up the units' agencies of the same name)."""
    return groups(
        (name, name or NO_AGENCY, category, count, first)
        for name, category, count, first in connection.execute(_by_agency(table))
    )


@lru_cache(maxsize=4)
def _by_agency(table: Table) -> Select[Any]:
    return _counted(table, Agency.name).outerjoin(Agency, Agency.id == table.c.lead_agency_id)


def by_leader(connection: Connection, table: Table) -> list[dict[str, Any]]:
    """Counts per leader in charge: a task with two leaders counts for each of them."""
    return groups(
        (title, title or NO_LEADER, category, count, first)
        for title, category, count, first in connection.execute(_by_leader(table))
    )


@lru_cache(maxsize=4)
def _by_leader(table: Table) -> Select[Any]:
    place = table.c.seq * 1000 + func.coalesce(PlanTaskLeader.position, 0)  # a task's leaders in their order
    return _counted(table, PlanTaskLeader.title, first=place).outerjoin(
        PlanTaskLeader, PlanTaskLeader.task_id == table.c.task_id
    )


def by_unit(connection: Connection, table: Table, unit_of: dict[int, str]) -> list[dict[str, Any]]:
    """Counts per subordinate unit of a roll-up (each organization counted under its unit)."""
    return groups(
        (unit_of.get(organization_id, ""), unit_of.get(organization_id, ""), category, count, first)
        for organization_id, category, count, first in connection.execute(_by_unit(table))
    )


@lru_cache(maxsize=4)
def _by_unit(table: Table) -> Select[Any]:
    return _counted(table, Plan.organization_id).join(Plan, Plan.id == table.c.plan_id)


def late(table: Table) -> ColumnElement[bool]:
    """Overdue, or completed late within the period: what a report must answer for."""
    return or_(table.c.category == "overdue", and_(table.c.category == "completed_late", table.c.completed_in_period))


def most_days_late(table: Table) -> list[Any]:
    """Overdue before completed late, then the earliest due date (the most days late) first."""
    return [
        case((table.c.category == "overdue", 0), else_=1),
        case((table.c.due.is_(None), 1), else_=0),
        table.c.due,
        table.c.seq,
    ]


def counted(connection: Connection, table: Table, where: ColumnElement[bool]) -> int:
    """How many tasks match."""
    return int(connection.execute(select(func.count()).select_from(table).where(where)).scalar_one())


class TaskRows:
    """A report's task rows, each built once: the lists a ward's report names (late, recurring, overdue, waiting,
    the next period's) are its own tasks again, so they are picked from the rows already built by their ids
    (one query each) instead of read and built anew (three queries each)."""

    def __init__(self, connection: Connection, table: Table, names: Any, at: Standing) -> None:
        self.connection, self.table, self.names, self.at = connection, table, names, at
        self._built: dict[int, dict[str, Any]] = {}

    def every(self) -> list[dict[str, Any]]:
        """Every task, in the plans' order."""
        rows = list(task_rows(self.connection, self.table, self.names, self.at))
        self._built.update((row["task_id"], row) for row in rows)
        return rows

    def matching(
        self, where: ColumnElement[bool], *, order: list[Any] | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The first `limit` matching tasks in `order` (the plans' order unless told; all without a limit)."""
        table = self.table
        ids = list(
            self.connection.execute(
                select(table.c.task_id).where(where).order_by(*(order or [table.c.seq])).limit(limit)
            ).scalars()
        )
        missing = [task_id for task_id in ids if task_id not in self._built]
        if missing:
            found = task_rows(self.connection, table, self.names, self.at, where=table.c.task_id.in_(missing))
            self._built.update((row["task_id"], row) for row in found)
        return [self._built[task_id] for task_id in ids]


def listed(
    rows: TaskRows, where: ColumnElement[bool], *, order: list[Any] | None = None, limit: int | None = None
) -> Listed:
    """The first `limit` matching tasks as rows (all of them without a limit), and how many match."""
    chosen = rows.matching(where, order=order, limit=limit)
    return Listed(chosen, len(chosen) if limit is None else counted(rows.connection, rows.table, where))


def open_and_due(table: Table, at_start: Any, at_end: Any) -> ColumnElement[bool]:
    """Not yet closed and due within the dates (the next period's tasks)."""
    return and_(not_(table.c.category.in_(_CLOSED)), table.c.due.is_not(None), table.c.due.between(at_start, at_end))


def by_agency_listed(
    rows: TaskRows, where: ColumnElement[bool], *, agencies: int, each: int
) -> list[tuple[str, Listed]]:
    """The `agencies` lead agencies with the most matching tasks (then by name), each with its first `each`
    tasks by due date."""
    connection, table = rows.connection, rows.table
    agency = func.coalesce(Agency.name, NO_AGENCY)
    counts = connection.execute(
        select(agency, func.count())
        .select_from(table)
        .outerjoin(Agency, Agency.id == table.c.lead_agency_id)
        .where(where)
        .group_by(agency)
    ).all()
    chosen = sorted(counts, key=lambda pair: (-pair[1], pair[0]))[:agencies]
    if not chosen:
        return []
    ranked = (
        select(
            table.c.task_id,
            func.row_number().over(partition_by=agency, order_by=(table.c.due, table.c.seq)).label("place"),
        )
        .outerjoin(Agency, Agency.id == table.c.lead_agency_id)
        .where(where, agency.in_([name for name, _count in chosen]))
        .subquery()
    )
    first = select(ranked.c.task_id).where(ranked.c.place <= each)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.matching(table.c.task_id.in_(first), order=[table.c.due, table.c.seq]):
        found[row["lead_agency"]].append(row)
    return [(name, Listed(found[name], count)) for name, count in chosen]


def task_rows(
    connection: Connection,
    table: Table,
    names: Any,
    at: Standing,
    *,
    where: ColumnElement[bool] | None = None,
    order: list[Any] | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Tasks as a report's appendix shows them (in the plans' order unless told), streamed: leaders and latest
    results are read for a few thousand tasks at a time."""
    statement = (
        select(
            table,
            PlanTask.number,
            PlanTask.description,
            PlanTask.deadline_text,
            Plan.code,
            Plan.organization_id,
            Agency.name,
            PlanSection.number,
            PlanSection.title,
        )
        .join(PlanTask, PlanTask.id == table.c.task_id)
        .join(Plan, Plan.id == table.c.plan_id)
        .outerjoin(Agency, Agency.id == table.c.lead_agency_id)
        .outerjoin(PlanSection, PlanSection.id == table.c.section_id)
        .order_by(*(order or [table.c.seq]))
        .limit(limit)
    )
    if where is not None:
        statement = statement.where(where)
    batch: list[Any] = []
    for row in connection.execute(statement, execution_options={"yield_per": _ROWS_AT_ONCE}):
        batch.append(row)
        if len(batch) == _ROWS_AT_ONCE:
            yield from _rows(connection, batch, names, at)
            batch = []
    yield from _rows(connection, batch, names, at)


def _rows(connection: Connection, batch: list[Any], names: Any, at: Standing) -> Iterator[dict[str, Any]]:
    if not batch:
        return
    ids = [row.task_id for row in batch]
    leaders: dict[int, list[str]] = defaultdict(list)
    for task_id, title in connection.execute(
        select(PlanTaskLeader.task_id, PlanTaskLeader.title)
        .where(PlanTaskLeader.task_id.in_(ids))
        .order_by(PlanTaskLeader.task_id, PlanTaskLeader.position)
    ):
        leaders[task_id].append(title)
    results: dict[int, str] = {}
    for task_id, text in connection.execute(
        select(Submission.task_id, Submission.result_text)
        .where(Submission.task_id.in_(ids), Submission.submitted_at <= at.moment)
        .order_by(Submission.id)
    ):
        results[task_id] = text  # the latest by then
    for row in batch:
        (
            task_id,
            _plan_id,
            _seq,
            section_id,
            agency_id,
            due,
            category,
            completed_day,
            in_period,
            recurring,
            reported,
        ) = row[:11]
        number, description, deadline_text, plan_code, organization_id, agency, section_number, section_title = row[11:]
        yield {
            "task_id": task_id,
            "plan": plan_code,
            "organization": names.organization_names.get(organization_id, ""),
            "unit": names.unit_of.get(organization_id, ""),
            "number": number,
            "section_key": f"{plan_code}:{section_number if section_id else '-'}",
            "section": f"{section_number}. {section_title}" if section_id else NO_SECTION,
            "description": description,
            "lead_agency": agency or NO_AGENCY,
            "lead_agency_id": agency_id,
            "leaders": leaders.get(task_id, []),
            "deadline_text": deadline_text,
            "due_date": due.isoformat() if due else None,
            "category": category,
            "category_vi": CATEGORY_LABELS[category],
            "completed_at": completed_day.isoformat() if completed_day else None,
            "completed_in_period": bool(in_period),
            "result": results.get(task_id, ""),
            "recurring": bool(recurring),
            "reported": bool(reported),
        }


def explanations_by_then(connection: Connection, rows: list[dict[str, Any]], at: Standing) -> list[dict[str, Any]]:
    """Late tasks with the explanation each had been asked for by the period's end, and its decision."""
    latest: dict[int, Any] = {}
    for requested in connection.execute(
        select(
            Explanation.task_id,
            Explanation.submitted_at,
            Explanation.decided_at,
            Explanation.text,
            Explanation.decision,
        )
        .where(Explanation.task_id.in_([row["task_id"] for row in rows]), Explanation.requested_at <= at.moment)
        .order_by(Explanation.id)
    ):
        latest[requested.task_id] = requested
    late_rows = []
    for row in rows:
        explanation = latest.get(row["task_id"])
        submitted = (
            explanation is not None and explanation.submitted_at is not None and explanation.submitted_at <= at.moment
        )
        decided = explanation is not None and explanation.decided_at is not None and explanation.decided_at <= at.moment
        late_rows.append(
            {
                **{
                    key: row[key]
                    for key in ("plan", "organization", "number", "description", "lead_agency", "due_date")
                },
                "category_vi": row["category_vi"],
                "explanation": explanation.text if explanation and submitted else None,
                "decision": explanation.decision if explanation and decided else None,
            }
        )
    return late_rows


def accountability(connection: Connection, table: Table, names: Any, at: Standing) -> list[dict[str, Any]]:
    """Each lead agency's record in the period: tasks, overdue, completed late, results returned, progress
    reports missing, explanations rejected, and whether it may be commended (by agency name)."""
    entries: dict[int, dict[str, Any]] = {}
    counts, heads = _accountability(table)
    for agency_id, name, organization_id, tasks, overdue, completed_late, missing in connection.execute(counts):
        entries[agency_id] = {
            "agency": name,
            "organization": names.organization_names.get(organization_id, ""),
            "head": None,
            "tasks": tasks,
            "overdue": int(overdue),
            "completed_late": int(completed_late),
            "returned": 0,
            "missing_progress": int(missing),
            "explanations_rejected": 0,
        }
    for agency_id, full_name in connection.execute(heads):
        entries[agency_id]["head"] = full_name
    in_period = (at.period_from, at.period_to)
    for key, record, decided_at, decision, value in (
        ("returned", Submission, Submission.reviewed_at, Submission.decision, SubmissionDecision.RETURNED.value),
        (
            "explanations_rejected",
            Explanation,
            Explanation.decided_at,
            Explanation.decision,
            ExplanationDecision.REJECTED.value,
        ),
    ):
        for agency_id, count in connection.execute(
            select(table.c.lead_agency_id, func.count())
            .join(record, record.task_id == table.c.task_id)
            .where(decision == value, decided_at.between(*in_period))
            .group_by(table.c.lead_agency_id)
        ):
            if agency_id in entries:
                entries[agency_id][key] += count
    for entry in entries.values():
        entry["eligible_for_commendation"] = not (
            entry["completed_late"] or entry["missing_progress"] or entry["explanations_rejected"] or entry["overdue"]
        )
    return sorted(entries.values(), key=lambda e: (e["agency"], e["organization"]))


@lru_cache(maxsize=4)
def _accountability(table: Table) -> tuple[Select[Any], Select[Any]]:
    """Each lead agency's counts in the standing table, and the heads of those agencies."""
    counted_tasks = table.c.lead_agency_id.is_not(None) & (table.c.category != "not_assigned")

    def total(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    record = (
        select(
            table.c.lead_agency_id,
            Agency.name,
            Agency.organization_id,
            func.count(),
            total(table.c.category == "overdue"),
            total(and_(table.c.category == "completed_late", table.c.completed_in_period)),
            total(and_(table.c.recurring, not_(table.c.reported), table.c.category != "cancelled")),
        )
        .join(Agency, Agency.id == table.c.lead_agency_id)
        .where(counted_tasks)
        .group_by(table.c.lead_agency_id, Agency.name, Agency.organization_id)
    )
    return record, heads_of_agencies(select(table.c.lead_agency_id).where(counted_tasks), Person.full_name)


def recurring(table: Table) -> ColumnElement[bool]:
    """Recurring tasks that had been assigned (those expected to report progress)."""
    return and_(table.c.recurring, table.c.category != "not_assigned")


def recurring_summary(connection: Connection, table: Table) -> dict[str, int]:
    """How many recurring tasks there are and how many reported in the period."""
    tasks, reported = connection.execute(_recurring_summary(table)).one()
    return {"tasks": int(tasks), "reported": int(reported)}


@lru_cache(maxsize=4)
def _recurring_summary(table: Table) -> Select[Any]:
    return select(func.count(), func.coalesce(func.sum(case((table.c.reported, 1), else_=0)), 0)).where(
        recurring(table)
    )
