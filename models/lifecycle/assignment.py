"""Assigning a whole plan at once: every task that can be assigned is, and each one that cannot says why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from models.errors import PlanflowError
from models.lifecycle.moves import MoveRequest, MoveResult, apply_move
from models.lifecycle.queries import get_plan
from models.lifecycle.workflow import Action, TaskStatus


@dataclass
class PlanAssignment:
    """What a whole-plan assignment did: the moves made and the tasks refused with the reason."""

    moves: list[MoveResult] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # task number → why it was not assigned


def assign_whole_plan(
    session: Session,
    plan_code: str,
    actor: str,
    key_prefix: str,
    *,
    now: datetime,
    related: list[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    channel: str | None = None,
    os_user: str | None = None,
    only: list[str] | None = None,
) -> PlanAssignment:
    """Assign every imported task of a plan in one transaction; a task refused (no lead, "các cơ quan liên quan"
    not resolved) keeps its status and is listed, so one unclear row does not hold back the other 57.

    `related` names the agencies that stand for "các cơ quan liên quan" on every task naming it;
    `on_progress` hears (tasks done, tasks in all) after each task; `only` limits it to the chosen task numbers.
    """
    outcome = PlanAssignment()
    waiting = [t.number for t in get_plan(session, plan_code).tasks if t.status == TaskStatus.IMPORTED.value]
    numbers = waiting
    if only is not None:  # chosen tasks: each named one that cannot be assigned is listed, not skipped silently
        chosen = list(dict.fromkeys(number.strip() for number in only if number.strip()))
        numbers = [number for number in chosen if number in waiting]
        for number in chosen:
            if number not in waiting:
                outcome.refused[number] = "không có trong kế hoạch hoặc đã được giao"
    payload = {"related": related} if related else {}
    for done, number in enumerate(numbers, start=1):
        key = f"{key_prefix}:{number}"
        request = MoveRequest(plan_code, number, Action.ASSIGN, actor, payload, key, channel=channel, os_user=os_user)
        try:
            with session.begin_nested():
                outcome.moves.append(apply_move(session, request, now=now))
        except PlanflowError as refused:
            outcome.refused[number] = str(refused)
        if on_progress is not None:
            on_progress(done, len(numbers))
    return outcome
