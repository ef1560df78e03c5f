"""The canonical plan file: YAML a person can read and edit, validated field by field."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, cast, get_origin, get_type_hints

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from models.plan.document import (
    OrganizationRecord,
    PlanDocument,
    PlanImportError,
    Problem,
    SectionRecord,
    TaskRecord,
)
from models.safe_yaml import UnsafeYamlError, load_plain_yaml

_STRICT = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


def _schema(
    record: type,
    *,
    optional: dict[str, Any] | None = None,
    required: frozenset[str] = frozenset(),
    left_out: frozenset[str] = frozenset(),
    nested: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """What a plan file may say of a record, read from the record's own fields (one declaration of a plan), with
    the few ways a file differs named here: what it may leave out, what it must say, what only an importer sets."""
    hints = get_type_hints(record)
    definitions: dict[str, Any] = {}
    for item in fields(record):
        if item.name in left_out:
            continue
        annotation = hints[item.name]
        if item.name in (nested or {}):  # a record inside: its own schema, one or a list of them as declared
            inner = (nested or {})[item.name]
            annotation = cast(Any, list)[inner] if get_origin(annotation) is list else inner
        if item.name in required:
            default: Any = ...
        elif item.name in (optional or {}):
            default = (optional or {})[item.name]
        elif item.default_factory is not MISSING:
            default = Field(default_factory=item.default_factory)
        else:
            default = ... if item.default is MISSING else item.default
        definitions[item.name] = (annotation, default)
    return create_model(f"_{record.__name__}", __config__=_STRICT, **definitions)


_Section = _schema(SectionRecord)
_Task = _schema(TaskRecord, optional={"section": None}, left_out=frozenset({"source_row"}))
_Plan = _schema(
    PlanDocument,
    required=frozenset({"tasks"}),
    nested={"organization": _schema(OrganizationRecord), "sections": _Section, "tasks": _Task},
)


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


def _document(plan: BaseModel, path: Path) -> PlanDocument:
    data = plan.model_dump()
    return PlanDocument(
        **{
            **data,
            "organization": OrganizationRecord(**data["organization"]),
            "source_name": data["source_name"] or path.name,
            "source_format": data["source_format"] or "yaml",
            "sections": [SectionRecord(**section) for section in data["sections"]],
            "tasks": [TaskRecord(**task, source_row=None) for task in data["tasks"]],
        }
    )


def dump_yaml(document: PlanDocument) -> str:
    """The canonical YAML text of a plan (stable key order, Unicode kept readable)."""
    return yaml.safe_dump(document.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def write_yaml(document: PlanDocument, path: Path) -> Path:
    """Write the canonical YAML file and return its path."""
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path
