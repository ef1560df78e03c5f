"""A born-digital PDF: the tables pdfplumber finds on each page (one per page, joined later by their header)
and the text of every page. A scanned PDF, a damaged or a password-protected one is refused with a message."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from documents.tables.docx_tables import UnreadableFileError
from documents.tables.grid import Content, Row, Table, cell_text, square
from runtime.progress import steps


def read_pdf_content(path: Path) -> Content:
    """Tables and text of a PDF printed or exported from a document (not a scan)."""
    try:
        with pdfplumber.open(path) as pdf, steps(f"Đọc {path.name}: các trang", total=len(pdf.pages)) as report:
            tables: list[Table] = []
            lines: list[str] = []
            for page_number, page in enumerate(pdf.pages, start=1):
                found_here = page.extract_tables()
                if not tables or not found_here:  # the running text: pages before the appendix's table
                    lines += (page.extract_text() or "").splitlines()
                tables += [_table(found, page_number, len(tables) + n + 1) for n, found in enumerate(found_here)]
                report(page_number, None)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        reason = (
            "có mật khẩu" if "password" in repr(exc).lower() else f"hỏng hoặc không phải PDF ({type(exc).__name__})"
        )
        raise UnreadableFileError(f"không đọc được tệp PDF: {reason}; hãy dùng bản gốc không đặt mật khẩu") from exc
    if not any(line.strip() for line in lines):
        raise UnreadableFileError(
            "tệp PDF không có lớp chữ (bản quét ảnh): hãy dùng bản PDF xuất từ Word, tệp Word gốc, "
            "hoặc nhận dạng chữ (OCR) trước khi nhập"
        )
    return Content("pdf", tables, lines)


def _table(found: list[list[str | None]], page: int, number: int) -> Table:
    rows: list[Row] = []
    for index, raw in enumerate(found, start=1):
        spans = len(raw) > 1 and raw[0] is not None and all(cell is None for cell in raw[1:])
        cells: list[str] = []
        for cell in raw:  # a cell merged with the one before it comes back as None
            # a PDF breaks a cell's text where the column is narrow, not where the writer did: lines → spaces
            text = _unwrapped(cell_text(cell)) if cell is not None else (cells[-1] if cells and spans else "")
            cells.append(text)
        rows.append(Row(cells, f"trang {page}, dòng {index} của bảng", spans, index))
    return square(Table(f"trang {page}", rows))


def _unwrapped(text: str) -> str:
    """A cell's lines joined as the writer typed them: with a space, except inside an address cut in two."""
    joined = ""
    for line in text.splitlines():
        last = joined.rsplit(" ", 1)[-1]
        in_address = ("://" in last or last.startswith("www.")) and not line.startswith(("http", "www"))
        glue = "" if joined and in_address else " "
        joined = f"{joined}{glue}{line}" if joined else line
    return " ".join(joined.split())
