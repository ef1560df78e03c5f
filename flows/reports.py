"""Compile a periodic report from the data alone, write it as Word, Excel and HTML, publish and send it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from documents.report_files import markdown_summary
from models.calendar.days import local_date
from models.calendar.period import last_complete_period
from models.reporting.figures import CATEGORIES, TOP_OVERDUE
from runtime.prefect_run import label_current_run
from runtime.progress import steps
from runtime.settings import get_settings
from tasks.reports import compute_figures, report_folder, store_and_send, write_files


@flow(name="compile-report", flow_run_name="report {organization} {period}")
def compile_report(
    period: str, organization: str, output_dir: str | None = None, top: int = TOP_OVERDUE
) -> dict[str, Any]:
    """Compile the report of an organization (and those under it) for a month, quarter, half year or year; a
    roll-up names its `top` most overdue tasks."""
    label_current_run(f"report {organization} {period}", [f"org:{organization}", f"period:{period}", "step:report"])
    now = datetime.now(UTC)
    with steps(f"Báo cáo {organization} {period}", total=3) as report:
        figures = compute_figures(organization, period, local_date(now).isoformat(), top)
        report(1, None)
        folder = output_dir or report_folder(organization, period)
        files = write_files(figures, folder, local_date(now).isoformat())
        report(2, None)
        queued = store_and_send(figures, files, now.isoformat())
        report(3, None)
    create_markdown_artifact(
        markdown_summary(figures),
        key=_artifact_key(organization, period, "summary"),
        description=f"Báo cáo {figures['period_label']}",
    )
    create_table_artifact(
        [{"trạng thái": label, "số nhiệm vụ": figures["totals"][key]} for key, label in CATEGORIES],
        key=_artifact_key(organization, period, "table"),
        description="Nhiệm vụ theo trạng thái",
    )
    headline = {"tasks": sum(figures["totals"].values()), **figures["totals"], **figures["ratios"]}
    get_run_logger().info(
        "Report %s %s: %s; %d files; %d messages queued", organization, period, headline, len(files), queued
    )
    return {
        "period": figures["period"],
        "organization": organization,
        "files": files,
        "figures": headline,
        "change": figures["change"],
        "notifications": queued,
    }


def _artifact_key(organization: str, period: str, part: str) -> str:
    """Artifact keys allow lower-case letters, digits and dashes only."""
    return f"report-{organization}-{period}-{part}".lower().replace("_", "-")


@flow(name="compile-due-reports", flow_run_name="scheduled {kind} reports")
def compile_due_reports(kind: str = "quarter", organization: str | None = None) -> dict[str, Any]:
    """On schedule: the report of the month or quarter just ended, for one organization or every one with a plan,
    in parallel and resumable (`flows.report_batch`): a re-run compiles only what is missing."""
    from flows.report_batch import run_period_reports

    period = last_complete_period(local_date(datetime.now(UTC)), kind).key
    return run_period_reports(
        period, workers=get_settings().report_workers, organizations=[organization] if organization else None
    )
