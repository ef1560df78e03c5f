"""A web page saved from a legal-documents site (.html/.htm): its innermost tables, row and column spans
spread over the grid, and its text outside the tables."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from lxml import etree

from documents.tables.docx_tables import UnreadableFileError
from documents.tables.grid import Content, Row, Table, cell_text, square


def read_html_content(path: Path) -> Content:
    """Tables (layout tables that only hold other tables are skipped) and running text of a saved page."""
    raw = path.read_bytes()
    try:
        root = lxml.html.document_fromstring(raw)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFileError(f"không đọc được trang web: {exc}") from exc
    for element in root.xpath("//script|//style|//noscript"):
        element.drop_tree()
    tables = [_table(element, number) for number, element in enumerate(root.xpath("//table[not(.//table)]"), start=1)]
    for element in root.xpath("//br"):
        element.tail = "\n" + (element.tail or "")
    lines = _text_lines(root)
    return Content("html", [t for t in tables if t.rows], lines)


def _text_lines(root: lxml.html.HtmlElement) -> list[str]:
    lines: list[str] = []
    for block in root.xpath(
        "//p|//div[not(.//p) and not(.//div) and not(.//table)]|//h1|//h2|//h3|//h4|//td[not(.//table)]"
    ):
        text = block.text_content()
        lines += [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines


def _cell(element: lxml.html.HtmlElement) -> str:
    for br in element.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    parts = [part.text_content() for part in element.xpath("./p|./div")] or [element.text_content()]
    return cell_text("\n".join(parts))


def _table(element: lxml.html.HtmlElement, number: int) -> Table:
    grid: dict[tuple[int, int], str] = {}
    spans_row: set[int] = set()
    widths: list[int] = []
    rows = element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        c = 0
        cells = tr.xpath("./td|./th")
        for td in cells:
            while (r, c) in grid:
                c += 1
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            text = _cell(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
        widths.append(c)
        if len(cells) == 1 and _span(cells[0].get("colspan")) > 1:
            spans_row.add(r)
    width = max(widths, default=0)
    out = [
        Row([grid.get((r, c), "") for c in range(width)], f"bảng {number}, dòng {r + 1}", r in spans_row, r + 1)
        for r in range(len(rows))
    ]
    return square(Table(f"bảng {number} của trang", out))


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1
