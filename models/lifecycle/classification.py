"""Classified ("mật") tasks: marked by the secretariat or the Standing Committee; their messages then carry no
content and never go to webhooks (see notifications.delivery), and only people with a role on them see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from models.audit import record_event
from models.lifecycle.moves import NotAuthorizedError, load_task
from models.lifecycle.roles import roles_of
from models.lifecycle.workflow import Role
from models.org.directory import find_person

MAY_CLASSIFY = {Role.SECRETARIAT, Role.STANDING_COMMITTEE}


def set_classified(
    session: Session, *, plan_code: str, number: str, classified: bool, actor_email: str, now: datetime
) -> bool:
    """Mark a task classified or not (audited with the person's name); returns whether anything changed."""
    task, plan = load_task(session, plan_code, number)
    person = find_person(session, actor_email)
    if not roles_of(person, task, plan.organization_id) & MAY_CLASSIFY:
        raise NotAuthorizedError(f"{person.full_name} không có thẩm quyền xác định độ mật của nhiệm vụ {number}.")
    if task.classified == classified:
        return False
    task.classified = classified
    record_event(
        session,
        actor=person.full_name,
        action="task.classified" if classified else "task.declassified",
        entity_type="task",
        entity_key=f"{plan_code}/{number}",
        occurred_at=now,
    )
    return True
