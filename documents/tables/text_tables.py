"""Plain text: Markdown pipe tables (.md, or .txt that holds them) and tab-separated appendices."""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from markdown_it import MarkdownIt

from documents.tables.docx_tables import UnreadableFileError
from documents.tables.grid import Content, Row, Table, cell_text, square

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")  # **bold**, *italic*


def read_text(path: Path) -> str:
    """A text file as NFC; a file that is not UTF-8 is refused with how to fix it."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode" as Windows Notepad saves it
        try:
            return unicodedata.normalize("NFC", raw.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(
                "tệp ghi dấu UTF-16 nhưng nội dung hỏng; hãy lưu lại với bảng mã UTF-8 (Unicode)"
            ) from exc
    if b"\x00" in raw[:4096]:
        raise UnreadableFileError("tệp không phải văn bản (có byte 0): có thể là tệp nhị phân bị đặt tên sai")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"tệp không phải văn bản UTF-8 (byte {exc.start}); hãy lưu lại với bảng mã UTF-8 (Unicode)"
        ) from exc
    return unicodedata.normalize("NFC", text)


def has_pipe_table(text: str) -> bool:
    """Whether the text holds a Markdown table (a row of cells between pipes and the rule under it)."""
    lines = text.splitlines()
    return any(_PIPE_ROW.match(a) and _PIPE_RULE.match(b) for a, b in itertools.pairwise(lines))


def read_markdown_content(text: str) -> Content:
    """Every pipe table of a Markdown text, and the lines outside the tables."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[Table] = []
    rows: list[Row] = []
    cells: list[str] = []
    table_lines: set[int] = set()
    for token in tokens:
        if token.type == "table_open":
            rows = []
            table_lines.update(range(*token.map) if token.map else ())
        elif token.type == "tr_open":
            cells = []
        elif token.type in ("th_open", "td_open"):
            cells.append("")
        elif token.type == "inline" and cells and token.level >= 3:
            cells[-1] = cell_text(_EMPHASIS.sub("", re.sub(r"<br\s*/?>", "\n", token.content)))
        elif token.type == "tr_close":
            rows.append(Row(cells, f"bảng {len(tables) + 1}, dòng {len(rows) + 1}", False, len(rows) + 1))
        elif token.type == "table_close":
            tables.append(square(Table(f"bảng {len(tables) + 1}", rows)))
    lines = [line for index, line in enumerate(text.splitlines()) if index not in table_lines]
    return Content("markdown", tables, [re.sub(r"^#+\s*|\*\*", "", line) for line in lines])


def read_tsv_content(text: str) -> Content:
    """A tab-separated appendix: every line with tabs is a row (its file line kept for messages)."""
    lines = text.splitlines()
    rows = [
        Row([cell_text(c) for c in line.split("\t")], f"dòng {number}", False, number)
        for number, line in enumerate(lines, start=1)
        if "\t" in line
    ]
    body = [line for line in lines if "\t" not in line]
    return Content("tsv-text", [square(Table("bảng phân cách bằng tab", rows))] if rows else [], body)
