"""Groups of agencies made real: "Các Ban Đảng", "các cơ quan liên quan", "A và B" resolve to member agencies.

A plan names many units at once. Who is behind such a name is the directory's word: a
`groups` entry of the directory file lists the members of "Các Ban Đảng" or "Các cơ quan
liên quan". A group no entry declares is resolved from its own name where the name says
it ("Văn phòng Đảng ủy và Ban Xây dựng Đảng": those two; "Các Ban Đảng": the party
boards and the inspection committee; "Các cơ quan Đảng": those and the office; "Các cấp
ủy trực thuộc": the party cells). "Các cơ
quan liên quan" says nothing about who, so undeclared it has no members: a task naming it
is refused at assignment until the secretariat names the agencies. The resolution is
stored as each group's `members`, so visibility, roles and recipients read one answer.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.org.names import agency_key, split_agencies
from models.org.tables import Agency, AgencyKind

OPEN_GROUP = "các cơ quan liên quan"
ALL_BOARDS = "các ban đảng"
_OPEN_GROUP = re.compile(r"^các [^;]*\bliên quan$")  # "các cơ quan, đơn vị có liên quan", "các sở, ngành liên quan"
_BOARD_GROUPS = ("các ban đảng", "các ban xây dựng đảng", "các ban", "các ban tham mưu", "các ban chuyên trách")
_BOARD_KINDS = (AgencyKind.PARTY_BOARD.value, AgencyKind.INSPECTION.value)
ALL_CELLS = "các cấp ủy trực thuộc"
ALL_PARTY_AGENCIES = "các cơ quan đảng"  # the committee's own apparatus: its office, boards and inspection committee
_PARTY_AGENCY_GROUPS = (
    "các cơ quan đảng",
    "các cơ quan tham mưu, giúp việc",
    "các cơ quan chuyên trách tham mưu, giúp việc",
)
# "… thành phố", "… của Đảng ủy": whose groups they are, which the organization already says
_WHOSE = re.compile(r"(?: (?:của )?(?:thành phố|tỉnh|phường|xã|đặc khu|thành ủy|tỉnh ủy|đảng ủy|huyện ủy|quận ủy))+$")
_PARTY_AGENCY_KINDS = (*_BOARD_KINDS, AgencyKind.SECRETARIAT.value)
_KINDS_OF = {  # groups whose name says who they are
    ALL_BOARDS: _BOARD_KINDS,
    ALL_PARTY_AGENCIES: _PARTY_AGENCY_KINDS,
    ALL_CELLS: (AgencyKind.PARTY_CELL.value,),
}
# "Các cấp ủy trực thuộc", "các chi, đảng bộ cơ sở", "Các đảng ủy xã, phường, đặc khu": the committees below
_CELL_GROUP = re.compile(
    r"^các (?:cấp ủy|chi bộ|chi, đảng bộ|đảng bộ|đảng ủy|tổ chức (?:cơ sở )?đảng)\b(?!.*liên quan)"
)


def group_key(name_key: str) -> str:
    """One key for the spellings of one group: every "các cơ quan (, đơn vị) (có) liên quan" is the same."""
    if not name_key.startswith("các "):
        return name_key
    name_key = _WHOSE.sub("", name_key)
    if _OPEN_GROUP.match(name_key):
        return OPEN_GROUP
    if name_key in _BOARD_GROUPS:
        return ALL_BOARDS
    if _CELL_GROUP.match(name_key):
        return ALL_CELLS
    if name_key in _PARTY_AGENCY_GROUPS:
        return ALL_PARTY_AGENCIES
    return name_key


def is_group(agency: Agency) -> bool:
    """Whether a name stands for many units (its members), not one."""
    return agency.kind == AgencyKind.GROUP.value


def covers(named: Agency, unit: Agency) -> bool:
    """Whether a unit is one of those a plan names: the unit itself, or a member of the named group."""
    if named.name_key == unit.name_key:
        return True
    return is_group(named) and any(member.name_key == unit.name_key for member in named.members)


def recipients_of(agency: Agency) -> list[Agency]:
    """The units that hear of what a plan addresses to an agency: itself, or each member of a group."""
    return list(agency.members) if is_group(agency) else [agency]


def is_unresolved(agency: Agency) -> bool:
    """A group with no member: a message to it would reach no one."""
    return is_group(agency) and not agency.members


def refresh_groups(session: Session, organization_id: int) -> None:
    """Store each group's members from the directory's declarations and the group's own name.

    Runs after the directory is loaded and after a plan is imported (either may add units or groups).
    """
    agencies = list(
        session.scalars(
            select(Agency).where(Agency.organization_id == organization_id).options(selectinload(Agency.members))
        )
    )
    units = {a.name_key: a for a in agencies if not is_group(a)}
    declared = {group_key(a.name_key): list(a.members) for a in agencies if a.members_declared}
    for group in (a for a in agencies if is_group(a) and not a.members_declared):
        group.members = _resolve(group, declared, units)


def _resolve(group: Agency, declared: dict[str, list[Agency]], units: dict[str, Agency]) -> list[Agency]:
    key = group_key(group.name_key)
    if key in declared:
        return declared[key]
    found: dict[str, Agency] = {}
    for part in [agency_key(p) for p in split_agencies(group.name)] or [key]:
        found.update((member.name_key, member) for member in _part_members(part, declared, units))
    return sorted(found.values(), key=lambda a: a.name)


def _part_members(part: str, declared: dict[str, list[Agency]], units: dict[str, Agency]) -> list[Agency]:
    """One named part of a group: a unit of the directory, a declared group, or a group its name defines."""
    if part in units:
        return [units[part]]
    key = group_key(part if part.startswith("các ") else f"các {part}")  # "Các ban; đảng ủy trực thuộc": "các" for each
    if key in declared:
        return declared[key]
    kinds = _KINDS_OF.get(key, ())
    return [unit for unit in units.values() if unit.kind in kinds]


def declare_group(session: Session, group: Agency, members: list[Agency]) -> None:
    """The directory says who a group is; the declaration outlives plan imports and later loads."""
    group.kind = AgencyKind.GROUP.value
    group.members_declared = True
    group.members = [m for m in members if not is_group(m)] + [
        inner for m in members if is_group(m) for inner in m.members
    ]
    session.flush()
