"""Plan metadata as labelled rows ("Mã kế hoạch | vinh-tuy-2026"), shared by Excel and Word files."""

from __future__ import annotations

import re
from collections import Counter

from models.plan.deadlines import InvalidDeadlineError, parse_deadline
from models.plan.document import (
    OrganizationRecord,
    PlanDocument,
    PlanImportError,
    Problem,
    SectionRecord,
    TaskRecord,
)

LABELS: list[tuple[str, str]] = [
    ("code", "Mã kế hoạch"),
    ("title", "Tên kế hoạch"),
    ("year", "Năm"),
    ("document_number", "Số hiệu"),
    ("issuing_body", "Cơ quan ban hành"),
    ("org_code", "Mã tổ chức đảng"),
    ("org_name", "Tổ chức đảng"),
    ("org_level", "Cấp"),
    ("place_name", "Địa danh"),
    ("parent_code", "Mã cấp trên"),
    ("parent_name", "Cấp trên"),
    ("parent_level", "Cấp của cấp trên"),
    ("source_name", "Nguồn"),
    ("source_format", "Định dạng nguồn"),
]
INDICATOR_LABEL = "Chỉ tiêu"
_BY_LABEL = {label.lower(): key for key, label in LABELS}


def metadata_rows(document: PlanDocument) -> list[tuple[str, str]]:
    """The labelled rows written into an exported file."""
    org = document.organization
    values = {
        "code": document.code,
        "title": document.title,
        "year": str(document.year),
        "document_number": document.document_number,
        "issuing_body": document.issuing_body,
        "org_code": org.code,
        "org_name": org.name,
        "org_level": org.level,
        "place_name": org.place_name,
        "parent_code": org.parent_code,
        "parent_name": org.parent_name,
        "parent_level": org.parent_level,
        "source_name": document.source_name,
        "source_format": document.source_format,
    }
    rows = [(label, values[key] or "") for key, label in LABELS]
    rows += [(INDICATOR_LABEL, text) for text in document.indicators]
    return rows


def parse_metadata(rows: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Labelled rows → field values and indicator texts (unknown labels are ignored)."""
    values: dict[str, str] = {}
    indicators: list[str] = []
    for label, value in rows:
        key = label.strip().lower()
        if key == INDICATOR_LABEL.lower():
            if value.strip():
                indicators.append(value.strip())
        elif key in _BY_LABEL and value.strip():
            values[_BY_LABEL[key]] = value.strip()
    return values, indicators


def build_document(
    *,
    values: dict[str, str],
    indicators: list[str],
    tasks: list[TaskRecord],
    sections: list[SectionRecord],
    source_name: str,
    source_format: str,
    default_code: str,
    fallback_title: str,
) -> PlanDocument:
    """A plan from a table and its metadata; what the file does not say is inferred or reported."""
    year_text = values.get("year") or _year_from(values.get("title", fallback_title), tasks)
    problems: list[Problem] = []
    if not year_text or not year_text.isdigit():
        problems.append(Problem("thông tin kế hoạch", f"thiếu hoặc sai năm của kế hoạch ('{year_text or ''}')"))
    if not values.get("org_code") or not values.get("org_name"):
        problems.append(Problem("thông tin kế hoạch", "thiếu 'Mã tổ chức đảng' và 'Tổ chức đảng' ban hành kế hoạch"))
    if problems:
        raise PlanImportError(source_name, problems)
    return PlanDocument(
        code=values.get("code", default_code),
        title=values.get("title", fallback_title),
        year=int(year_text),
        organization=OrganizationRecord(
            code=values["org_code"],
            name=values["org_name"],
            level=values.get("org_level", "ward"),
            place_name=values.get("place_name"),
            parent_code=values.get("parent_code"),
            parent_name=values.get("parent_name"),
            parent_level=values.get("parent_level"),
        ),
        issuing_body=values.get("issuing_body"),
        document_number=values.get("document_number"),
        source_name=values.get("source_name", source_name),
        source_format=values.get("source_format", source_format),
        sections=sections,
        tasks=tasks,
        indicators=indicators,
    )


def _year_from(title: str, tasks: list[TaskRecord]) -> str:
    match = re.search(r"năm\s+(\d{4})", title, re.I)
    if match:
        return match.group(1)
    years: Counter[int] = Counter()
    for task in tasks:
        try:
            due = parse_deadline(task.deadline).due_date
        except InvalidDeadlineError:
            continue
        if due:
            years[due.year] += 1
    return str(years.most_common(1)[0][0]) if years else ""
