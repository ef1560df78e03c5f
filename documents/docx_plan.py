"""Word export: a labelled metadata table, then the appendix's task table (read back by documents.reader)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from documents.metadata import metadata_rows
from documents.table_export import TABLE_HEADER, table_rows
from models.plan.document import PlanDocument


def write_docx(document: PlanDocument, path: Path) -> Path:
    """Export a plan to a Word file: 'PHỤ LỤC', its title, metadata and the task table."""
    doc = Document()
    section = doc.sections[0]  # an appendix of eleven columns is printed landscape, as plans print them
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
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
