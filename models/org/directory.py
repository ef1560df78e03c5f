"""Who is who in an organization: agencies with contacts, people with titles, and their roles.

A directory file lists an organization's agencies and people. A person's roles on a
task (rõ thẩm quyền) follow from it: the agency they belong to, their title, and
whether they sit on the Standing Committee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.errors import InvalidInputError, NotFoundError
from models.org.groups import declare_group, refresh_groups
from models.org.names import agency_key, agency_kind, display_name, normalize_leader
from models.org.tables import Agency, AgencyKind, Organization, Person


class DirectoryError(InvalidInputError):
    """A directory file that cannot be applied; nothing was written."""


class UnknownPersonError(NotFoundError):
    """No person with that e-mail; moves must name a real person."""

    def __init__(self, email: str) -> None:
        super().__init__(f"Không có người dùng '{email}' trong danh bạ (nạp bằng 'planflow org load').")


@dataclass
class AgencyEntry:
    """An agency of the directory file."""

    name: str
    kind: str | None = None
    email: str | None = None
    phone: str | None = None
    webhook_url: str | None = None


@dataclass
class PersonEntry:
    """A person of the directory file; `agency` names one of the agencies."""

    full_name: str
    email: str
    title: str | None = None
    agency: str | None = None
    phone: str | None = None
    agency_head: bool = False
    standing_committee: bool = False


@dataclass
class GroupEntry:
    """A group the plans name ("Các Ban Đảng", "Các cơ quan liên quan") and the agencies it stands for."""

    name: str
    members: list[str] = field(default_factory=list)


@dataclass
class DirectoryFile:
    """One organization's agencies, groups and people."""

    organization: str
    agencies: list[AgencyEntry] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)


def load_directory(
    session: Session, *, directory: DirectoryFile, actor: str, now: datetime, channel: str | None = None
) -> dict[str, int]:
    """Create or update the organization's agencies and people (matched by name key and e-mail); `channel` is the
    door it came through (the portal's console, the CLI)."""
    org = session.scalars(select(Organization).where(Organization.code == directory.organization)).one_or_none()
    if org is None:
        raise DirectoryError(f"Không có tổ chức đảng mã '{directory.organization}': nhập kế hoạch của tổ chức trước.")
    agencies = {a.name_key: a for a in session.scalars(select(Agency).where(Agency.organization_id == org.id))}
    for entry in directory.agencies:
        agency = _agency_named(session, org, agencies, entry.name)
        agency.kind = entry.kind or agency_kind(entry.name).value
        agency.email, agency.phone, agency.webhook_url = entry.email, entry.phone, entry.webhook_url
    for person_entry in directory.people:
        _apply_person(session, org, agencies, person_entry)
    _apply_groups(session, org, agencies, directory.groups)
    record_event(
        session,
        actor=actor,
        action="directory.loaded",
        entity_type="organization",
        entity_key=org.code,
        occurred_at=now,
        details={"agencies": len(directory.agencies), "people": len(directory.people), "groups": len(directory.groups)},
        channel=channel,
    )
    return {"agencies": len(directory.agencies), "people": len(directory.people), "groups": len(directory.groups)}


def _agency_named(session: Session, org: Organization, agencies: dict[str, Agency], name: str) -> Agency:
    """The organization's agency of this name (matched by its key), added when the directory names a new one."""
    key = agency_key(name)
    if key not in agencies:
        agencies[key] = Agency(organization=org, name=display_name(name), name_key=key)
        session.add(agencies[key])
    return agencies[key]


def _apply_groups(session: Session, org: Organization, agencies: dict[str, Agency], groups: list[GroupEntry]) -> None:
    """Declare the file's groups; a group the file no longer lists goes back to what its name says."""
    declared: set[str] = set()
    for entry in groups:
        unknown = [name for name in entry.members if agency_key(name) not in agencies]
        if unknown or not entry.members:
            problem = f"thành viên không có trong danh bạ: {', '.join(unknown)}" if unknown else "chưa có thành viên"
            raise DirectoryError(f"Nhóm '{entry.name}': {problem}.")
        group = _agency_named(session, org, agencies, entry.name)
        declare_group(session, group, [agencies[agency_key(name)] for name in entry.members])
        declared.add(group.name_key)
    for agency in agencies.values():
        if agency.members_declared and agency.name_key not in declared:
            agency.members_declared = False
    session.flush()
    refresh_groups(session, org.id)


def _apply_person(session: Session, org: Organization, agencies: dict[str, Agency], entry: PersonEntry) -> None:
    if entry.agency and agency_key(entry.agency) not in agencies:
        raise DirectoryError(f"{entry.full_name}: cơ quan '{entry.agency}' không có trong danh bạ.")
    email = entry.email.strip().lower()
    if email.endswith(".invalid"):  # planflow's own accounts (the automatic actor, upper-level systems)
        raise DirectoryError(f"{entry.full_name}: địa chỉ '{email}' dành cho tài khoản của hệ thống, không dùng được.")
    person = session.scalars(select(Person).where(Person.email == email)).one_or_none()
    if person is not None and person.organization_id != org.id:
        raise DirectoryError(f"{entry.full_name}: địa chỉ '{email}' đã thuộc danh bạ của một tổ chức khác.")
    if person is None:
        person = Person(organization_id=org.id, email=email, full_name=entry.full_name)
        session.add(person)
    person.full_name = entry.full_name
    person.title = normalize_leader(entry.title) if entry.title else None
    person.agency = agencies[agency_key(entry.agency)] if entry.agency else None
    person.phone = entry.phone
    person.is_agency_head = entry.agency_head
    person.standing_committee = entry.standing_committee


def find_person(session: Session, email: str) -> Person:
    """The person acting, by e-mail (case-insensitive)."""
    person = session.scalars(select(Person).where(Person.email == email.strip().lower())).one_or_none()
    if person is None:
        raise UnknownPersonError(email)
    return person


SYSTEM_NAME = "planflow (tự động)"


def system_people(session: Session, organization_ids: set[int]) -> dict[int, Person]:
    """The automatic actor of many organizations at once: two queries and one insert, not one round trip each."""
    if not organization_ids:
        return {}
    codes = dict(
        session.execute(select(Organization.id, Organization.code).where(Organization.id.in_(organization_ids)))
        .tuples()
        .all()
    )
    emails = {f"system+{code}@planflow.invalid": org_id for org_id, code in codes.items()}
    found = {
        emails[p.email]: p for p in session.scalars(select(Person).where(Person.email.in_(list(emails)))) if p.email
    }
    missing = organization_ids - set(found)
    if missing:
        offices: dict[int, int] = {}
        for agency_id, org_id in session.execute(
            select(Agency.id, Agency.organization_id)
            .where(Agency.organization_id.in_(missing), Agency.kind == AgencyKind.SECRETARIAT.value)
            .order_by(Agency.id)
        ):
            offices.setdefault(org_id, agency_id)
        for org_id in sorted(missing):
            if org_id not in offices:
                raise DirectoryError(f"Tổ chức {codes[org_id]}: danh bạ chưa có Văn phòng (secretariat).")
            person = Person(
                organization_id=org_id,
                agency_id=offices[org_id],
                full_name=SYSTEM_NAME,
                email=f"system+{codes[org_id]}@planflow.invalid",
            )
            session.add(person)
            found[org_id] = person
        session.flush()
    return found
