"""A plan as text whose appendix is tab-separated (cells may hold HTML fragments)."""

from __future__ import annotations

from pathlib import Path

from documents.plan_text import code_from_path, read_header, read_lines, split_at_appendix
from documents.table_plan import read_rows
from models.plan_document import PlanDocument


def read_tsv_text(path: Path, *, code: str | None = None) -> PlanDocument:
    """Read a plan whose appendix rows are tab-separated lines after 'PHỤ LỤC'."""
    lines = read_lines(path)
    body, appendix = split_at_appendix(lines)
    header = read_header(body, appendix)
    first_line = len(body) + 2
    rows = [(first_line + offset, line.split("\t")) for offset, line in enumerate(appendix)]
    table = read_rows(rows)
    return PlanDocument(
        code=code or code_from_path(path),
        title=header.title,
        year=header.year,
        organization=header.organization,
        issuing_body=header.issuing_body,
        document_number=header.document_number,
        source_name=path.name,
        source_format="tsv-text",
        sections=table.sections,
        tasks=table.tasks,
        indicators=header.indicators,
    )


def looks_tab_separated(lines: list[str]) -> bool:
    """Whether the appendix header row is tab-separated (the Hải Phòng layout)."""
    return any(line.count("\t") >= 3 and "chủ trì" in line.lower() for line in lines)
