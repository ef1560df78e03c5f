"""Reports over HTTP: the secretariat compiles a period (through the compile-report flow, as the CLI does);
the secretariat and the Standing Committee list and download their organization's reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.accounts.access import is_secretariat, sees_reports
from models.calendar.period import parse_period
from models.errors import ForbiddenError, ReportError
from models.org.tables import Organization, Person
from models.reporting.figures import StoredReport
from runtime.prefect_run import run_flow

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
}
NOT_A_READER = "Chỉ Văn phòng Đảng ủy và Ban Thường vụ xem báo cáo tổng hợp."
NO_SUCH_FILE = "Không có tệp báo cáo này trong phạm vi của bạn."


class ReportAccessError(ForbiddenError):
    """Someone outside the secretariat (or the Standing Committee, for reading) asked for reports."""


def compile_for(session: Session, person: Person, period: str) -> dict[str, Any]:
    """Compile the person's organization's report for a period; only the secretariat may."""
    if not is_secretariat(person):
        raise ReportAccessError("Chỉ Văn phòng Đảng ủy được tổng hợp báo cáo.")
    parsed = parse_period(period)
    if not 2000 <= parsed.start.year <= 2100:
        raise ReportError(f"Kỳ báo cáo '{period}' nằm ngoài các năm 2000–2100.")
    organization = session.get_one(Organization, person.organization_id)  # a person always belongs to one
    code = organization.code
    session.close()  # the flow opens its own transactions
    from flows.reports import compile_report

    return run_flow(compile_report, period=parsed.key, organization=code)


def stored_reports(session: Session, person: Person) -> list[StoredReport]:
    """The organization's reports, newest period first (empty for those who may not read them)."""
    if not sees_reports(person):
        return []
    return list(
        session.scalars(
            select(StoredReport)
            .where(StoredReport.organization_id == person.organization_id)
            .order_by(StoredReport.period.desc(), StoredReport.id.desc())
        )
    )


def report_summary(report: StoredReport) -> dict[str, Any]:
    """A stored report as the API lists it: period, totals, ratios and its file names."""
    figures = report.figures
    return {
        "id": report.id,
        "period": report.period,
        "period_label": figures.get("period_label"),
        "as_of": figures.get("as_of"),
        "totals": figures.get("totals", {}),
        "ratios": figures.get("ratios", {}),
        "change": figures.get("change", {}),
        "files": [Path(f).name for f in report.files],
    }


def report_file(session: Session, person: Person, report_id: int, name: str) -> Path | None:
    """One of a stored report's own files, chosen by its exact name (no other path can be reached)."""
    report = session.get(StoredReport, report_id)
    if report is None or report.organization_id != person.organization_id or not sees_reports(person):
        return None
    for file in report.files:
        path = Path(file)
        if path.name == name and path.suffix in MEDIA_TYPES and path.is_file():
            return path
    return None
