"""A review cycle, started by the secretariat: every lead agency is asked for its progress update."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from models.calendar import add_working_days, local_date
from models.period import period_containing
from models.review_cycle import start_cycle
from runtime.environment import get_database
from runtime.prefect_run import label_current_run

DEFAULT_WORKING_DAYS = 5


@flow(name="review-cycle", flow_run_name="review cycle {organization}")
def review_cycle(
    period: str | None = None,
    due_date: date | None = None,
    organization: str = "dang-uy-phuong-vinh-tuy",
    actor: str = "Văn phòng Đảng ủy",
) -> dict[str, Any]:
    """Ask each lead agency with open or recurring tasks for its update (by default: this quarter, in 5
    working days); the daily sweep reminds those who have not answered and, after the due date, closes
    the cycle and compiles the report."""
    today = local_date(datetime.now(UTC))
    period = period or period_containing(today, "quarter").key
    due = due_date or add_working_days(today, DEFAULT_WORKING_DAYS)
    label_current_run(
        f"review cycle {organization} {period}", [f"org:{organization}", f"period:{period}", "step:review-cycle"]
    )
    with get_database().transaction() as session:
        state = start_cycle(
            session, organization_code=organization, period=period, due=due, actor=actor, now=datetime.now(UTC)
        ).to_dict()
    lines = [
        f"# Kỳ rà soát {period} — {organization}",
        "",
        f"Hạn báo cáo: {due.isoformat()}.",
        "",
        "| Cơ quan chủ trì | Đã báo cáo |",
        "|---|---|",
    ]
    lines += [f"| {name} | {'có' if name in state['answered'] else 'chưa'} |" for name in state["asked"]]
    create_markdown_artifact(
        "\n".join(lines), key=f"review-cycle-{organization}-{period}".lower(), description=f"Kỳ rà soát {period}"
    )
    get_run_logger().info(
        "Review cycle %s %s: %d agencies asked, due %s", organization, period, len(state["asked"]), due
    )
    return state
