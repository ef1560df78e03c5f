"""A report's floor: the figures a report compiles, computed again by plain SQL on PostgreSQL.

A report reads every task as it stood at the period's end (the due date in force then from the deadline history;
completion and cancellation only if they had happened), sums the tasks by category in all and per plan, section,
lead agency, leader and unit, names the late tasks with the explanation each had given, weighs each lead agency's
record, lists the tasks its written sections name, counts the earlier periods of its trend, reads the plan's
indicators and (a ward's) lists every task with its leaders and latest result. The floor does the same, each kind
of figure by one hand-written statement over one temporary table of standings, in a transaction rolled back. What a
report costs above it is planflow's own (SQLAlchemy, many small statements, Python building the figures); a
`GROUP BY` of the tasks' stored status, the earlier floor, did a small part of that work.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.calendar.period import Period
from models.db import Database
from models.lifecycle.tables import ExplanationDecision, SubmissionDecision
from models.lifecycle.workflow import TaskStatus
from models.plan.deadlines import DeadlineKind
from models.reporting.figures import earlier_periods
from models.reporting.sections import MAX_LISTED, TASKS_PER_UNIT
from models.reporting.standing import Standing

FEW_ORGANIZATIONS = 1  # a report of one organization lists its tasks and groups sections by plan

_DAY = "AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date)"
_SEQ = "row_number() OVER (ORDER BY d.plan_id, d.position)"  # the task's place in the plans' order
_STANDING = f"""
WITH tasks AS MATERIALIZED (
    SELECT t.id, t.plan_id, t.position, t.section_id, t.lead_agency_id, t.due_date, t.deadline_kind, t.status,
        t.status_changed_at, t.completed_at, t.assigned_at
    FROM plan_tasks t JOIN plans p ON p.id = t.plan_id
    WHERE p.organization_id = ANY(:organizations)
), changed AS (
    SELECT c.task_id,
        (array_agg(c.old_due_date ORDER BY c.id))[1] AS first_old,
        count(*) FILTER (WHERE c.changed_at <= :moment) AS made,
        (array_agg(c.new_due_date ORDER BY c.id DESC) FILTER (WHERE c.changed_at <= :moment))[1] AS made_due,
        count(*) FILTER (WHERE c.changed_at <= t.completed_at) AS done,
        (array_agg(c.new_due_date ORDER BY c.id DESC) FILTER (WHERE c.changed_at <= t.completed_at))[1] AS done_due
    FROM deadline_changes c JOIN tasks t ON t.id = c.task_id
    GROUP BY c.task_id
), reported AS (
    SELECT DISTINCT r.task_id FROM progress_reports r JOIN tasks t ON t.id = r.task_id
    WHERE r.reported_at BETWEEN :period_from AND :period_to
), dated AS (
    SELECT t.*,
        CASE WHEN c.made > 0 THEN c.made_due WHEN c.task_id IS NOT NULL THEN c.first_old ELSE t.due_date END AS due,
        CASE WHEN c.done > 0 THEN c.done_due WHEN c.task_id IS NOT NULL THEN c.first_old ELSE t.due_date END
            AS due_when_done,
        t.completed_at IS NOT NULL AND t.completed_at <= :moment AS completed
    FROM tasks t LEFT JOIN changed c ON c.task_id = t.id
)
SELECT d.id AS task_id, d.plan_id, {{seq}} AS seq, d.section_id, d.lead_agency_id, d.due,
    CASE
        WHEN d.assigned_at IS NULL OR d.assigned_at > :moment THEN 'not_assigned'
        WHEN d.status = '{TaskStatus.CANCELLED.value}' AND d.status_changed_at <= :moment THEN 'cancelled'
        WHEN d.status = '{TaskStatus.APPROVED.value}' AND d.completed THEN
            CASE WHEN d.due_when_done IS NOT NULL AND CAST(d.completed_at {_DAY} > d.due_when_done
                THEN 'completed_late' ELSE 'completed_on_time' END
        WHEN d.due IS NULL THEN
            CASE WHEN d.deadline_kind IN ('{DeadlineKind.UPSTREAM.value}', '{DeadlineKind.EVENT.value}')
                THEN 'waiting_upstream' ELSE 'in_progress' END
        WHEN d.due < :as_of THEN 'overdue'
        WHEN d.due < :due_soon_before THEN 'due_soon'
        ELSE 'in_progress'
    END AS category,
    CASE WHEN d.completed THEN CAST(d.completed_at {_DAY} END AS completed_day,
    d.completed AND d.completed_at >= :period_from AS completed_in_period,
    d.deadline_kind = '{DeadlineKind.RECURRING.value}' AS recurring,
    r.task_id IS NOT NULL AS reported
FROM dated d LEFT JOIN reported r ON r.task_id = d.id
"""

_GROUPED = """
SELECT {key}, s.category, count(*) AS tasks, min(s.seq) FROM floor_standing s {joins} GROUP BY {key}, s.category
"""
_PLANS = "JOIN plans p ON p.id = s.plan_id"
_SECTIONS = "LEFT JOIN plan_sections ps ON ps.id = s.section_id"
_GROUPS = {  # each kind of group: its key and the tables that name it (one hash aggregate each)
    "totals": ("s.category", ""),
    "plans": ("s.plan_id", ""),
    "sections": ("ps.number, ps.title", _SECTIONS),  # a roll-up adds up its units' sections of the same title
    "agencies": ("a.name", "LEFT JOIN agencies a ON a.id = s.lead_agency_id"),
    "units": ("p.organization_id", _PLANS),
}
_WARD_SECTIONS = ("p.code, ps.number, ps.title", f"{_PLANS} {_SECTIONS}")

_LEADERS = """
SELECT l.title, s.category, count(*), min(s.seq * 1000 + coalesce(l.position, 0))
FROM floor_standing s LEFT JOIN plan_task_leaders l ON l.task_id = s.task_id
GROUP BY l.title, s.category
"""

_TASK = """
SELECT s.*, t.number, t.description, t.deadline_text, p.code, p.organization_id, a.name, ps.number, ps.title,
    (SELECT count(*) FROM floor_standing s WHERE {where}) AS matching {more}
FROM (SELECT * FROM floor_standing s WHERE {where} ORDER BY {order} LIMIT :limit) s
JOIN plan_tasks t ON t.id = s.task_id JOIN plans p ON p.id = s.plan_id
LEFT JOIN agencies a ON a.id = s.lead_agency_id LEFT JOIN plan_sections ps ON ps.id = s.section_id {joins}
ORDER BY {order}
"""

_EXPLANATION = """
LEFT JOIN LATERAL (
    SELECT e.text, e.decision, e.submitted_at, e.decided_at FROM explanations e
    WHERE e.task_id = s.task_id AND e.requested_at <= :moment ORDER BY e.id DESC LIMIT 1
) e ON true
"""

_DETAIL = """
LEFT JOIN LATERAL (
    SELECT string_agg(l.title, '; ' ORDER BY l.position) AS leaders FROM plan_task_leaders l
    WHERE l.task_id = s.task_id
) l ON true
LEFT JOIN LATERAL (
    SELECT r.result_text FROM submissions r WHERE r.task_id = s.task_id AND r.submitted_at <= :moment
    ORDER BY r.id DESC LIMIT 1
) r ON true
"""

_NEXT_PERIOD = f"""
WITH due_next AS (
    SELECT s.task_id, coalesce(a.name, '') AS agency, s.due, s.seq,
        count(*) OVER (PARTITION BY a.name) AS tasks,
        row_number() OVER (PARTITION BY a.name ORDER BY s.due, s.seq) AS place
    FROM floor_standing s LEFT JOIN agencies a ON a.id = s.lead_agency_id
    WHERE s.category NOT IN ('completed_on_time', 'completed_late', 'cancelled')
        AND s.due BETWEEN :next_start AND :next_end
), ranked AS (
    SELECT agency, dense_rank() OVER (ORDER BY tasks DESC, agency) AS rank FROM due_next GROUP BY agency, tasks
)
SELECT n.agency, n.tasks, t.number, t.description, n.due
FROM due_next n JOIN ranked r ON r.agency = n.agency JOIN plan_tasks t ON t.id = n.task_id
WHERE r.rank <= {MAX_LISTED} AND n.place <= {TASKS_PER_UNIT}
ORDER BY r.rank, n.due, n.seq
"""

_ACCOUNTABILITY = f"""
WITH returned AS (
    SELECT s.lead_agency_id, count(*) AS times FROM floor_standing s JOIN submissions b ON b.task_id = s.task_id
    WHERE b.decision = '{SubmissionDecision.RETURNED.value}' AND b.reviewed_at BETWEEN :period_from AND :period_to
    GROUP BY s.lead_agency_id
), rejected AS (
    SELECT s.lead_agency_id, count(*) AS times FROM floor_standing s JOIN explanations e ON e.task_id = s.task_id
    WHERE e.decision = '{ExplanationDecision.REJECTED.value}' AND e.decided_at BETWEEN :period_from AND :period_to
    GROUP BY s.lead_agency_id
), counted AS (
    SELECT s.lead_agency_id, count(*) AS tasks, count(*) FILTER (WHERE s.category = 'overdue') AS overdue,
        count(*) FILTER (WHERE s.category = 'completed_late' AND s.completed_in_period) AS completed_late,
        count(*) FILTER (WHERE s.recurring AND NOT s.reported AND s.category <> 'cancelled') AS missing
    FROM floor_standing s WHERE s.lead_agency_id IS NOT NULL AND s.category <> 'not_assigned'
    GROUP BY s.lead_agency_id
)
SELECT c.*, a.name, a.organization_id, r.times AS returned, x.times AS rejected,
    (SELECT h.full_name FROM people h WHERE h.agency_id = c.lead_agency_id AND h.is_agency_head LIMIT 1) AS head
FROM counted c JOIN agencies a ON a.id = c.lead_agency_id
LEFT JOIN returned r ON r.lead_agency_id = c.lead_agency_id
LEFT JOIN rejected x ON x.lead_agency_id = c.lead_agency_id
ORDER BY a.name, a.organization_id
"""

_INDICATORS = """
SELECT k.id, k.text, k.comparator, k.target_value, k.unit, m.value,
    CASE WHEN m.value IS NULL THEN NULL
         WHEN k.comparator = '>=' THEN (m.value >= k.target_value)::int ELSE (m.value <= k.target_value)::int END AS met
FROM kpi_indicators k JOIN plans p ON p.id = k.plan_id
LEFT JOIN LATERAL (
    SELECT value FROM kpi_measurements m WHERE m.indicator_id = k.id AND m.measured_at <= :moment
    ORDER BY m.measured_at DESC, m.id DESC LIMIT 1
) m ON true
WHERE p.organization_id = ANY(:organizations)
ORDER BY p.code, k.position
"""
# a roll-up's: one row per indicator the units share, with in how many units it stands, was measured and met
_INDICATORS_SUMMED = f"""
SELECT text, comparator, target_value, unit, count(*), count(value), coalesce(sum(met), 0)
FROM ({_INDICATORS}) measured GROUP BY text, comparator, target_value, unit
"""

_RECURRING = """
SELECT count(*), count(*) FILTER (WHERE reported) FROM floor_standing
WHERE recurring AND category <> 'not_assigned'
"""


def report_floor(
    database: Database, organization_ids: list[int], period: Period, today: date, *, history: int = 3, top: int = 20
) -> dict[str, Any]:
    """The figures of a report of the organizations for `period` (with `history` earlier periods, the `top` most
    overdue tasks of a roll-up) by plain SQL, rolled back; the counts of what it found, to compare with the
    report's."""
    at = Standing.of(period, today)
    rollup = len(organization_ids) > FEW_ORGANIZATIONS
    parameters = {"organizations": organization_ids, **at.parameters()}
    with database.engine.connect() as connection, connection.begin() as transaction:
        connection.execute(
            text(f"CREATE TEMPORARY TABLE floor_standing ON COMMIT DROP AS {_STANDING.format(seq=_SEQ)}"), parameters
        )
        connection.execute(text("SET LOCAL default_statistics_target = 10"))
        connection.execute(text("ANALYZE floor_standing"))  # as the report's: no plan is good without row counts
        found = _sums(connection, parameters, rollup)
        found |= _lists(connection, parameters, at, rollup, top)
        indicators = connection.execute(text(_INDICATORS_SUMMED if rollup else _INDICATORS), parameters).all()
        found["indicators"] = len(indicators)
        found["indicators_met"] = sum(row[-1] or 0 for row in indicators)
        found["history"] = _earlier(connection, organization_ids, period, today, history)
        transaction.rollback()
    return found


def _sums(connection: Connection, parameters: dict[str, Any], rollup: bool) -> dict[str, Any]:
    """Counts by category in all and per plan, section, agency, unit and leader (one hash aggregate each), each
    lead agency's record, and the recurring tasks that reported."""
    groups: dict[str, set[tuple[Any, ...]]] = {}
    totals: dict[str, int] = {}
    for kind, (key, joins) in _GROUPS.items():
        if kind == "sections" and not rollup:
            key, joins = _WARD_SECTIONS  # a ward's sections are its plans'
        rows = connection.execute(text(_GROUPED.format(key=key, joins=joins))).all()
        groups[kind] = {tuple(row)[:-3] for row in rows}
        if kind == "totals":
            totals = {row.category: row.tasks for row in rows}
    leaders = {row.title for row in connection.execute(text(_LEADERS))}
    accountability = connection.execute(text(_ACCOUNTABILITY), parameters).all()
    recurring, reported = connection.execute(text(_RECURRING)).one()
    return {
        "totals": totals,
        "groups": {kind: len(keys) for kind, keys in groups.items() if kind != "totals"} | {"leaders": len(leaders)},
        "agencies_accountable": len(accountability),
        "recurring": {"tasks": recurring, "reported": reported},
    }


def _listed(
    connection: Connection, parameters: dict[str, Any], where: str, order: str, limit: int | None, **extra: str
) -> list[Any]:
    statement = _TASK.format(where=where, order=order, more=extra.get("more", ""), joins=extra.get("joins", ""))
    return list(connection.execute(text(statement), {**parameters, "limit": limit}).all())


def _lists(connection: Connection, parameters: dict[str, Any], at: Standing, rollup: bool, top: int) -> dict[str, Any]:
    """The tasks a report names: the late ones with their explanations (a roll-up's most overdue), the written
    sections' overdue, waiting and next period's tasks, and (a ward's) every task with leaders and result."""
    late = _listed(
        connection,
        parameters,
        "s.category = 'overdue' OR (s.category = 'completed_late' AND s.completed_in_period)",
        "s.category <> 'overdue', s.due IS NULL, s.due, s.seq" if rollup else "s.seq",
        top if rollup else None,
        more=", e.text, e.decision, e.submitted_at, e.decided_at",
        joins=_EXPLANATION,
    )
    first = MAX_LISTED + 1
    overdue = _listed(connection, parameters, "s.category = 'overdue' AND s.due IS NOT NULL", "s.due, s.seq", first)
    waiting = _listed(connection, parameters, "s.category = 'waiting_upstream'", "s.seq", first)
    upcoming = at.period.following()
    next_period = connection.execute(text(_NEXT_PERIOD), {"next_start": upcoming.start, "next_end": upcoming.end}).all()
    tasks = (
        []
        if rollup
        else _listed(connection, parameters, "true", "s.seq", None, more=", l.leaders, r.result_text", joins=_DETAIL)
    )
    return {
        "late": len(late),
        "late_total": late[0].matching if late else 0,
        "overdue_listed": len(overdue),
        "waiting_listed": len(waiting),
        "next_period_listed": len(next_period),
        "tasks": len(tasks),
        "recurring_listed": sum(1 for row in tasks if row.recurring and row.category != "not_assigned"),
    }


def _earlier(
    connection: Connection, organization_ids: list[int], period: Period, today: date, history: int
) -> dict[str, dict[str, int]]:
    """Counts by category of the earlier periods a report compares with: the previous one and its trend's, none
    before the plans' first year."""
    first_year = connection.execute(
        text("SELECT min(year) FROM plans WHERE organization_id = ANY(:organizations)"),
        {"organizations": organization_ids},
    ).scalar_one()
    counted = {}
    for each in earlier_periods(period, history, first_year):
        rows = connection.execute(
            text(f"SELECT category, count(*) FROM ({_STANDING.format(seq='0')}) s GROUP BY category"),
            {"organizations": organization_ids, **Standing.of(each, today).parameters()},
        ).all()
        counted[each.key] = {category: count for category, count in rows}
    return counted


def standings(connection: Connection, organization_ids: list[int], at: Standing) -> dict[int, tuple[Any, ...]]:
    """Each task's (category, due date in force, completed in the period, reported in the period) as the floor
    decides it (to check that it decides what the report decides)."""
    rows = connection.execute(text(_STANDING.format(seq=_SEQ)), {"organizations": organization_ids, **at.parameters()})
    return {row.task_id: (row.category, row.due, row.completed_in_period, row.reported) for row in rows}
