"""Compile a periodic report from the data alone, write it as Word, Excel and HTML, publish and send it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from documents.report_docx import ReportLayout
from documents.report_files import charts, markdown_summary, write_report_files
from models.calendar import local_date
from models.period import last_complete_period, parse_period
from models.report_layout import place, recipients, report_number, signer
from models.report_store import store_report
from models.reporting import (
    CATEGORIES,
    TOP_OVERDUE,
    compile_figures,
    organizations_under,
)
from runtime.environment import get_database
from runtime.prefect_run import label_current_run
from runtime.progress import steps
from runtime.settings import get_settings


def figures_of(organization: str, period: str, today_iso: str, top: int = TOP_OVERDUE) -> dict[str, Any]:
    """Every number of the report, from the database as it stood at the period's end."""
    today = datetime.fromisoformat(today_iso).date()
    with get_database().session() as session:
        figures = compile_figures(
            session, organization_code=organization, period=parse_period(period), today=today, history=3, top=top
        )
    return figures.to_dict()


def files_of(figures: dict[str, Any], folder: str, issued_iso: str) -> list[str]:
    """Word, Excel and HTML in the output folder."""
    issued_on = datetime.fromisoformat(issued_iso).date()
    with get_database().session() as session:
        root, _ = organizations_under(session, figures["organization_code"])
        title, name = signer(session, root)
        layout = ReportLayout(
            number=report_number(issued_on),
            place=place(root),
            issued_on=issued_on,
            signer_title=title,
            signer_name=name,
            recipients=recipients(root),
            charts=charts(figures, figures["history"]),
        )
    return [str(path) for path in write_report_files(figures, layout, Path(folder))]


def stored(figures: dict[str, Any], files: list[str], now_iso: str) -> int:
    """The report kept (recompiling replaces it) with its message, in one transaction; messages queued."""
    with get_database().transaction() as session:
        return store_report(session, figures, files, datetime.fromisoformat(now_iso))


def report_folder(organization: str, period: str) -> str:
    """Where a report's files go unless told otherwise: $PLANFLOW_HOME/reports/ORGANIZATION/PERIOD."""
    return str(get_settings().home / "reports" / organization / period)


def compile_and_store(organization: str, period: str, top: int = TOP_OVERDUE) -> dict[str, Any]:
    """One organization's report from start to end (figures, files, the stored record), as one unit of a batch."""
    now = datetime.now(UTC)
    today = local_date(now).isoformat()
    figures = figures_of(organization, period, today, top)
    files = files_of(figures, report_folder(organization, period), today)
    queued = stored(figures, files, now.isoformat())
    return {"organization": organization, "period": period, "files": files, "notifications": queued}


@task(name="compute-figures", cache_policy=NO_CACHE)
def compute_figures(organization: str, period: str, today_iso: str, top: int = TOP_OVERDUE) -> dict[str, Any]:
    """Every number of the report, from the database as it stood at the period's end."""
    return figures_of(organization, period, today_iso, top)


@task(name="write-report-files", cache_policy=NO_CACHE)
def write_files(figures: dict[str, Any], folder: str, issued_iso: str) -> list[str]:
    """Word, Excel and HTML in the output folder."""
    return files_of(figures, folder, issued_iso)


@task(name="store-and-send-report", cache_policy=NO_CACHE)
def store_and_send(figures: dict[str, Any], files: list[str], now_iso: str) -> int:
    """Keep the report (recompiling replaces it) and queue its message; unchanged figures are not sent twice."""
    return stored(figures, files, now_iso)


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
