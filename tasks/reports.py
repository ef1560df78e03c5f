"""Prefect tasks of a periodic report: its figures, its files, and the stored record with its message, each in
its own session; `compile_and_store` is the whole of one organization's report, a unit of a batch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from documents.report_docx import ReportLayout
from documents.report_files import charts, write_report_files
from models.calendar.days import local_date
from models.calendar.period import parse_period
from models.reporting.figures import TOP_OVERDUE, compile_figures, organizations_under
from models.reporting.layout import place, recipients, report_number, signer
from models.reporting.store import already_reported, organizations_with_plans, store_report
from runtime.environment import get_database
from runtime.memory import after_unit_of_work
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


@task(name="compile-organization-report", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def compile_organization_report(organization: str, period: str) -> dict[str, Any]:
    """One organization's report: figures, files and the stored record with its message, in that order; then
    what its buffers freed goes back to the system, so a batch of thousands keeps to the memory of a few."""
    try:
        return compile_and_store(organization, period)
    finally:
        after_unit_of_work()


def reports_to_compile(period: str, organizations: list[str] | None, recompile: bool) -> tuple[list[str], set[str]]:
    """The organizations of a batch (those named, else every one with a plan) and those that already have their
    report for the period (none when recompiling): the database is the batch's record."""
    with get_database().session() as session:
        codes = organizations or organizations_with_plans(session)
        return codes, set() if recompile else already_reported(session, period)
