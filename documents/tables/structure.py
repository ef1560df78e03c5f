"""A task table's rows as the plan's structure: sections, tasks, their sub-items and continuations.

- a section row: a Roman numeral or a capital letter (I., II, A., B.), or one text across the whole row;
  a section row that names a lead agency or a deadline passes them to its tasks that leave them empty;
- a task row: an Arabic number (1, 2., 12);
- a sub-item (1.1, a), b), a dash or a plus) stays with its task: its text joins the description, and
  what the task leaves empty it takes from its sub-items (several deadlines become several checkpoints);
- a row with no number continues the row above (a row cut by a page break), blank rows are skipped,
  repeated header rows and the row of column numbers are dropped;
- numbering that restarts in each section becomes "I.1", "II.1", …
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from documents.plan_text import ROMAN
from documents.tables.grid import Row
from documents.tables.headers import FIELD_TITLES_VI, Columns, field_of, is_numbering_row
from models.org.names import clean_text, display_name, split_agencies, split_leaders
from models.plan.document import Problem, SectionRecord, TaskRecord
from models.plan.kpi import measurable_sentences

_SECTION_NUMBER = re.compile(rf"^(?:(?i:phần|mục|chương)\s+)?({ROMAN}|[A-HĐ])[.):]?$")
_TASK_NUMBER = re.compile(rf"^(?:({ROMAN})\.)?(\d{{1,3}})[.)]?$")
_SUB_ITEM = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){1,3}\.?|[a-zđ][.)]|[-+•*–])$")
_INHERITED = ("leaders", "lead_agency", "coordinating_agencies", "deadline", "expected_result")


@dataclass
class TableRows:
    """An appendix read from a table: sections and tasks in source order, and what could not be read."""

    sections: list[SectionRecord] = field(default_factory=list)
    tasks: list[TaskRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Draft:
    values: dict[str, str]
    where: str
    section: str | None
    row: int
    sub_items: list[dict[str, str]] = field(default_factory=list)


def read_structure(rows: list[Row], columns: Columns) -> TableRows:
    """Sections and tasks from the rows under a header (the header rows themselves excluded)."""
    result = TableRows()
    drafts: list[_Draft] = []
    defaults: dict[str, str] = {}
    for index, row in enumerate(rows):
        if not any(row.cells) or is_numbering_row(row) or _repeats_header(row, columns):
            continue
        values = _values(row, columns)
        number = values.get("number", "").strip()
        if _is_section(row, values, number):
            title = values.get("description") or next((c for c in row.filled if c != number), "")
            section_number = _section_number(number, title, len(result.sections))
            result.sections.append(SectionRecord(section_number, clean_text(_strip_number(title))))
            defaults = {  # what the section row itself says of its tasks (not its own title spread across it)
                name: values[name] for name in _INHERITED if values.get(name) and values[name] != title
            }
            continue
        current = result.sections[-1].number if result.sections else None
        if _TASK_NUMBER.match(number):
            for name, value in defaults.items():
                values[name] = values.get(name) or value
            drafts.append(_Draft(values, row.where, current, row.line or index + 1))
        elif _SUB_ITEM.match(number) and drafts:
            drafts[-1].sub_items.append(values)
        elif not number and drafts and drafts[-1].section == current:
            _continue(drafts[-1].sub_items[-1] if drafts[-1].sub_items else drafts[-1].values, values)
        elif not number and result.sections and (not drafts or drafts[-1].section != current):
            result.sections[-1].title = clean_text(f"{result.sections[-1].title} {values.get('description', '')}")
        elif not number:
            result.problems.append(Problem(row.where, "dòng tiếp nối nhưng chưa có nhiệm vụ nào ở trên"))
        else:
            result.problems.append(
                Problem(
                    row.where, f"số thứ tự '{number}' không phải số nhiệm vụ (1, 2, …), mục (I, II, A, B) hay ý con"
                )
            )
    result.tasks = [_task(draft, columns) for draft in drafts]
    _qualify_numbers_by_section(result.tasks)
    return result


def _values(row: Row, columns: Columns) -> dict[str, str]:
    values = {name: row.cells[i] if i < len(row.cells) else "" for name, i in columns.fields.items()}
    extra = [(columns.titles[i], row.cells[i]) for i in columns.extra() if i < len(row.cells) and row.cells[i]]
    start = values.pop("start", "")
    notes = [f"Bắt đầu: {start}"] if start else []
    notes += [f"{clean_text(title)}: {text}" for title, text in extra]
    if notes:
        values["notes"] = "; ".join(filter(None, [values.get("notes", ""), *notes]))
    if "number" not in columns.fields:  # no number column: the description may start with one ("1. …")
        head = re.match(r"^\s*((?:\d{1,3}|[IVX]+|[a-zđ])[.)])\s+", values.get("description", ""))
        values["number"] = head.group(1) if head else ""
    return values


def _repeats_header(row: Row, columns: Columns) -> bool:
    """A header row printed again on a later page (or the table's own header met again)."""
    named = {field_of(cell) for cell in row.filled} - {None}
    return len(named) >= max(3, len(columns.fields) - 1)


def _is_section(row: Row, values: dict[str, str], number: str) -> bool:
    if _SECTION_NUMBER.match(number) and not _TASK_NUMBER.match(number):
        return True
    if row.spans_row or (not number and len(row.filled) == 1 and values.get("description") == row.filled[0]):
        text = row.filled[0] if row.filled else ""
        return bool(re.match(rf"^(?:{ROMAN}|[A-HĐ])[.)]\s", text)) or (row.spans_row and not number)
    return False


def _section_number(number: str, title: str, count: int) -> str:
    match = _SECTION_NUMBER.match(number)
    if match:
        return match.group(1).upper()
    head = re.match(rf"^({ROMAN}|[A-HĐ])[.)]\s", title)
    return head.group(1) if head else str(count + 1)


def _strip_number(title: str) -> str:
    return re.sub(rf"^(?:{ROMAN}|[A-HĐ])[.)]\s+", "", title)


def _continue(target: dict[str, str], values: dict[str, str]) -> None:
    for name, value in values.items():
        if value and name != "number":
            target[name] = (
                f"{target.get(name, '')}\n{value}".strip()
                if name == "description"
                else (f"{target.get(name, '')} {value}".strip())
            )


def _with_sub_items(draft: _Draft) -> dict[str, str]:
    values = dict(draft.values)
    if not draft.sub_items:
        return values
    lines = [values.get("description", "")]
    lines += [f"{item.get('number', '')} {item.get('description', '')}".strip() for item in draft.sub_items]
    values["description"] = "\n".join(line for line in lines if line)
    for name in _INHERITED:
        if not values.get(name):
            found = [item[name] for item in draft.sub_items if item.get(name)]
            unique = list(dict.fromkeys(found))
            joiner = "; " if name == "deadline" else ", "
            values[name] = joiner.join(unique)
    return values


def _task(draft: _Draft, columns: Columns) -> TaskRecord:
    values = _with_sub_items(draft)
    match = _TASK_NUMBER.match(values["number"].strip())
    number = values["number"].strip().rstrip(".)")
    section = values.get("section") or (match.group(1) if match else None) or draft.section
    description = clean_text(values.get("description", ""))
    result = clean_text(values.get("expected_result", ""))
    lead = values.get("lead_agency", "")
    return TaskRecord(
        number=number,
        section=section,
        description=description or f"(thiếu {FIELD_TITLES_VI['description'].lower()})",
        leaders=split_leaders(values.get("leaders", "")),
        lead_agency=display_name(lead) if clean_text(lead) else None,
        coordinating_agencies=split_agencies(values.get("coordinating_agencies", "")),
        expected_result=result,
        kpi_text=clean_text(values.get("kpi_text", "")) or measurable_sentences(description, result),
        deadline=clean_text(values.get("deadline", "")),
        notes=clean_text(values.get("notes", "")),
        classified=clean_text(values.get("classified", "")).lower() == "mật",
        source_row=draft.row,
    )


def _qualify_numbers_by_section(tasks: list[TaskRecord]) -> None:
    """Numbering that restarts in each section ("1, 2 | 1, 2, 3") becomes "I.1", "II.1", …"""
    seen: dict[str, set[str | None]] = {}
    for task in tasks:
        seen.setdefault(task.number, set()).add(task.section)
    if any(len(sections) > 1 for sections in seen.values()):
        for task in tasks:
            if task.section and "." not in task.number:
                task.number = f"{task.section}.{task.number}"
