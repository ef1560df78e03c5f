"""What loading a directory file would change, shown before it is applied: the file is loaded by the very code
that applies it, inside a transaction that is then rolled back, and the organization's agencies and people are
compared before and after. Nothing in the file removes anyone; what it does not name stays as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.org.directory import DirectoryError, DirectoryFile, load_directory
from models.org.tables import Agency, Organization, Person

AGENCY_FIELDS = {"name": "tên", "kind": "loại", "email": "thư điện tử", "phone": "điện thoại", "webhook_url": "webhook"}
PERSON_FIELDS = {
    "full_name": "họ tên",
    "title": "chức vụ",
    "agency": "cơ quan",
    "phone": "điện thoại",
    "is_agency_head": "thủ trưởng",
    "standing_committee": "Ban Thường vụ",
}

Snapshot = dict[str, dict[str, str]]


@dataclass
class Change:
    """One agency or person the file adds or changes; `fields` names each changed field as 'old → new'."""

    key: str
    label: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class DirectoryChanges:
    """What the file would do to the organization's directory."""

    organization: str
    added_agencies: list[Change] = field(default_factory=list)
    changed_agencies: list[Change] = field(default_factory=list)
    added_people: list[Change] = field(default_factory=list)
    changed_people: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def nothing(self) -> bool:
        """Whether applying the file would change nothing."""
        return not (self.added_agencies or self.changed_agencies or self.added_people or self.changed_people)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return "" if value is None else str(value)


def _snapshot(session: Session, organization_id: int) -> tuple[Snapshot, Snapshot]:
    agencies = {
        a.name_key: {name: _text(getattr(a, name)) for name in AGENCY_FIELDS}
        for a in session.scalars(select(Agency).where(Agency.organization_id == organization_id))
    }
    people = {
        p.email or str(p.id): {
            name: _text(p.agency.name if name == "agency" and p.agency else getattr(p, name, None))
            for name in PERSON_FIELDS
        }
        for p in session.scalars(
            select(Person).where(Person.organization_id == organization_id, Person.machine_scope.is_(None))
        )
    }
    return agencies, people


def _compare(before: Snapshot, after: Snapshot, labels: dict[str, str], title: str) -> tuple[list[Change], ...]:
    added, changed = [], []
    for key, now in after.items():
        if key not in before:
            added.append(Change(key, now[title]))
            continue
        fields = {
            labels[name]: f"{before[key][name] or '—'} → {value or '—'}"
            for name, value in now.items()
            if value != before[key][name]
        }
        if fields:
            changed.append(Change(key, now[title], fields))
    return added, changed


def preview_directory(session: Session, directory: DirectoryFile, *, organization_id: int) -> DirectoryChanges:
    """The changes the file would make to this organization (a file for another organization is refused); the
    session is rolled back, so nothing is written."""
    organization = session.get(Organization, organization_id)
    if organization is None or organization.code != directory.organization:
        raise DirectoryError(f"Tệp danh bạ là của tổ chức '{directory.organization}', không phải của tổ chức này.")
    try:
        agencies_before, people_before = _snapshot(session, organization_id)
        load_directory(session, directory=directory, actor="xem trước", now=datetime.now().astimezone())
        session.flush()
        agencies_after, people_after = _snapshot(session, organization_id)
    finally:
        session.rollback()
    added_agencies, changed_agencies = _compare(agencies_before, agencies_after, AGENCY_FIELDS, "name")
    added_people, changed_people = _compare(people_before, people_after, PERSON_FIELDS, "full_name")
    touched = len(changed_agencies) + len(changed_people)
    named = len(directory.agencies) + len(directory.people)
    return DirectoryChanges(
        organization=organization.name,
        added_agencies=added_agencies,
        changed_agencies=changed_agencies,
        added_people=added_people,
        changed_people=changed_people,
        unchanged=max(named - touched - len(added_agencies) - len(added_people), 0),
    )
