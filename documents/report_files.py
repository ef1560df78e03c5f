"""All the files of one report (Word, Excel, HTML) and its Markdown summary, from its figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from documents.report_charts import status_bars, trend
from documents.report_docx import ReportLayout, write_report_docx
from documents.report_html import write_report_html
from documents.report_xlsx import write_report_xlsx
from models.reporting.figures import CATEGORIES
from models.vn_format import change_text, day_text, percent_text


def charts(figures: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, bytes]:
    """Status by section, by lead agency, and the trend over the last periods."""
    return {
        "sections": status_bars(figures["by_section"], "Trạng thái nhiệm vụ theo mục"),
        "agencies": status_bars(figures["by_agency"], "Trạng thái nhiệm vụ theo cơ quan chủ trì"),
        "trend": trend(history, "Diễn biến qua các kỳ"),
    }


def write_report_files(figures: dict[str, Any], layout: ReportLayout, folder: Path) -> list[Path]:
    """Write the .docx, .xlsx and .html of a report into `folder` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"bao-cao-{figures['organization_code']}-{figures['period']}"
    return [
        write_report_docx(figures, layout, folder / f"{stem}.docx"),
        write_report_xlsx(figures, folder / f"{stem}.xlsx"),
        write_report_html(figures, layout, folder / f"{stem}.html"),
    ]


def markdown_summary(figures: dict[str, Any]) -> str:
    """The report in a few lines of Markdown, for the Prefect UI."""
    previous = figures.get("previous")
    lines = [
        f"# Báo cáo {figures['period_label']} — {figures['organization']}",
        "",
        f"Tính đến {day_text(figures['as_of'])}; {sum(figures['totals'].values())} nhiệm vụ.",
        "",
        "| Trạng thái | Số nhiệm vụ | Thay đổi |",
        "|---|---:|---:|",
    ]
    for key, label in CATEGORIES:
        change = figures["change"].get(key) if previous else None
        lines.append(f"| {label} | {figures['totals'][key]} | {change_text(change)} |")
    ratios = figures["ratios"]
    on_time, overdue = percent_text(ratios["on_time_ratio"]), percent_text(ratios["overdue_ratio"])
    not_eligible = [a["agency"] for a in figures["accountability"] if not a["eligible_for_commendation"]]
    lines += [
        "",
        f"Tỷ lệ hoàn thành đúng hạn: {on_time}; tỷ lệ quá hạn: {overdue}.",
        f"Nhiệm vụ quá hạn: {figures['totals']['overdue']}; "
        f"cơ quan không đủ điều kiện xét khen thưởng: {', '.join(not_eligible) or 'không'}.",
    ]
    return "\n".join(lines)
