"""Which table holds the tasks: the one whose header names a task's fields, joined with the parts a page
break split off it, and holding the most tasks. An indicators table (chỉ tiêu, mục tiêu) gives KPI texts."""

from __future__ import annotations

from dataclasses import dataclass

from documents.tables.grid import Content, Row, Table
from documents.tables.headers import Columns, guessed, header_at, normalize, override
from documents.tables.structure import TableRows, read_structure
from models.errors import InvalidInputError
from models.plan.document import Problem
from models.plan.kpi import parse_indicator

HEADER_SEARCH_ROWS = 8  # a header sits in the first rows of its table (a title row or two may come first)


class NoTaskTableError(InvalidInputError):
    """No table of the file reads as a task table; the message names what was looked for and found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class TaskTable:
    """The chosen table (its parts joined), its header, and what its rows say."""

    table: Table
    columns: Columns
    rows: TableRows


def _find_header(table: Table) -> tuple[int, Columns] | None:
    for index in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
        columns = header_at(table.rows, index)
        if columns is not None:
            return index, columns
    return None


def _joined(tables: list[Table]) -> list[tuple[Table, int, Columns]]:
    """Tables with a header, each followed by the headerless (or same-header) tables of the same width
    that continue it — a table split by page breaks, or a PDF's one table per page."""
    joined: list[tuple[Table, int, Columns]] = []
    for table in tables:
        found = _find_header(table)
        previous = joined[-1] if joined else None
        continues = (
            previous is not None
            and table.width == previous[0].width
            and (found is None or set(found[1].fields) == set(previous[2].fields))
        )
        if previous is not None and continues:
            rows = table.rows[found[0] + found[1].header_rows :] if found else table.rows
            previous[0].rows.extend(rows)
        elif found is not None:
            copy = Table(table.where, list(table.rows))
            joined.append((copy, found[0], found[1]))
    return joined


def find_task_table(content: Content, columns_spec: str | None = None) -> TaskTable:
    """The task table of a file, read; NoTaskTableError when none reads as one."""
    candidates: list[TaskTable] = []
    for table, header_row, columns in _joined(content.tables):
        if columns_spec:
            columns = override(columns, columns_spec)
        data: list[Row] = table.rows[header_row + columns.header_rows :]
        candidates.append(TaskTable(table, columns, read_structure(data, columns)))
    if not candidates and columns_spec and content.tables:
        largest = max(content.tables, key=lambda t: len(t.rows))
        columns = override(guessed(largest.rows[0].cells), columns_spec)
        candidates.append(TaskTable(largest, columns, read_structure(largest.rows[1:], columns)))
    usable = [c for c in candidates if "description" in c.columns.fields]
    if not usable:
        seen = "; ".join(f"{t.where}: {' | '.join(t.rows[0].filled)[:120]}" for t in content.tables[:5] if t.rows)
        raise NoTaskTableError(
            [
                Problem(
                    "tệp",
                    f"không tìm thấy bảng nhiệm vụ trong {len(content.tables)} bảng của tệp "
                    "(cần dòng tiêu đề có 'Nội dung/Tên nhiệm vụ' và ít nhất hai cột như 'Cơ quan chủ trì', "
                    "'Thời gian hoàn thành'; dùng --columns khi tiêu đề khác thường)"
                    + (f"; các bảng đã thấy: {seen}" if seen else ""),
                )
            ]
        )
    return max(usable, key=lambda c: (len(c.rows.tasks), -len(c.rows.problems)))


def indicator_texts(content: Content, chosen: Table) -> list[str]:
    """Key results from an indicators table (a column 'Chỉ tiêu' or 'Mục tiêu'), as measurable sentences."""
    found: list[str] = []
    for table in content.tables:
        if table is chosen or not table.rows:
            continue
        header = [normalize(cell) for cell in table.rows[0].cells]
        if not any(h.startswith(("chi tieu", "ten chi tieu", "muc tieu")) for h in header):
            continue
        for row in table.rows[1:]:
            text = " ".join(cell for cell in row.filled if not cell.strip().rstrip(".").isdigit())
            if text and parse_indicator(text) is not None:
                found.append(text)
    return found
