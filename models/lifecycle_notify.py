"""Who hears of each move: the notifications a move queues in the outbox, as a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.agency_groups import recipients_of
from models.agency_names import agency_key
from models.directory import agency_head
from models.org import Agency, AgencyKind, Person
from models.outbox import queue_notification
from models.plan import PlanTask
from models.records import CoordinationRequest
from models.workflow import Action

LEAD = "lead_agency"
LEAD_HEAD = "lead_agency_head"
SECRETARIAT = "secretariat"
LEADERS = "leaders_in_charge"
REQUESTED = "requested_coordinators"

# action → (template, recipients)
NOTIFY: dict[Action, tuple[str, tuple[str, ...]]] = {
    Action.ASSIGN: ("task_assigned", (LEAD,)),
    Action.ACKNOWLEDGE: ("task_acknowledged", (SECRETARIAT,)),
    Action.REQUEST_COORDINATION: ("coordination_requested", (REQUESTED,)),
    Action.GIVE_INPUT: ("coordination_input_given", (LEAD,)),
    Action.SUBMIT: ("result_submitted", (SECRETARIAT,)),
    Action.SUBMIT_PROGRESS: ("progress_reported", (SECRETARIAT,)),
    Action.APPROVE: ("result_approved", (LEAD,)),
    Action.RETURN: ("result_returned", (LEAD,)),
    Action.REQUEST_EXPLANATION: ("explanation_requested", (LEAD, LEAD_HEAD)),
    Action.SUBMIT_EXPLANATION: ("explanation_submitted", (LEADERS,)),
    Action.ACCEPT_EXPLANATION: ("explanation_accepted", (LEAD, SECRETARIAT)),
    Action.REJECT_EXPLANATION: ("explanation_rejected", (LEAD, LEAD_HEAD, SECRETARIAT)),
    Action.REQUEST_EXTENSION: ("extension_requested", (LEADERS,)),
    Action.GRANT_EXTENSION: ("extension_granted", (LEAD,)),
    Action.REFUSE_EXTENSION: ("extension_refused", (LEAD,)),
    Action.SET_DEADLINE: ("deadline_set", (LEAD,)),
    Action.CANCEL: ("task_cancelled", (LEAD, SECRETARIAT)),
}


@dataclass(frozen=True)
class Recipient:
    """An agency or a person to notify."""

    agency_id: int | None = None
    person_id: int | None = None

    @property
    def key(self) -> str:
        return f"agency:{self.agency_id}" if self.agency_id is not None else f"person:{self.person_id}"


def secretariat_of(session: Session, organization_id: int) -> Agency | None:
    """The organization's Văn phòng (the first agency of kind secretariat)."""
    return session.scalars(
        select(Agency)
        .where(Agency.organization_id == organization_id, Agency.kind == AgencyKind.SECRETARIAT.value)
        .order_by(Agency.id)
    ).first()


def _recipients(session: Session, task: PlanTask, organization_id: int, who: str, moved_at: Any) -> list[Recipient]:
    if who == LEAD:
        return [Recipient(agency_id=unit.id) for unit in _units(task.lead_agency)]
    if who == LEAD_HEAD:
        heads = [agency_head(session, unit) for unit in _units(task.lead_agency)]
        return [Recipient(person_id=head.id) for head in heads if head is not None]
    if who == SECRETARIAT:
        office = secretariat_of(session, organization_id)
        return [Recipient(agency_id=office.id)] if office else []
    if who == LEADERS:
        titles = {agency_key(leader.title) for leader in task.leaders}
        people = session.scalars(select(Person).where(Person.organization_id == organization_id))
        found = [Recipient(person_id=p.id) for p in people if p.title and agency_key(p.title) in titles]
        if found:
            return found
        return [
            Recipient(person_id=p.id)
            for p in session.scalars(
                select(Person).where(Person.organization_id == organization_id, Person.standing_committee.is_(True))
            )
        ]
    if who == REQUESTED:
        requests = session.scalars(  # the agencies asked by this move
            select(CoordinationRequest).where(
                CoordinationRequest.task_id == task.id, CoordinationRequest.requested_at == moved_at
            )
        )
        lead = {unit.id for unit in _units(task.lead_agency)}  # a group may hold the lead itself: not asked
        return sorted(
            {Recipient(agency_id=unit.id) for r in requests for unit in _units(r.agency) if unit.id not in lead},
            key=lambda r: r.key,
        )
    raise ValueError(f"unknown recipient group {who}")


def _units(agency: Agency | None) -> list[Agency]:
    """The units that hear of what is addressed to an agency; a group nobody resolved is kept, so its message
    fails as undeliverable and the secretariat sees it, instead of vanishing."""
    if agency is None:
        return []
    return recipients_of(agency) or [agency]


def queue_move_notifications(
    session: Session,
    *,
    task: PlanTask,
    organization_id: int,
    action: Action,
    move_id: str,
    context: dict[str, Any],
    queued_at: Any,
) -> int:
    """Queue every notification a move causes; returns how many rows were added."""
    template, groups = NOTIFY[action]
    added = 0
    seen: set[str] = set()
    for group in groups:
        for recipient in _recipients(session, task, organization_id, group, queued_at):
            if recipient.key in seen:
                continue
            seen.add(recipient.key)
            added += queue_notification(
                session,
                key=f"move:{move_id}:{template}:{recipient.key}",
                template=template,
                queued_at=queued_at,
                agency_id=recipient.agency_id,
                person_id=recipient.person_id,
                task_id=task.id,
                context=context,
            )
    return added
