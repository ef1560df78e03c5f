"""The canonical plan file: YAML a person can read and edit, validated field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.plan.document import (
    OrganizationRecord,
    PlanDocument,
    PlanImportError,
    Problem,
    SectionRecord,
    TaskRecord,
)
from models.safe_yaml import UnsafeYamlError, load_plain_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


class _Organization(_Strict):
    code: str
    name: str
    level: str = "ward"
    place_name: str | None = None
    parent_code: str | None = None
    parent_name: str | None = None
    parent_level: str | None = None


class _Section(_Strict):
    number: str
    title: str


class _Task(_Strict):
    number: str
    section: str | None = None
    description: str
    leaders: list[str] = Field(default_factory=list)
    lead_agency: str | None = None
    coordinating_agencies: list[str] = Field(default_factory=list)
    expected_result: str = ""
    kpi_text: str = ""
    deadline: str = ""
    notes: str = ""
    classified: bool = False


class _Plan(_Strict):
    code: str
    title: str
    year: int
    organization: _Organization
    issuing_body: str | None = None
    document_number: str | None = None
    source_name: str | None = None
    source_format: str | None = None
    indicators: list[str] = Field(default_factory=list)
    sections: list[_Section] = Field(default_factory=list)
    tasks: list[_Task]


def read_yaml(path: Path) -> PlanDocument:
    """Read a canonical plan file; every schema error is reported with its place."""
    try:
        data = load_plain_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnsafeYamlError, UnicodeDecodeError) as exc:
        raise PlanImportError(path.name, [Problem("tệp", f"không đọc được YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise PlanImportError(
            path.name, [Problem("tệp", "nội dung không phải một kế hoạch (cần các khóa code, title, tasks …)")]
        )
    try:
        plan = _Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanImportError(path.name, [_problem(error, data) for error in exc.errors()]) from exc
    return _document(plan, path)


def _problem(error: Any, data: dict[str, Any]) -> Problem:
    location = list(error["loc"])
    if len(location) >= 2 and location[0] == "tasks" and isinstance(location[1], int):
        tasks = data.get("tasks") or []
        number = (
            tasks[location[1]].get("number", "?")
            if location[1] < len(tasks) and isinstance(tasks[location[1]], dict)
            else "?"
        )
        where = f"nhiệm vụ thứ {location[1] + 1} (số {number})"
        field = ".".join(str(p) for p in location[2:])
        return Problem(where, f"{field or 'nhiệm vụ'}: {error['msg']}")
    return Problem(".".join(str(p) for p in location) or "tệp", error["msg"])


def _document(plan: _Plan, path: Path) -> PlanDocument:
    return PlanDocument(
        code=plan.code,
        title=plan.title,
        year=plan.year,
        organization=OrganizationRecord(**plan.organization.model_dump()),
        issuing_body=plan.issuing_body,
        document_number=plan.document_number,
        source_name=plan.source_name or path.name,
        source_format=plan.source_format or "yaml",
        sections=[SectionRecord(**s.model_dump()) for s in plan.sections],
        tasks=[TaskRecord(**t.model_dump(), source_row=None) for t in plan.tasks],
        indicators=plan.indicators,
    )


def dump_yaml(document: PlanDocument) -> str:
    """The canonical YAML text of a plan (stable key order, Unicode kept readable)."""
    return yaml.safe_dump(document.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def write_yaml(document: PlanDocument, path: Path) -> Path:
    """Write the canonical YAML file and return its path."""
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path
