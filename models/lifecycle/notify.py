"""Who hears of each move: the notifications a move queues in the outbox, as a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.lifecycle.recipients import RecipientGroup, heads_of, lead_units, leaders_in_charge, secretariat_of
from models.lifecycle.tables import CoordinationRequest
from models.lifecycle.workflow import Action
from models.outbox.tables import queue_notification
from models.plan.tables import PlanTask

LEAD = RecipientGroup.LEAD_AGENCY.value
LEAD_HEAD = RecipientGroup.LEAD_AGENCY_HEAD.value
SECRETARIAT = RecipientGroup.SECRETARIAT.value
LEADERS = RecipientGroup.LEADERS_IN_CHARGE.value
REQUESTED = "requested_coordinators"  # the agencies a coordination request names (moves only)

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


def _recipients(session: Session, task: PlanTask, organization_id: int, who: str, moved_at: Any) -> list[Recipient]:
    if who == LEAD:
        return [Recipient(agency_id=unit.id) for unit in lead_units(task.lead_agency)]
    if who == LEAD_HEAD:
        return [Recipient(person_id=head.id) for head in heads_of(session, task.lead_agency)]
    if who == SECRETARIAT:
        office = secretariat_of(session, organization_id)
        return [Recipient(agency_id=office.id)] if office else []
    if who == LEADERS:
        return [Recipient(person_id=p.id) for p in leaders_in_charge(session, task, organization_id)]
    if who == REQUESTED:
        requests = session.scalars(  # the agencies asked by this move
            select(CoordinationRequest).where(
                CoordinationRequest.task_id == task.id, CoordinationRequest.requested_at == moved_at
            )
        )
        lead = {unit.id for unit in lead_units(task.lead_agency)}  # a group may hold the lead itself: not asked
        return sorted(
            {Recipient(agency_id=unit.id) for r in requests for unit in lead_units(r.agency) if unit.id not in lead},
            key=lambda r: r.key,
        )
    raise ValueError(f"unknown recipient group {who}")


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
