"""The roles a person holds on a task: Văn phòng, lead, coordinator, leader in charge, Standing Committee."""

from __future__ import annotations

from models.lifecycle.recipients import is_leader_in_charge
from models.lifecycle.workflow import Role
from models.org.groups import covers
from models.org.tables import AgencyKind, Person
from models.plan.tables import PlanTask


def roles_of(person: Person, task: PlanTask, organization_id: int) -> set[Role]:
    """The roles a person holds on a task."""
    roles: set[Role] = set()
    if person.organization_id != organization_id:
        return roles
    own = person.agency
    if own is not None and own.kind == AgencyKind.SECRETARIAT.value:
        roles.add(Role.SECRETARIAT)
    if own is not None and task.lead_agency is not None and covers(task.lead_agency, own):
        roles.add(Role.LEAD)
    if own is not None and any(covers(c.agency, own) for c in task.coordinators):
        roles.add(Role.COORDINATOR)
    if is_leader_in_charge(person, task):
        roles.add(Role.LEADER)
    if person.standing_committee:
        roles.add(Role.STANDING_COMMITTEE)
    return roles
