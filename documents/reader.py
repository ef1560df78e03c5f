"""One door for every plan file: the format is told from the file's content, the format yields tables, and
one reading of tables (documents.tables) finds the task table by the meaning of its headers.

Formats: canonical YAML; Word (.docx), Excel (.xlsx), a born-digital PDF, a web page saved as .html/.htm,
Markdown pipe tables (.md, .txt); the tab-separated appendix and the PDF text dump of the example plans;
.doc/.odt converted with LibreOffice when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from documents.metadata import build_document, parse_metadata
from documents.pdf_text import read_pdf_text
from documents.plan_header import read_lenient_header
from documents.plan_text import PlanHeader, code_from_path, read_header, split_at_appendix
from documents.tables.choice import NoTaskTableError, TaskTable, find_task_table, indicator_texts
from documents.tables.docx_tables import UnreadableFileError, read_docx_content
from documents.tables.grid import Content, Table
from documents.tables.html_tables import read_html_content
from documents.tables.pdf_tables import read_pdf_content
from documents.tables.text_tables import has_pipe_table, read_markdown_content, read_text, read_tsv_content
from documents.tables.xlsx_tables import read_xlsx_content
from documents.tsv_text import looks_tab_separated
from documents.yaml_plan import read_yaml
from models.plan.document import PlanDocument, PlanImportError, Problem

SUPPORTED = (
    ".docx, .pdf (có lớp chữ), .xlsx, .html/.htm (trang web đã lưu), .md/.txt (bảng Markdown, bảng phân cách "
    "bằng tab, văn bản trích từ PDF), .yaml (kế hoạch chuẩn); .doc/.odt khi máy có LibreOffice"
)
MAX_FILE_BYTES = 25 * 1024 * 1024  # a 150-task plan as PDF is about 1 MB; an appendix of 5,000 tasks fits
MAX_TASKS = 5_000  # the largest plan of a province has a few hundred


@dataclass
class Reading:
    """A plan as read, with how it was read (for `plan import --dry-run`)."""

    document: PlanDocument
    format: str
    task_table: TaskTable | None = None
    tables_seen: int = 0
    notes: list[str] = field(default_factory=list)


def read_plan(
    path: Path, *, code: str | None = None, columns: str | None = None, organization: str | None = None
) -> PlanDocument:
    """Read a plan from any supported file; every failure is a `PlanImportError` naming the problem."""
    return read_plan_with_details(path, code=code, columns=columns, organization=organization).document


def read_plan_with_details(
    path: Path, *, code: str | None = None, columns: str | None = None, organization: str | None = None
) -> Reading:
    """The plan and how it was read; nothing is written anywhere."""
    if not path.is_file():
        raise PlanImportError(str(path), [Problem("tệp", "không tìm thấy tệp")])
    size = path.stat().st_size
    if size == 0:
        raise PlanImportError(path.name, [Problem("tệp", "tệp rỗng (0 byte); kiểm tra lại tệp đã chọn")])
    if size > MAX_FILE_BYTES:
        raise PlanImportError(
            path.name,
            [Problem("tệp", f"tệp {size / 2**20:.1f} MB, quá giới hạn {MAX_FILE_BYTES // 2**20} MB của một kế hoạch")],
        )
    try:
        reading = _read(path, code, columns, organization)
    except NoTaskTableError as exc:
        raise PlanImportError(path.name, exc.problems) from exc
    except PlanImportError:
        raise
    except ValueError as exc:  # every reader's refusal (UnreadableFileError, header problems) is a ValueError
        raise PlanImportError(path.name, [Problem("tệp", str(exc))]) from exc
    if len(reading.document.tasks) > MAX_TASKS:
        raise PlanImportError(
            path.name,
            [Problem("tệp", f"{len(reading.document.tasks):,} nhiệm vụ, quá giới hạn {MAX_TASKS:,} của một kế hoạch")],
        )
    if code:
        reading.document.code = code
    return reading


def sniff(path: Path) -> str:
    """The file's format from its first bytes (a name can lie): docx, xlsx, odt, doc, pdf, html, yaml or text."""
    head = path.read_bytes()[:2048]
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return suffix.lstrip(".") or "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "odt"
        return suffix.lstrip(".")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    lowered = head.lower().lstrip()
    if suffix in (".html", ".htm") or lowered.startswith((b"<!doctype html", b"<html")) or b"<table" in lowered:
        return "html"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".docx", ".xlsx", ".pdf"):
        return f"broken-{suffix.lstrip('.')}"
    return "text"


def _read(path: Path, code: str | None, columns: str | None, organization: str | None) -> Reading:
    kind = sniff(path)
    if kind == "yaml":
        return Reading(read_yaml(path), "yaml")
    if kind in ("doc", "odt"):
        return _read(_converted(path), code, columns, organization)
    if kind.startswith("broken-") or kind not in ("docx", "xlsx", "pdf", "html", "text"):
        shown = kind.removeprefix("broken-")
        raise UnreadableFileError(
            f"tệp đặt tên .{shown} nhưng nội dung không phải {shown.upper()} (có thể hỏng hoặc đổi tên); "
            f"định dạng nhận: {SUPPORTED}"
        )
    if kind == "text":
        text = read_text(path)
        lines = text.splitlines()
        if not has_pipe_table(text) and not looks_tab_separated(lines):
            return Reading(read_pdf_text(path, code=code), "pdf-text")
        content = read_markdown_content(text) if has_pipe_table(text) else read_tsv_content(text)
    else:
        readers = {"docx": read_docx_content, "xlsx": read_xlsx_content, "pdf": read_pdf_content}
        content = readers.get(kind, read_html_content)(path)
    return _from_tables(path, content, code, columns, organization)


def _from_tables(
    path: Path, content: Content, code: str | None, columns: str | None, organization: str | None
) -> Reading:
    metadata = [t for t in content.tables if _is_metadata(t)]
    tables = [t for t in content.tables if not _is_metadata(t)]
    chosen = find_task_table(Content(content.format, tables, content.lines), columns)
    if chosen.rows.problems:
        raise PlanImportError(path.name, chosen.rows.problems)
    rows = chosen.rows
    source_format = {"markdown": "markdown", "tsv-text": "tsv-text"}.get(content.format, content.format)
    if metadata:
        values, indicators = parse_metadata([(r.cells[0], r.cells[1]) for t in metadata for r in t.rows])
        document = build_document(
            values=values,
            indicators=indicators,
            tasks=rows.tasks,
            sections=rows.sections,
            source_name=path.name,
            source_format=source_format,
            default_code=code_from_path(path),
            fallback_title=_first_line(content.lines) or path.stem,
        )
    else:
        header = _header(content.lines, [t.deadline for t in rows.tasks], organization)
        document = header.document(
            code=code or code_from_path(path),
            source_name=path.name,
            source_format=source_format,
            sections=rows.sections,
            tasks=rows.tasks,
            indicators=header.indicators or indicator_texts(content, chosen.table),
        )
    return Reading(document, content.format, chosen, len(content.tables))


def _header(lines: list[str], deadlines: list[str], organization: str | None) -> PlanHeader:
    """The Party plan's own header reading first (it knows the example plans' wording), then any layout."""
    if not organization:
        try:
            body, appendix = split_at_appendix(lines)
            return read_header(body, appendix)
        except ValueError:
            pass
    return read_lenient_header(lines, deadlines, organization=organization)


def _is_metadata(table: Table) -> bool:
    """planflow's own export: a two-column table of labels ("Mã kế hoạch | …")."""
    return table.width == 2 and any(row.cells[0].strip().lower() == "mã kế hoạch" for row in table.rows)


def _first_line(lines: list[str]) -> str:
    return next((line.strip() for line in lines if line.strip() and line.strip().upper() != "PHỤ LỤC"), "")


def _converted(path: Path) -> Path:
    """A .doc/.odt file as .docx, through LibreOffice (the only reader of those formats that is kept up)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableFileError(
            f"tệp {path.suffix or 'Word cũ'} cần LibreOffice để đọc, máy này chưa có; "
            "hãy mở tệp trong Word hoặc LibreOffice và lưu lại dạng .docx"
        )
    target = Path(tempfile.mkdtemp(prefix="planflow-convert-"))
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", "docx", "--outdir", str(target), str(path)],
        capture_output=True,
        timeout=180,
        check=False,
    )
    converted = target / f"{path.stem}.docx"
    if done.returncode != 0 or not converted.is_file():
        raise UnreadableFileError(f"LibreOffice không chuyển được tệp sang .docx: {done.stderr.decode()[:200]}")
    return converted
