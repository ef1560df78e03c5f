"""The directory file (agencies and people of an organization), validated field by field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.org.directory import AgencyEntry, DirectoryError, DirectoryFile, GroupEntry, PersonEntry
from models.safe_yaml import UnsafeYamlError, load_plain_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Agency(_Strict):
    name: str
    kind: str | None = None
    email: str | None = None
    phone: str | None = None
    webhook_url: str | None = None


class _Person(_Strict):
    full_name: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    title: str | None = None
    agency: str | None = None
    phone: str | None = None
    agency_head: bool = False
    standing_committee: bool = False


class _Group(_Strict):
    name: str
    members: list[str] = Field(min_length=1)


class _Directory(_Strict):
    organization: str
    agencies: list[_Agency] = Field(default_factory=list)
    groups: list[_Group] = Field(default_factory=list)
    people: list[_Person] = Field(default_factory=list)


def read_directory(path: Path) -> DirectoryFile:
    """Read a directory file; errors name the entry and the field."""
    try:
        data = load_plain_yaml(path.read_text(encoding="utf-8"))
        parsed = _Directory.model_validate(data)
    except (OSError, yaml.YAMLError, UnsafeYamlError) as exc:
        raise DirectoryError(f"{path.name}: không đọc được tệp danh bạ: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DirectoryError(f"{path.name}: {problems}") from exc
    return DirectoryFile(
        organization=parsed.organization,
        agencies=[AgencyEntry(**a.model_dump()) for a in parsed.agencies],
        people=[PersonEntry(**p.model_dump()) for p in parsed.people],
        groups=[GroupEntry(**g.model_dump()) for g in parsed.groups],
    )
