"""A review cycle, started by the secretariat: every lead agency is asked for its progress update."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger

from models.review_cycle import start_cycle
from planflow.prefect_run import label_current_run
from planflow.runtime import get_database


@flow(name="review-cycle", flow_run_name="review cycle {organization} {period}")
def review_cycle(
    period: str, due_date: date, organization: str = "dang-uy-phuong-vinh-tuy", actor: str = "Văn phòng Đảng ủy"
) -> dict[str, Any]:
    """Ask each lead agency with open or recurring tasks for its update by `due_date`; the daily sweep
    reminds those who have not answered and, after the due date, closes the cycle and compiles the report."""
    label_current_run(
        f"review cycle {organization} {period}", [f"org:{organization}", f"period:{period}", "step:review-cycle"]
    )
    with get_database().transaction() as session:
        state = start_cycle(
            session, organization_code=organization, period=period, due=due_date, actor=actor, now=datetime.now(UTC)
        ).to_dict()
    get_run_logger().info(
        "Review cycle %s %s: %d agencies asked, due %s", organization, period, len(state["asked"]), due_date
    )
    return state
