"""Exporting a plan to the formats secretariats hold: YAML, Excel, Word."""

from __future__ import annotations

from pathlib import Path

from documents.docx_plan import write_docx
from documents.xlsx_plan import write_xlsx
from documents.yaml_plan import write_yaml
from models.errors import InvalidInputError
from models.plan.document import PlanDocument

WRITERS = {".yaml": write_yaml, ".yml": write_yaml, ".xlsx": write_xlsx, ".docx": write_docx}


def write_plan(document: PlanDocument, path: Path) -> Path:
    """Write `document` in the format named by the file's extension."""
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise InvalidInputError(f"không xuất được sang '{path.suffix}': dùng .yaml, .xlsx hoặc .docx")
    path.parent.mkdir(parents=True, exist_ok=True)
    return writer(document, path)
