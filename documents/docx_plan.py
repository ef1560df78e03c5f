"""Word documents: a labelled metadata table, then the appendix's task table."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Pt

from documents.metadata import build_document, metadata_rows, parse_metadata
from documents.plan_text import code_from_path
from documents.table_export import TABLE_HEADER, table_rows
from documents.table_plan import cell_text, find_columns, read_rows
from models.plan_document import PlanDocument, PlanImportError, Problem


def write_docx(document: PlanDocument, path: Path) -> Path:
    """Export a plan to a Word file: 'PHỤ LỤC', its title, metadata and the task table."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    doc.add_paragraph("PHỤ LỤC").runs[0].bold = True
    doc.add_paragraph(document.title)
    meta = doc.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    for label, value in metadata_rows(document):
        cells = meta.add_row().cells
        cells[0].text = label
        cells[1].text = value
    doc.add_paragraph("")
    table = doc.add_table(rows=1, cols=len(TABLE_HEADER))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, TABLE_HEADER, strict=True):
        cell.text = title
    for _kind, cells in table_rows(document):
        row = table.add_row().cells
        for cell, value in zip(row, cells, strict=True):
            cell.text = value
    doc.save(str(path))
    return path


def read_docx(path: Path, *, code: str | None = None) -> PlanDocument:
    """Import a Word file whose appendix is a table (metadata table optional)."""
    try:
        doc = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanImportError(path.name, [Problem("tệp", f"không mở được tệp Word: {exc}")]) from exc
    values: dict[str, str] = {}
    indicators: list[str] = []
    table_result = None
    for number, table in enumerate(doc.tables, start=1):
        rows = [(i, [cell_text(c.text) for c in row.cells]) for i, row in enumerate(table.rows, start=1)]
        if rows and len(rows[0][1]) == 2 and not find_columns(rows[0][1]):
            values, indicators = parse_metadata([(cells[0], cells[1]) for _, cells in rows])
        elif table_result is None and any(find_columns(cells) for _, cells in rows):
            table_result = read_rows(rows, where=f"bảng {number}, dòng")
    if table_result is None:
        raise PlanImportError(path.name, [Problem("tệp", "không có bảng nhiệm vụ (dòng tiêu đề STT, Tên nhiệm vụ, …)")])
    title = next(
        (p.text.strip() for p in doc.paragraphs if p.text.strip() and p.text.strip().upper() != "PHỤ LỤC"), path.stem
    )
    document = build_document(
        values=values,
        indicators=indicators,
        tasks=table_result.tasks,
        sections=table_result.sections,
        source_name=path.name,
        source_format="docx",
        default_code=code_from_path(path),
        fallback_title=title,
    )
    if code:
        document.code = code
    return document
