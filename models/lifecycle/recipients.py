"""Who receives what, one rule per recipient group, for every sender: moves, the escalation sweep, review
cycles and reports.

Each group is a SQL condition first (the sweep resolves thousands of tasks at once with them), and a function
for one task or organization built on the same condition (moves and reports). A leader in charge is matched by
`title_key` — `agency_key` of the title, kept on both the person and the task's leader — so a title that differs
only in case, spacing or a "Đồng chí" in front reaches the same person by every path.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import Session

from models.org.groups import recipients_of
from models.org.tables import Agency, AgencyKind, Organization, Person
from models.plan.tables import PlanTask, PlanTaskLeader


class RecipientGroup(StrEnum):
    """The groups a message can go to (an escalation rung lists several)."""

    LEAD_AGENCY = "lead_agency"
    LEAD_AGENCY_HEAD = "lead_agency_head"
    LEADERS_IN_CHARGE = "leaders_in_charge"
    STANDING_COMMITTEE = "standing_committee"
    SECRETARIAT = "secretariat"


def is_secretariat(organization_id: Any) -> ColumnElement[bool]:
    """An agency that is the organization's Văn phòng."""
    return and_(Agency.organization_id == organization_id, Agency.kind == AgencyKind.SECRETARIAT.value)


def is_standing_committee(organization_id: Any) -> ColumnElement[bool]:
    """A person on the organization's Standing Committee."""
    return and_(Person.organization_id == organization_id, Person.standing_committee.is_(True))


def is_head_of(agency_id: Any) -> ColumnElement[bool]:
    """A person who heads the agency."""
    return and_(Person.agency_id == agency_id, Person.is_agency_head.is_(True))


def heads_of_agencies(agency_ids: Any, *columns: Any) -> Select[Any]:
    """(agency id, *columns) of the heads of many agencies at once (`agency_ids`: a list or a subquery)."""
    return select(Person.agency_id, *columns).where(Person.agency_id.in_(agency_ids), Person.is_agency_head.is_(True))


def holds_leader_title(organization_id: Any) -> ColumnElement[bool]:
    """A person of the organization whose title is the (joined) leader in charge's."""
    return and_(Person.title_key == PlanTaskLeader.title_key, Person.organization_id == organization_id)


def is_leader_in_charge(person: Person, task: PlanTask) -> bool:
    """The person holds one of the task's leader-in-charge titles (the rule of `holds_leader_title`, for one
    person and one task already loaded)."""
    return bool(person.title_key) and person.title_key in {leader.title_key for leader in task.leaders}


def leader_known(task_id: Any, organization_id: Any) -> ColumnElement[bool]:
    """The task names a leader in charge whom the directory knows (else the Standing Committee decides)."""
    return exists().where(
        PlanTaskLeader.task_id == task_id,
        exists().where(holds_leader_title(organization_id)),
    )


def secretariat_of(session: Session, organization_id: int) -> Agency | None:
    """The organization's Văn phòng (the first agency of kind secretariat)."""
    return session.scalars(select(Agency).where(is_secretariat(organization_id)).order_by(Agency.id)).first()


def standing_committee(session: Session, organization_id: int) -> list[Person]:
    """The organization's Standing Committee members."""
    return list(session.scalars(select(Person).where(is_standing_committee(organization_id)).order_by(Person.id)))


def lead_units(agency: Agency | None) -> list[Agency]:
    """The units that hear of what is addressed to an agency (a group's members); a group nobody resolved is
    kept, so its message fails as undeliverable and the secretariat sees it, instead of vanishing."""
    if agency is None:
        return []
    return recipients_of(agency) or [agency]


def heads_of(session: Session, agency: Agency | None) -> list[Person]:
    """The heads of the agency's units (who hear when the agency is asked to answer for a task)."""
    return [
        head
        for unit in lead_units(agency)
        for head in session.scalars(select(Person).where(is_head_of(unit.id)).order_by(Person.id))
    ]


def head_of(session: Session, agency: Agency | None) -> Person | None:
    """The head of the agency itself (named on a rejected explanation), if the directory names one."""
    if agency is None:
        return None
    return session.scalars(select(Person).where(is_head_of(agency.id)).order_by(Person.id)).first()


def leaders_in_charge(session: Session, task: PlanTask, organization_id: int) -> list[Person]:
    """The people holding the task's leader-in-charge titles; the Standing Committee when none is known."""
    found = list(
        session.scalars(
            select(Person)
            .join(PlanTaskLeader, PlanTaskLeader.task_id == task.id)
            .where(holds_leader_title(organization_id))
            .order_by(Person.id)
            .distinct()
        )
    )
    return found or standing_committee(session, organization_id)


def report_readers(session: Session, organization: Organization) -> tuple[Agency | None, list[Person]]:
    """Who receives a compiled report: the Văn phòng and the Standing Committee."""
    return secretariat_of(session, organization.id), standing_committee(session, organization.id)
