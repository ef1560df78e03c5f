"""The report's Excel appendix: every task with status, dates, result and explanation; coloured, filterable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from models.reporting import CATEGORIES

FILLS = {
    "completed_on_time": "C8E6C9",
    "completed_late": "DCEDC8",
    "in_progress": "BBDEFB",
    "due_soon": "FFF9C4",
    "overdue": "FFCDD2",
    "waiting_upstream": "E1BEE7",
    "cancelled": "EEEEEE",
    "not_assigned": "FAFAFA",
}
HEADER = [
    "Kế hoạch",
    "STT",
    "Mục",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Thời hạn (văn bản)",
    "Hạn",
    "Trạng thái",
    "Ngày hoàn thành",
    "Kết quả",
    "Giải trình",
    "Quyết định giải trình",
]
WIDTHS = [16, 7, 30, 60, 28, 18, 12, 22, 14, 40, 40, 16]


def write_report_xlsx(figures: dict[str, Any], path: Path) -> Path:
    """One row per task, plus a summary sheet of the counts."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Tổng hợp"
    summary.append([figures["organization"], figures["period_label"]])
    summary.append(["Trạng thái", "Số nhiệm vụ", "Thay đổi so với kỳ trước"])
    for key, label in CATEGORIES:
        summary.append([label, figures["totals"][key], figures["change"].get(key)])
    summary.column_dimensions["A"].width = 28
    sheet = workbook.create_sheet("Phụ lục")
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    explanations = {(o["plan"], o["number"]): o for o in figures["overdue"]}
    for task in figures["tasks"]:
        explained = explanations.get((task["plan"], task["number"]), {})
        sheet.append(
            [
                task["plan"],
                task["number"],
                task["section"],
                task["description"],
                task["lead_agency"],
                task["deadline_text"],
                task["due_date"],
                task["category_vi"],
                task["completed_at"],
                task["result"],
                explained.get("explanation"),
                explained.get("decision"),
            ]
        )
        fill = PatternFill("solid", fgColor=FILLS[task["category"]])
        for cell in sheet[sheet.max_row]:
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
    return path
