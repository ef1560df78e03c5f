"""Excel export: a 'Kế hoạch' sheet of labelled metadata and a 'Phụ lục' task table (read back by documents.reader)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from documents.metadata import metadata_rows
from documents.table_export import TABLE_HEADER, table_rows
from models.plan.document import PlanDocument

META_SHEET = "Kế hoạch"
TABLE_SHEET = "Phụ lục"
_WIDTHS = [7, 6, 60, 26, 26, 30, 40, 30, 18, 20]


def write_xlsx(document: PlanDocument, path: Path) -> Path:
    """Export a plan to an Excel workbook a secretariat can edit and import again."""
    workbook = Workbook()
    meta = cast(Worksheet, workbook.active)  # a new workbook always has its first sheet
    meta.title = META_SHEET
    for label, value in metadata_rows(document):
        meta.append([label, value])
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 90
    sheet = workbook.create_sheet(TABLE_SHEET)
    sheet.append(TABLE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for kind, cells in table_rows(document):
        sheet.append(cells)
        if kind == "section":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="EEEEEE")
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
    return path
