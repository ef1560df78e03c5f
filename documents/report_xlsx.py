"""The report's Excel appendix: every task with status, dates, result and explanation; coloured, filterable."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from models.labels import label_vi
from models.reporting.figures import CATEGORIES, CATEGORY_MEANINGS, RATIO_DEFINITIONS
from models.reporting.views import UNIT_COLUMNS, unit_values

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
    """One row per task, plus a summary sheet of the counts.

    Written in openpyxl's streaming mode: a national appendix has 190,000 rows, which the ordinary
    mode holds in memory cell by cell (and slows down quadratically on).
    """
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("Tổng hợp")
    summary.column_dimensions["A"].width = 28
    summary.append([figures["organization"], figures["period_label"]])
    summary.append(["Trạng thái", "Số nhiệm vụ", "Thay đổi so với kỳ trước"])
    for key, label in CATEGORIES:
        summary.append([label, figures["totals"][key], figures["change"].get(key) if figures.get("previous") else None])
    for key, (name, _meaning) in RATIO_DEFINITIONS.items():
        summary.append([_cell(summary, name), _cell(summary, figures["ratios"][key], number_format="0.0%")])
    for title, groups in (("Theo cơ quan chủ trì", figures["by_agency"]), ("Theo mục", figures["by_section"])):
        _group_sheet(workbook.create_sheet(title), title.removeprefix("Theo ").capitalize(), groups)
    if figures.get("by_organization"):
        _units_sheet(workbook.create_sheet("Theo đơn vị trực thuộc"), figures["by_organization"])
    _definitions_sheet(workbook.create_sheet("Định nghĩa"))
    if figures["tasks"]:  # a roll-up has no appendix: its full task list is `planflow report tasks`
        _appendix_sheet(workbook.create_sheet("Phụ lục"), figures["tasks"], figures["overdue"])
    workbook.save(path)
    return path


def _appendix_sheet(sheet: Any, tasks: Iterable[Any], overdue: list[dict[str, Any]]) -> int:
    """One row per task, coloured by its status, written as the rows come (streamed); returns how many."""
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, title, font=bold) for title in HEADER])
    fills = {key: PatternFill("solid", fgColor=colour) for key, colour in FILLS.items()}
    wrap = Alignment(wrap_text=True, vertical="top")
    explanations = {(o["plan"], o["number"]): o for o in overdue}
    written = 0
    for task in tasks:
        explained = explanations.get((task["plan"], task["number"]), {})
        values = [
            task["plan"],
            int(task["number"]) if str(task["number"]).isdigit() else task["number"],  # 47 sorts as a number
            task["section"],
            task["description"],
            task["lead_agency"],
            task["deadline_text"],
            _day(task["due_date"]),
            task["category_vi"],
            _day(task["completed_at"]),
            task["result"],
            explained.get("explanation"),
            label_vi(explained.get("decision"), empty="") if explained.get("decision") else None,
        ]
        sheet.append([_cell(sheet, value, fill=fills[task["category"]], alignment=wrap) for value in values])
        written += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{written + 1}"  # written after the rows
    return written


def write_task_list_xlsx(tasks: Iterable[Any], path: Path) -> int:
    """The full task list of a report (a roll-up's, which its report leaves out) as one streamed sheet: rows are
    written as they come, so 190,000 tasks never sit in memory as cells; returns how many rows."""
    with path.open("wb") as target:  # a path that cannot be written is refused before the first row is read
        try:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Nhiệm vụ")
            count = _appendix_sheet(sheet, tasks, [])
            workbook.save(target)
        except BaseException:
            target.close()
            path.unlink(missing_ok=True)  # no half-written file left where the export was asked for
            raise
    return count


def _units_sheet(sheet: Any, units: list[dict[str, Any]]) -> None:
    """The subordinate units ranked, as in Word and HTML (ratios as percentages)."""
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(UNIT_COLUMNS))}{len(units) + 1}"
    sheet.append([_cell(sheet, title, font=Font(bold=True)) for title in UNIT_COLUMNS])
    for unit in units:
        *counts, on_time, overdue = unit_values(unit)
        sheet.append([*counts, *(_cell(sheet, ratio, number_format="0.0%") for ratio in (on_time, overdue))])


def _day(value: str | None) -> date | None:
    """A date cell (shown d/m/yyyy, sorted and filtered as a date), from the figures' ISO text."""
    return date.fromisoformat(value[:10]) if value else None


def _cell(sheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "d/m/yyyy"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _group_sheet(sheet: Any, first: str, groups: list[dict[str, Any]]) -> None:
    """One view of the figures: a row per group, counts as integers, ratios as percentages; filterable."""
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "B2"
    header = [first, "Tổng", *(label for _key, label in CATEGORIES), *(n for n, _m in RATIO_DEFINITIONS.values())]
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(groups) + 1}"
    sheet.append([_cell(sheet, title, font=Font(bold=True)) for title in header])
    for group in groups:
        counts = [group["tasks"], *(group[key] for key, _label in CATEGORIES)]
        ratios = [_cell(sheet, group.get(key), number_format="0.0%") for key in RATIO_DEFINITIONS]
        sheet.append([group["name"], *counts, *ratios])


def _definitions_sheet(sheet: Any) -> None:
    """What each status and ratio means: the same words as under the Word and HTML tables."""
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 100
    sheet.append([_cell(sheet, "Thuật ngữ", font=Font(bold=True)), _cell(sheet, "Nghĩa", font=Font(bold=True))])
    for name, meaning in RATIO_DEFINITIONS.values():
        sheet.append([name, meaning])
    for key, label in CATEGORIES:
        sheet.append([label, CATEGORY_MEANINGS[key]])
