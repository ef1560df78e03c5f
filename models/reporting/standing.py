"""Each task's standing at the end of a period, decided by the database: one rule for every report.

A task's category (completed on time or late, in progress, due soon, overdue, waiting on the upper
level, cancelled, not assigned) depends on the moment it is read at: the due date in force then comes
from the deadline history, completion and cancellation count only if they had happened. Written once as
SQL so a ward's report reads it with its 58 tasks and the nation's sums it over 191,400 without loading
them; `standing_rows` keeps it in a temporary table for the several sums one report makes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import BindParameter, ColumnElement, FromClause, FunctionElement

from models.base import UtcDateTime
from models.calendar.days import VIETNAM, add_working_days, end_of_day
from models.calendar.period import Period
from models.lifecycle.tables import DeadlineChange, ProgressReport
from models.lifecycle.urgency import DUE_SOON_WORKING_DAYS
from models.lifecycle.workflow import TaskStatus
from models.plan.deadlines import DeadlineKind
from models.plan.tables import PlanTask

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
_WAITING_KINDS = (DeadlineKind.UPSTREAM.value, DeadlineKind.EVENT.value)


@dataclass(frozen=True)
class Standing:
    """The moments a period's report reads its tasks at."""

    period: Period
    as_of: date  # the period's last day, or today while it runs
    moment: datetime  # the end of that day in Hà Nội
    due_soon_before: date  # a due date before this is within DUE_SOON_WORKING_DAYS working days of as_of
    period_from: datetime  # the period's first moment
    period_to: datetime  # its last moment

    @classmethod
    def of(cls, period: Period, today: date) -> Standing:
        """A report of `period` compiled `today` (a running period is read as at today)."""
        as_of = min(period.end, today)
        return cls(
            period=period,
            as_of=as_of,
            moment=end_of_day(as_of),
            due_soon_before=add_working_days(as_of, DUE_SOON_WORKING_DAYS + 1),
            period_from=datetime.combine(period.start, time.min, tzinfo=VIETNAM),
            period_to=end_of_day(period.end),
        )

    def parameters(self) -> dict[str, Any]:
        """The values of the moments `classified` reads its tasks at, by the names of its parameters."""
        return {
            "moment": self.moment,
            "as_of": self.as_of,
            "due_soon_before": self.due_soon_before,
            "period_from": self.period_from,
            "period_to": self.period_to,
        }


class local_day(FunctionElement[date]):  # noqa: N801 - a SQL function, named like one
    """The calendar day in Hà Nội of a stored UTC moment."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_postgresql(element: local_day, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"  # Việt Nam keeps UTC+7 all year


def _first_change(task_ids: Select[Any]) -> Any:
    """Each changed task's first change: its old date is the one in force before any change was made."""
    ranked = select(
        DeadlineChange.task_id,
        DeadlineChange.old_due_date,
        func.row_number().over(partition_by=DeadlineChange.task_id, order_by=DeadlineChange.id).label("rank"),
    ).where(DeadlineChange.task_id.in_(task_ids))
    inner = ranked.subquery("ranked_first")
    return select(inner.c.task_id, inner.c.old_due_date).where(inner.c.rank == 1).subquery("first_change")


def _last_change_by(task_ids: Select[Any], moment: Any, name: str) -> Any:
    """Each task's last change made by `moment` (by its completion when `moment` is None)."""
    ranked = select(
        DeadlineChange.task_id,
        DeadlineChange.new_due_date,
        func.row_number().over(partition_by=DeadlineChange.task_id, order_by=DeadlineChange.id.desc()).label("rank"),
    ).where(DeadlineChange.task_id.in_(task_ids))
    if moment is None:
        ranked = ranked.join(PlanTask, PlanTask.id == DeadlineChange.task_id).where(
            DeadlineChange.changed_at <= PlanTask.completed_at
        )
    else:
        ranked = ranked.where(DeadlineChange.changed_at <= moment)
    inner = ranked.subquery(f"ranked_{name}")
    return select(inner.c.task_id, inner.c.new_due_date).where(inner.c.rank == 1).subquery(name)


def _in_force(last: Any, first: Any) -> ColumnElement[date]:
    """The due date in force: the last change made by then, else the date before any change, else the task's."""
    return case(
        (last.c.task_id.is_not(None), last.c.new_due_date),
        (first.c.task_id.is_not(None), first.c.old_due_date),
        else_=PlanTask.due_date,
    )


class _AT:
    """A standing's moments as the parameters of a statement (named as `Standing.parameters()` names them)."""

    moment: BindParameter[datetime] = bindparam("moment", type_=UtcDateTime())
    as_of: BindParameter[date] = bindparam("as_of", type_=Date())
    due_soon_before: BindParameter[date] = bindparam("due_soon_before", type_=Date())
    period_from: BindParameter[datetime] = bindparam("period_from", type_=UtcDateTime())
    period_to: BindParameter[datetime] = bindparam("period_to", type_=UtcDateTime())


@lru_cache(maxsize=8)  # a statement per statement of plans: figures.PLANS_BY_ID and PLANS_BELOW
def classified(plan_ids: Select[Any]) -> Select[Any]:
    """The tasks of the plans with their standing at the moments of `Standing.parameters()`: task_id, plan_id,
    seq (the task's place in the plans' order), section_id, lead_agency_id, due, category, completed_day,
    completed_in_period, recurring, reported. Built once for each statement of plans (the moments and the
    plans' own parameters are bound when it runs): building it cost a report more than running it."""
    task_ids = select(PlanTask.id).where(PlanTask.plan_id.in_(plan_ids))
    first = _first_change(task_ids)
    made = _last_change_by(task_ids, _AT.moment, "made")
    done = _last_change_by(task_ids, None, "done")
    due = _in_force(made, first)
    due_when_completed = _in_force(done, first)
    completed = and_(PlanTask.completed_at.is_not(None), PlanTask.completed_at <= _AT.moment)
    category = case(
        (or_(PlanTask.assigned_at.is_(None), PlanTask.assigned_at > _AT.moment), literal("not_assigned")),
        (
            and_(
                PlanTask.status == TaskStatus.CANCELLED.value,
                PlanTask.status_changed_at.is_not(None),
                PlanTask.status_changed_at <= _AT.moment,
            ),
            literal("cancelled"),
        ),
        (
            and_(PlanTask.status == TaskStatus.APPROVED.value, completed),
            case(
                (
                    and_(due_when_completed.is_not(None), local_day(PlanTask.completed_at) > due_when_completed),
                    literal("completed_late"),
                ),
                else_=literal("completed_on_time"),
            ),
        ),
        (
            due.is_(None),
            case(
                (PlanTask.deadline_kind.in_(_WAITING_KINDS), literal("waiting_upstream")), else_=literal("in_progress")
            ),
        ),
        (due < _AT.as_of, literal("overdue")),
        (due < _AT.due_soon_before, literal("due_soon")),
        else_=literal("in_progress"),
    )
    reported_in_period = select(ProgressReport.task_id).where(
        ProgressReport.task_id.in_(task_ids),
        ProgressReport.reported_at >= _AT.period_from,
        ProgressReport.reported_at <= _AT.period_to,
    )
    return (
        select(
            PlanTask.id.label("task_id"),
            PlanTask.plan_id,
            func.row_number().over(order_by=(PlanTask.plan_id, PlanTask.position)).label("seq"),
            PlanTask.section_id,
            PlanTask.lead_agency_id,
            due.label("due"),
            category.label("category"),
            case((completed, local_day(PlanTask.completed_at)), else_=None).label("completed_day"),
            case((and_(completed, PlanTask.completed_at >= _AT.period_from), true()), else_=literal(False)).label(
                "completed_in_period"
            ),
            (PlanTask.deadline_kind == DeadlineKind.RECURRING.value).label("recurring"),
            PlanTask.id.in_(reported_in_period).label("reported"),
        )
        .outerjoin(first, first.c.task_id == PlanTask.id)
        .outerjoin(made, made.c.task_id == PlanTask.id)
        .outerjoin(done, done.c.task_id == PlanTask.id)
        .where(PlanTask.plan_id.in_(plan_ids))
    )


STANDING = Table(
    "report_standing",
    MetaData(),  # not the schema's: a temporary table of one connection, made and dropped by each report
    Column("task_id", Integer, primary_key=True),
    Column("plan_id", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("section_id", Integer),
    Column("lead_agency_id", Integer),
    Column("due", Date),
    Column("category", String(20), nullable=False),
    Column("completed_day", Date),
    Column("completed_in_period", Boolean, nullable=False),
    Column("recurring", Boolean, nullable=False),
    Column("reported", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)


@lru_cache(maxsize=8)  # a statement per statement of plans: figures.PLANS_BY_ID and PLANS_BELOW
def _standing_insert(plan_ids: Select[Any]) -> Any:
    return insert(STANDING).from_select([c.name for c in STANDING.c], classified(plan_ids))


@contextmanager
def standing_rows(
    connection: Connection, plan_ids: Select[Any], plans: Mapping[str, Any], at: Standing
) -> Iterator[Table]:
    """The plans' tasks with their standing (`plans`: the values of `plan_ids`'s parameters), written once into
    a temporary table for the report's sums, dropped afterwards (also when the report fails)."""
    connection.execute(_DROP_STANDING)  # left by a report that died with its connection still pooled
    STANDING.create(connection)
    try:
        connection.execute(_standing_insert(plan_ids), {**plans, **at.parameters()})
        if connection.dialect.name == "postgresql":
            _analyze(connection)
        yield STANDING
    finally:
        connection.execute(_DROP_STANDING)


def _analyze(connection: Connection) -> None:
    """The standing table's statistics for the planner: no autovacuum sees a temporary table, and without its row
    count the planner guesses hundreds and scans joins. A sample of 3,000 rows is enough for columns of a few
    values (the default samples 30,000: 251 ms of a national report at 58,000 tasks, against 24 ms)."""
    connection.execute(text("SET LOCAL default_statistics_target = 10"))  # this transaction's ANALYZE only
    connection.execute(text(f"ANALYZE {STANDING.name}"))


_DROP_STANDING = text(f"DROP TABLE IF EXISTS {STANDING.name}")  # one statement, where checkfirst asks the catalog


def every_category(counts: Mapping[str, int]) -> dict[str, int]:
    """Every category's count, in the report's order, zeros included."""
    return {key: counts.get(key, 0) for key, _ in CATEGORIES}


def category_totals(connection: Connection, table: Table) -> dict[str, int]:
    """How many of the tasks in a report's standing table stand in each category."""
    return every_category(dict(connection.execute(_by_category(table)).tuples().all()))


@lru_cache(maxsize=8)
def _by_category(rows: FromClause) -> Select[Any]:
    return select(rows.c.category, func.count()).group_by(rows.c.category)


def category_counts(
    connection: Connection, plan_ids: Select[Any], plans: Mapping[str, Any], at: Standing
) -> dict[str, int]:
    """How many tasks stood in each category at `at` (the earlier periods a report compares with)."""
    return every_category(
        dict(connection.execute(_category_counts(plan_ids), {**plans, **at.parameters()}).tuples().all())
    )


@lru_cache(maxsize=8)  # a statement per statement of plans: figures.PLANS_BY_ID and PLANS_BELOW
def _category_counts(plan_ids: Select[Any]) -> Select[Any]:
    return _by_category(classified(plan_ids).subquery())
