"""What every format yields: tables as grids of cell texts, merged cells spread over the columns they span.

A format reader knows only its file; the meaning of a table (which one holds the tasks, which column is
which) lives in `documents.tables.meaning`, shared by every format.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

_TAG = re.compile(r"<[^>]+>")


@dataclass
class Row:
    """One row: a text per grid column; `spans_row` when one merged cell covers the whole row."""

    cells: list[str]
    where: str  # "trang 3, dòng 5", "bảng 2, dòng 7": how an error message names it
    spans_row: bool = False
    line: int = 0  # the row's number in its source (a file line, a sheet row), for messages

    @property
    def filled(self) -> list[str]:
        """The non-empty cell texts, a merged cell counted once."""
        seen: list[str] = []
        for cell in self.cells:
            if cell and (not seen or seen[-1] != cell):
                seen.append(cell)
        return seen


@dataclass
class Table:
    """A table of a document, where it was found, and its rows in order."""

    where: str
    rows: list[Row] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)


@dataclass
class Content:
    """What a file holds: its tables and its running text (for the plan's title, number and issuer)."""

    format: str
    tables: list[Table]
    lines: list[str]


def cell_text(value: object) -> str:
    """A cell's text: NFC, no HTML fragments, single spaces within lines, no blank lines (None → '')."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if "<" in text:
        text = re.sub(r"</?(?:br|li|p|ul|ol|div)\b[^>]*>", "\n", text, flags=re.I)
        text = _TAG.sub("", text)
        text = html.unescape(text)
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line).strip()


def square(table: Table) -> Table:
    """Every row as wide as the widest (short rows padded with empty cells)."""
    width = table.width
    for row in table.rows:
        row.cells += [""] * (width - len(row.cells))
    return table
