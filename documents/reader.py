"""One door for every plan file: the format is chosen from the file itself."""

from __future__ import annotations

from pathlib import Path

from documents.docx_plan import read_docx
from documents.pdf_text import read_pdf_text
from documents.plan_text import read_lines
from documents.table_plan import TableFormatError
from documents.tsv_text import looks_tab_separated, read_tsv_text
from documents.xlsx_plan import read_xlsx
from documents.yaml_plan import read_yaml
from models.plan_document import PlanDocument, PlanImportError, Problem

SUPPORTED = ".yaml/.yml (kế hoạch chuẩn), .xlsx, .docx, .txt (văn bản trích từ PDF hoặc bảng phân cách bằng tab)"


def read_plan(path: Path, *, code: str | None = None) -> PlanDocument:
    """Read a plan from any supported file; every failure is a `PlanImportError` naming the problem."""
    if not path.is_file():
        raise PlanImportError(str(path), [Problem("tệp", "không tìm thấy tệp")])
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            document = read_yaml(path)
            if code:
                document.code = code
            return document
        if suffix == ".xlsx":
            return read_xlsx(path, code=code)
        if suffix == ".docx":
            return read_docx(path, code=code)
        if suffix in (".txt", ".tsv", ".text", ""):
            return _read_text(path, code)
    except TableFormatError as exc:
        raise PlanImportError(path.name, exc.problems) from exc
    except PlanImportError:
        raise
    except ValueError as exc:
        raise PlanImportError(path.name, [Problem("tệp", str(exc))]) from exc
    raise PlanImportError(path.name, [Problem("tệp", f"định dạng '{suffix}' chưa hỗ trợ; dùng {SUPPORTED}")])


def _read_text(path: Path, code: str | None) -> PlanDocument:
    if looks_tab_separated(read_lines(path)):
        return read_tsv_text(path, code=code)
    return read_pdf_text(path, code=code)
