"""Every (status, action) pair: what the table lacks is forbidden, what it allows needs the role.

The task is put into each status directly (test setup only); each refused move must
leave the audit log, the outbox and the task exactly as they were.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.moves import ForbiddenMoveError, MoveRequest, NotAuthorizedError, apply_move
from models.lifecycle.workflow import TRANSITIONS, Action, Role, TaskStatus
from models.outbox.tables import Notification
from models.plan.tables import Plan, PlanTask
from tests.seeding import seed
from tests.time import NOW

VT = "vinh-tuy-2026"
# Task 47 (lead: Ban Xây dựng Đảng; "Các cơ quan liên quan" coordinate, so every unit does);
# task 3 (coordinators: "Các Ban Xây dựng Đảng" only) for the coordinator role.
LACKS = {
    frozenset({Role.SECRETARIAT}): ("47", "cvxd@vinhtuy.example"),
    frozenset({Role.SECRETARIAT, Role.STANDING_COMMITTEE}): ("47", "cvxd@vinhtuy.example"),
    frozenset({Role.LEAD}): ("47", "vanthu@vinhtuy.example"),
    frozenset({Role.COORDINATOR}): ("3", "truongca@vinhtuy.example"),
    frozenset({Role.LEADER, Role.STANDING_COMMITTEE}): ("47", "cvxd@vinhtuy.example"),
    frozenset({Role.STANDING_COMMITTEE}): ("47", "vanthu@vinhtuy.example"),
}


def _set_status(db: Database, number: str, status: TaskStatus) -> None:
    with db.transaction() as session:
        plan_id = session.scalars(select(Plan.id).where(Plan.code == VT)).one()
        session.execute(
            update(PlanTask).where(PlanTask.plan_id == plan_id, PlanTask.number == number).values(status=status.value)
        )


def _state(db: Database) -> tuple[int, int, list[tuple[str, str, int]]]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            session.scalar(select(func.count()).select_from(Notification)) or 0,
            [(t.number, t.status, t.version) for t in session.scalars(select(PlanTask).order_by(PlanTask.id))],
        )


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


def test_every_move_missing_from_the_table_is_forbidden(db: Database) -> None:
    refused = 0
    for status in TaskStatus:
        _set_status(db, "47", status)
        before = _state(db)
        for action in Action:
            if (status, action) in TRANSITIONS:
                continue
            with pytest.raises(ForbiddenMoveError, match="không thể"), db.transaction() as session:
                apply_move(session, MoveRequest(VT, "47", action, "bithu@vinhtuy.example", {}), now=NOW)
            refused += 1
        assert _state(db) == before
    assert refused == len(TaskStatus) * len(Action) - len(TRANSITIONS)


def test_every_allowed_move_refuses_a_person_without_the_role(db: Database) -> None:
    for (status, action), move in TRANSITIONS.items():
        number, actor = LACKS[move.roles]
        _set_status(db, number, status)
        before = _state(db)
        with pytest.raises(NotAuthorizedError, match="không có thẩm quyền"), db.transaction() as session:
            apply_move(session, MoveRequest(VT, number, action, actor, {}), now=NOW)
        with pytest.raises(NotAuthorizedError), db.transaction() as session:  # and anyone from another committee
            apply_move(session, MoveRequest(VT, number, action, "pbt@haiphong.example", {}), now=NOW)
        assert _state(db) == before, (status, action)
