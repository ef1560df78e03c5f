"""A review cycle, started by the secretariat: every lead agency is asked for its progress update."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from models.calendar.days import add_working_days, local_date
from models.calendar.period import period_containing
from models.reporting.review_cycle import cycle_summary
from runtime.prefect_run import label_current_run
from tasks.review import open_review_cycle

DEFAULT_WORKING_DAYS = 5


@flow(name="review-cycle", flow_run_name="review cycle")
def review_cycle(
    period: str | None = None,
    due_date: date | None = None,
    organization: str | None = None,
    actor: str = "Văn phòng Đảng ủy",
) -> dict[str, Any]:
    """Ask each lead agency with open or recurring tasks for its update (by default: this quarter, in 5
    working days, for the only organization with a plan); the daily sweep reminds those who have not answered
    and, after the due date, closes the cycle and compiles the report."""
    today = local_date(datetime.now(UTC))
    period = period or period_containing(today, "quarter").key
    due = due_date or add_working_days(today, DEFAULT_WORKING_DAYS)
    state = open_review_cycle(organization, period, due, actor)
    label_current_run(
        f"review cycle {state.organization} {period}",
        [f"org:{state.organization}", f"period:{period}", "step:review-cycle"],
    )
    create_markdown_artifact(
        cycle_summary(state),
        key=f"review-cycle-{state.organization}-{period}".lower(),
        description=f"Kỳ rà soát {period}",
    )
    get_run_logger().info(
        "Review cycle %s %s: %d agencies asked, due %s", state.organization, period, len(state.asked), due
    )
    return state.to_dict()
