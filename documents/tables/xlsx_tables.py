"""Excel (.xlsx): each sheet as a grid, merged ranges spread over their cells."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from documents.tables.docx_tables import UnreadableFileError
from documents.tables.grid import Content, Row, Table, cell_text, square


def read_xlsx_content(path: Path) -> Content:
    """Every sheet of a workbook as a table (values, not formulas)."""
    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"không mở được tệp Excel ({exc}); mở trong Excel hoặc LibreOffice và lưu lại dạng .xlsx"
        ) from exc
    tables: list[Table] = []
    lines: list[str] = []
    for sheet in workbook.worksheets:
        grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        across: set[int] = set()
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
            if merged.min_col == 1 and merged.max_col >= max((len(r) for r in grid), default=0):
                across.update(range(merged.min_row - 1, merged.max_row))
        rows = [
            Row(cells, f"trang '{sheet.title}', dòng {index + 1}", index in across, index + 1)
            for index, cells in enumerate(grid)
        ]
        tables.append(square(Table(f"trang '{sheet.title}'", rows)))
        lines += [row.filled[0] for row in rows[:12] if len(row.filled) == 1]  # titles above the table
    workbook.close()
    return Content("xlsx", tables, lines)
