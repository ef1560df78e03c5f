"""Excel workbooks: a 'Kế hoạch' sheet of labelled metadata and a 'Phụ lục' task table."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from documents.metadata import build_document, metadata_rows, parse_metadata
from documents.plan_text import code_from_path
from documents.table_export import TABLE_HEADER, table_rows
from documents.table_plan import cell_text, find_columns, read_rows
from models.plan_document import PlanDocument, PlanImportError, Problem

META_SHEET = "Kế hoạch"
TABLE_SHEET = "Phụ lục"
_WIDTHS = [7, 6, 60, 26, 26, 30, 40, 30, 18, 20]


def write_xlsx(document: PlanDocument, path: Path) -> Path:
    """Export a plan to an Excel workbook a secretariat can edit and import again."""
    workbook = Workbook()
    meta = workbook.active
    assert meta is not None
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


def read_xlsx(path: Path, *, code: str | None = None) -> PlanDocument:
    """Import a workbook: the first sheet with a task-table header is the appendix."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise PlanImportError(path.name, [Problem("tệp", f"không mở được tệp Excel: {exc}")]) from exc
    try:
        values: dict[str, str] = {}
        indicators: list[str] = []
        table = None
        title_above = ""
        for sheet in workbook.worksheets:
            rows = [
                (i, [cell_text(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            if sheet.title == META_SHEET:
                values, indicators = parse_metadata([(r[0], r[1] if len(r) > 1 else "") for _, r in rows if r])
                continue
            header_at = next((i for i, cells in rows if find_columns(cells)), None)
            if table is None and header_at is not None:
                title_above = next((c for _, cells in rows[: header_at - 1] for c in cells if c), "")
                table = read_rows(rows, where=f"trang '{sheet.title}', dòng")
    finally:
        workbook.close()
    if table is None:
        raise PlanImportError(
            path.name, [Problem("tệp", "không có trang nào chứa bảng nhiệm vụ (dòng tiêu đề STT, Tên nhiệm vụ, …)")]
        )
    document = build_document(
        values=values,
        indicators=indicators,
        tasks=table.tasks,
        sections=table.sections,
        source_name=path.name,
        source_format="xlsx",
        default_code=code_from_path(path),
        fallback_title=title_above or path.stem,
    )
    if code:
        document.code = code
    return document
