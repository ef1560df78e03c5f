"""An appendix held as a table (tab-separated text, Excel, Word): rows of cells → tasks.

The same rules serve every table format: the header row names the columns (in any
order, under any of their usual Vietnamese names); a row whose number is a Roman
numeral opens a section; a row with an empty number continues the task above it
(tables broken across pages); repeated header rows are skipped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from documents.plan_text import ROMAN
from models.agency_names import clean_text, display_name, split_agencies, split_leaders
from models.kpi import measurable_sentences
from models.plan_document import Problem, SectionRecord, TaskRecord

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("stt", "tt", "số tt", "số thứ tự"),
    "section": ("mục",),
    "description": ("tên nhiệm vụ", "nhiệm vụ cụ thể", "nhiệm vụ", "nội dung nhiệm vụ", "nội dung"),
    "leaders": ("đồng chí lãnh đạo phụ trách", "lãnh đạo phụ trách"),
    "lead_agency": ("cơ quan chủ trì", "đơn vị chủ trì"),
    "coordinating_agencies": ("cơ quan phối hợp", "đơn vị phối hợp"),
    "expected_result": ("yêu cầu kết quả (kpi)", "yêu cầu kết quả", "kết quả, sản phẩm", "kết quả", "sản phẩm"),
    "kpi_text": ("chỉ tiêu (kpi)", "chỉ tiêu"),
    "deadline": ("thời gian hoàn thành", "thời hạn hoàn thành", "thời hạn"),
    "notes": ("ghi chú",),
    "classified": ("độ mật",),
}
REQUIRED_COLUMNS = ("number", "description", "lead_agency", "expected_result", "deadline")
COLUMN_TITLES_VI = {
    "number": "STT",
    "description": "Tên nhiệm vụ",
    "lead_agency": "Cơ quan chủ trì",
    "expected_result": "Kết quả / Yêu cầu kết quả",
    "deadline": "Thời gian hoàn thành",
}

_ROMAN_ONLY = re.compile(rf"^{ROMAN}\.?$")
_TASK_NUMBER = re.compile(rf"^(?:(?P<section>{ROMAN})\.)?(?P<n>\d{{1,3}})\.?$")
_TAG = re.compile(r"<[^>]+>")


class TableFormatError(ValueError):
    """The table cannot be read as an appendix (no header, missing columns)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class TableRows:
    """An appendix read from a table: sections and tasks in source order."""

    sections: list[SectionRecord] = field(default_factory=list)
    tasks: list[TaskRecord] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell's text without HTML fragments or stray spaces (None → '')."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text:
        text = re.sub(r"</?(?:br|li|p|ul|ol|div)\b[^>]*>", "\n", text, flags=re.I)
        text = _TAG.sub("", text)
        text = html.unescape(text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _header_key(text: str) -> str:
    return " ".join(text.lower().split())


def find_columns(cells: list[str]) -> dict[str, int] | None:
    """Map field → column index when `cells` is a header row, else None."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        for name, aliases in COLUMN_ALIASES.items():
            if name not in columns and key in aliases:
                columns[name] = index
                break
    if "number" in columns and "description" in columns:
        return columns
    return None


def read_rows(rows: list[tuple[int, list[str]]], *, where: str = "dòng") -> TableRows:
    """Turn (row number, cells) into sections and tasks; bad rows are all reported at once."""
    columns: dict[str, int] | None = None
    result = TableRows()
    problems: list[Problem] = []
    raw: list[dict[str, str]] = []
    for row_number, cells in rows:
        cells = [cell_text(c) for c in cells]
        if not any(cells):
            continue
        header = find_columns(cells)
        if header is not None:
            columns = columns or _checked(header, row_number, where)
            continue
        if columns is None:
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        number = values["number"].strip()
        if _ROMAN_ONLY.match(number) and not _has_task_cells(values):
            result.sections.append(SectionRecord(number.rstrip("."), clean_text(values["description"])))
        elif _TASK_NUMBER.match(number):
            values["_row"] = str(row_number)
            values["_section"] = result.sections[-1].number if result.sections else ""
            raw.append(values)
        elif not number and raw:
            _continue_task(raw[-1], values)
        elif not number:
            problems.append(Problem(f"{where} {row_number}", "dòng tiếp nối nhưng chưa có nhiệm vụ nào ở trên"))
        else:
            problems.append(Problem(f"{where} {row_number}", f"STT '{number}' không phải số thứ tự nhiệm vụ"))
    if columns is None:
        problems.append(Problem("bảng", "không tìm thấy dòng tiêu đề (STT, Tên nhiệm vụ, Cơ quan chủ trì, …)"))
    if problems:
        raise TableFormatError(problems)
    result.tasks = [_task(values) for values in raw]
    _qualify_numbers_by_section(result.tasks)
    return result


def _checked(columns: dict[str, int], row_number: int, where: str) -> dict[str, int]:
    missing = [COLUMN_TITLES_VI[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise TableFormatError([Problem(f"{where} {row_number}", "bảng thiếu cột: " + ", ".join(missing))])
    return columns


def _has_task_cells(values: dict[str, str]) -> bool:
    return any(values.get(name) for name in ("lead_agency", "coordinating_agencies", "expected_result", "deadline"))


def _continue_task(task: dict[str, str], values: dict[str, str]) -> None:
    for name, value in values.items():
        if value and name != "number":
            task[name] = f"{task.get(name, '')} {value}".strip()


def _task(values: dict[str, str]) -> TaskRecord:
    match = _TASK_NUMBER.match(values["number"].strip())
    assert match is not None  # rows reach here only with a task number
    section = values.get("section") or match.group("section") or values["_section"] or None
    description = clean_text(values["description"])
    result = clean_text(values.get("expected_result", ""))
    lead = values.get("lead_agency", "")
    return TaskRecord(
        number=values["number"].strip().rstrip("."),
        section=section,
        description=description,
        leaders=split_leaders(values.get("leaders", "")),
        lead_agency=display_name(lead) if clean_text(lead) else None,
        coordinating_agencies=split_agencies(values.get("coordinating_agencies", "")),
        expected_result=result,
        kpi_text=clean_text(values.get("kpi_text", "")) or measurable_sentences(description, result),
        deadline=clean_text(values.get("deadline", "")),
        notes=clean_text(values.get("notes", "")),
        classified=clean_text(values.get("classified", "")).lower() == "mật",
        source_row=int(values["_row"]),
    )


def _qualify_numbers_by_section(tasks: list[TaskRecord]) -> None:
    """Numbering that restarts in each section ("1, 2 | 1, 2, 3") becomes "I.1", "II.1", …"""
    numbers = [t.number for t in tasks]
    restarts = any(
        numbers.count(t.number) > 1 and len({u.section for u in tasks if u.number == t.number}) > 1 for t in tasks
    )
    if restarts:
        for task in tasks:
            if task.section and "." not in task.number:
                task.number = f"{task.section}.{task.number}"
