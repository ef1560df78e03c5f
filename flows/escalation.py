"""Each working day: remind before deadlines, escalate after them; then send what was queued."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger

from flows.reports import compile_report
from models.calendar.days import VIETNAM, local_date
from runtime.prefect_run import label_current_run
from tasks.notify import (
    advance_review_cycles,
    drain_outbox,
    remove_unreferenced_evidence,
    sweep_open_tasks,
    tell_secretariat_of_undelivered,
)


@flow(name="escalation-sweep", flow_run_name="sweep {as_of}")
def escalation_sweep(as_of: date | None = None) -> dict[str, Any]:
    """Fire every reminder and escalation due on a day (today in Vietnam by default), exactly once."""
    now = datetime.now(UTC)
    day = as_of or local_date(now)
    if as_of is not None:  # a replay: the moment is that day's 07:00 in Vietnam
        now = datetime(day.year, day.month, day.day, 7, tzinfo=VIETNAM)
    label_current_run(f"sweep {day.isoformat()}", ["step:sweep"])
    result = sweep_open_tasks(day, now).to_dict()
    for failure in result["failures"]:  # the others were chased; these need a person to look at their data
        get_run_logger().error("Sweep %s: %s not chased: %s", day, failure["organization"], failure["error"])
    result["evidence_removed"] = remove_unreferenced_evidence()
    result["undelivered_digests"] = tell_secretariat_of_undelivered(day, now)
    cycles = advance_review_cycles(day, now)
    result.update(cycles)
    for closed in cycles["cycles_closed"]:  # a closed review cycle ends with its report
        organization, period = str(closed).split("/")
        compile_report(period=period, organization=organization)
    get_run_logger().info(
        "Sweep %s: %d reminders, %d escalations, %d explanation requests, %d progress, %d upstream; %d messages queued",
        day,
        result["reminders"],
        result["escalations"],
        result["explanation_requests"],
        result["progress_reminders"] + result["progress_missing"],
        result["upstream_checks"],
        result["notifications"],
    )
    return result


@flow(name="deliver-notifications")
def deliver_notifications(limit: int = 500) -> dict[str, Any]:
    """Send pending messages by e-mail or webhook; failures wait and retry, none is sent twice."""
    report = drain_outbox(datetime.now(UTC), limit).to_dict()
    get_run_logger().info(
        "Delivered %d, retrying %d, failed %d, unconfirmed %d",
        report["sent"],
        report["retrying"],
        report["failed"],
        report["unconfirmed"],
    )
    return report
