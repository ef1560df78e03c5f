"""Report figures against independent SQL counts, across two quarters of a realistic walk of Vĩnh Tuy."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from models.calendar.period import parse_period
from models.db import Database
from models.reporting.figures import compile_figures
from planflow import demo

ORG = "dang-uy-phuong-vinh-tuy"
TODAY = date(2026, 11, 24)
OPEN = (
    "('assigned','acknowledged','in_progress','returned','submitted','explanation_requested','explanation_submitted')"
)


def sql_counts(db: Database, as_of: date) -> dict[str, int]:
    """Plain SQL over the current rows, run at the moment the quarter ends (no history needed then)."""
    queries = {
        "approved": "SELECT count(*) FROM plan_tasks WHERE status = 'approved'",
        "cancelled": "SELECT count(*) FROM plan_tasks WHERE status = 'cancelled'",
        "overdue": f"SELECT count(*) FROM plan_tasks WHERE status IN {OPEN} AND due_date < :as_of",
        "waiting": f"SELECT count(*) FROM plan_tasks WHERE status IN {OPEN} AND due_date IS NULL "
        "AND deadline_kind IN ('upstream', 'event')",
        "assigned": "SELECT count(*) FROM plan_tasks WHERE status <> 'imported'",
    }
    with db.engine.connect() as connection:
        return {
            name: int(connection.execute(text(sql), {"as_of": as_of}).scalar_one()) for name, sql in queries.items()
        }


@pytest.fixture
def walked(database: Database) -> tuple[Database, dict[str, int], dict[str, int]]:
    """The demo quarter, with SQL counts captured at the end of Q1 and at the end of Q2."""
    demo.seed_plan(database)
    walk = demo.Walk(database)
    demo.first_quarter(walk)
    at_q1 = sql_counts(database, date(2026, 3, 31))

    def daily(day: date) -> None:
        from models.calendar.days import is_working_day
        from models.escalation.sweep import sweep

        if is_working_day(day):
            with database.transaction() as session:
                sweep(session, as_of=day, now=demo.at(day, 7))

    demo.second_quarter(walk, daily)
    demo.measure_indicators(database)
    return database, at_q1, sql_counts(database, date(2026, 6, 30))


def _check(figures, counts: dict[str, int]) -> None:
    totals = figures.totals
    assert totals["completed_on_time"] + totals["completed_late"] == counts["approved"]
    assert totals["cancelled"] == counts["cancelled"]
    assert totals["overdue"] == counts["overdue"]
    assert totals["waiting_upstream"] == counts["waiting"]
    assert sum(totals.values()) - totals["not_assigned"] == counts["assigned"] == 58


def test_every_figure_matches_sql_counts_and_the_change_across_two_quarters(walked) -> None:
    db, at_q1, at_q2 = walked
    with db.session() as session:
        q2 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q2"), today=TODAY)
        q1 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q1"), today=TODAY)
    _check(q2, at_q2)
    _check(q1, at_q1)  # compiled long after Q1, from history: the same as counted on 31/3
    assert q2.change == {key: q2.totals[key] - q1.totals[key] for key in q2.totals}
    assert q2.previous is not None and q2.previous["totals"] == q1.totals
    # The walk's own story, told by the numbers.
    assert q2.totals["completed_late"] == 1  # task 17, a week after its new deadline
    assert [(o["number"], o["decision"]) for o in q2.overdue] == [("17", "accepted"), ("29", "rejected")]
    assert q1.overdue[0]["number"] == "5" and q1.overdue[0]["decision"] is None  # decided only in April
    assert q2.ratios == {"on_time_ratio": 0.8, "overdue_ratio": round(2 / 6, 4)}
    reported = {r["number"] for r in q2.recurring if r["reported"]}
    assert len(reported) == 17 and "37" in reported and "2" in reported
    accountability = {a["agency"]: a for a in q2.accountability}
    assert accountability["Ban Xây dựng Đảng"]["explanations_rejected"] == 1
    assert not accountability["Ban Xây dựng Đảng"]["eligible_for_commendation"]
    assert accountability["Văn phòng Đảng ủy"]["returned"] == 1  # task 5's first draft
    measured = {i["position"]: (i["value"], i["met"]) for i in q2.indicators}
    assert measured[2] == (72.0, False) and measured[1] == (100.0, True)


def test_same_data_same_numbers(walked) -> None:
    db, _, _ = walked
    with db.session() as session:
        first = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q2"), today=TODAY)
        again = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q2"), today=TODAY)
    assert first.to_dict() == again.to_dict()


def test_the_trend_history_equals_each_period_compiled_on_its_own_within_the_plans_years(walked) -> None:
    db, _, _ = walked
    with db.session() as session:
        q4 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q4"), today=TODAY, history=6)
        alone = {
            key: compile_figures(session, organization_code=ORG, period=parse_period(key), today=TODAY).totals
            for key in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
        }
    # the plans are of 2026: the trend never plots 2025 (it had no tasks), however many periods are asked for
    assert [h["period"] for h in q4.history] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert {h["period"]: h["totals"] for h in q4.history} == alone
    assert q4.history[0]["totals"] != q4.history[1]["totals"]  # the walk changed things between Q1 and Q2


def test_the_first_period_of_the_plans_has_nothing_to_compare_with(walked) -> None:
    db, _, _ = walked
    with db.session() as session:
        q1 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q1"), today=TODAY)
        q2 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q2"), today=TODAY)
    assert q1.previous is None and q1.change == {}  # no "+0" against a 2025 without the plan
    assert q2.previous is not None and q2.previous["period"] == "2026-Q1"


@pytest.mark.parametrize(
    ("text_", "key", "start", "end"),
    [
        ("2026-Q2", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-03", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-h1", "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods(text_: str, key: str, start: date, end: date) -> None:
    period = parse_period(text_)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026-01").previous().key == "2025-12"
    assert parse_period("2026-Q2").label == "quý II năm 2026"


def test_the_written_sections_come_from_the_quarters_own_data(walked) -> None:
    """II. assessment (shortcomings with days late, causes quoted from the explanations), III. the next
    quarter's tasks by unit, IV. proposals for the tasks waiting on the upper level."""
    db, _, _ = walked
    with db.session() as session:
        figures = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q2"), today=TODAY)
    written = figures.written
    overdue = [row for row in figures.tasks if row["category"] == "overdue"]
    assert overdue and len(written["assessment"]["shortcomings"]) == len(overdue)
    late = overdue[0]
    days = (date(2026, 6, 30) - date.fromisoformat(late["due_date"])).days
    assert any(f"Nhiệm vụ {late['number']} ({late['lead_agency']}) quá hạn {days} ngày" in line
               for line in written["assessment"]["shortcomings"])  # fmt: skip
    assert any("“Thiếu nhân sự chuyên trách”" in line for line in written["assessment"]["causes"])
    assert written["next_period"]["label"] == "quý III năm 2026"
    with db.session() as session:  # the plan's deadlines fall in Q2 and at the year's end: Q1's report lists Q2's
        q1 = compile_figures(session, organization_code=ORG, period=parse_period("2026-Q1"), today=TODAY)
    next_quarter = q1.written["next_period"]
    assert next_quarter["label"] == "quý II năm 2026"
    listed = {t["number"] for unit in next_quarter["units"] for t in unit["tasks"]}
    due_in_q2 = {
        row["number"]
        for row in q1.tasks
        if row["due_date"] and "2026-04-01" <= row["due_date"] <= "2026-06-30"
        and row["category"] not in ("completed_on_time", "completed_late", "cancelled")
    }  # fmt: skip
    assert listed == due_in_q2 and listed
    waiting = [row for row in figures.tasks if row["category"] == "waiting_upstream"]
    assert waiting and len(written["proposals"]) == len(waiting)
    assert all("Đề nghị cấp trên" in line for line in written["proposals"])


def test_written_lines_are_cut_at_words_and_long_lists_say_how_many_more() -> None:
    from models.calendar.period import parse_period
    from models.reporting.sections import MAX_LISTED, _capped, _short

    assert _short("một hai ba bốn năm", 9) == "một hai…"
    assert len(_capped([str(n) for n in range(MAX_LISTED + 4)])) == MAX_LISTED + 1
    assert [parse_period(k).following().key for k in ("2026-Q4", "2026-H1", "2026-12", "2026")] == [
        "2027-Q1", "2026-H2", "2027-01", "2027"
    ]  # fmt: skip
