"""Word (.docx): every table as a grid (merged cells spread, a row that is one merged cell marked), and the
document's running text, table cells of the letterhead included."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable

from documents.tables.grid import Content, Row, Table, cell_text, square
from models.errors import InvalidInputError


class UnreadableFileError(InvalidInputError):
    """The file is not what its name says, or is damaged; the message says what to do."""


def read_docx_content(path: Path) -> Content:
    """The tables and paragraphs of a Word file."""
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(
            f"không mở được tệp Word ({exc}); mở tệp trong Word hoặc LibreOffice và lưu lại dạng .docx"
        ) from exc
    tables = [_table(table, number) for number, table in enumerate(document.tables, start=1)]
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        if len(table.columns) <= 3 and len(table.rows) <= 8:  # a letterhead laid out as a table
            lines = [cell.text for row in table.rows for cell in row.cells] + lines
    return Content("docx", tables, lines)


def _table(table: DocxTable, number: int) -> Table:
    rows: list[Row] = []
    for index, row in enumerate(table.rows, start=1):
        cells = list(row.cells)
        spans = len(cells) > 1 and all(cell._tc is cells[0]._tc for cell in cells)
        rows.append(Row([cell_text(c.text) for c in cells], f"bảng {number}, dòng {index}", spans, index))
    return square(Table(f"bảng {number}", rows))
