"""Every forbidden move and wrong actor fails with a clear message and changes nothing."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.moves import (
    ChangedMeanwhileError,
    ForbiddenMoveError,
    InvalidMoveError,
    MoveError,
    MoveRequest,
    NotAuthorizedError,
    TaskNotFoundError,
    apply_move,
    load_task,
)
from models.lifecycle.tables import Submission
from models.lifecycle.workflow import Action
from models.org.directory import UnknownPersonError
from models.outbox.tables import Notification
from models.plan.tables import PlanTask
from tests.seeding import seed
from tests.time import VIETNAM

VT, HP = "vinh-tuy-2026", "hai-phong-2026"
OFFICE = "vanthu@vinhtuy.example"
XD = "cvxd@vinhtuy.example"
MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


def move(db: Database, task: str, action: Action, actor: str, now: datetime = MARCH, plan: str = VT, **payload: Any):
    with db.transaction() as session:
        return apply_move(session, MoveRequest(plan, task, action, actor, payload), now=now)


def snapshot(db: Database) -> tuple[int, int, list[tuple[str, str, int]]]:
    with db.session() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        queued = session.scalar(select(func.count()).select_from(Notification)) or 0
        tasks = [(t.number, t.status, t.version) for t in session.scalars(select(PlanTask).order_by(PlanTask.id))]
    return events, queued, tasks


def _submitted(db: Database, task: str = "47") -> None:
    move(db, task, Action.ASSIGN, OFFICE)
    move(db, task, Action.ACKNOWLEDGE, XD)
    move(db, task, Action.SUBMIT, XD, result="Tài liệu hướng dẫn hội nghị")


REFUSALS = [
    # (setup, task, action, actor, payload, error, message fragment)
    (None, "47", Action.APPROVE, OFFICE, {}, ForbiddenMoveError, "đang ở trạng thái 'chưa giao': không thể duyệt"),
    (None, "47", Action.ACKNOWLEDGE, XD, {}, ForbiddenMoveError, "Có thể: giao, cập nhật thời hạn"),
    (None, "47", Action.ASSIGN, XD, {}, NotAuthorizedError, "chỉ Văn phòng Đảng ủy mới được"),
    ("assigned", "47", Action.ACKNOWLEDGE, OFFICE, {}, NotAuthorizedError, "chỉ cơ quan chủ trì mới được"),
    ("assigned", "47", Action.CANCEL, OFFICE, {"reason": "x"}, NotAuthorizedError, "chỉ Ban Thường vụ mới được"),
    ("assigned", "47", Action.ACKNOWLEDGE, "cvvp@haiphong.example", {}, NotAuthorizedError, "Đinh Văn Toàn"),
    ("submitted", "47", Action.RETURN, OFFICE, {}, InvalidMoveError, "Cần ý kiến nêu rõ phần cần hoàn thiện"),
    ("submitted", "47", Action.APPROVE, XD, {}, NotAuthorizedError, "không có thẩm quyền duyệt kết quả"),
    ("submitted", "47", Action.SUBMIT, XD, {"result": "lần hai"}, ForbiddenMoveError, "chờ duyệt kết quả"),
    ("assigned", "47", Action.REQUEST_EXPLANATION, OFFICE, {"reason": "chậm"}, InvalidMoveError, "quá hạn"),
    ("assigned", "47", Action.SET_DEADLINE, OFFICE, {"new_due_date": "2026-09-30"}, InvalidMoveError, "chờ cấp trên"),
    ("assigned", "3", Action.ACKNOWLEDGE, XD, {}, NotAuthorizedError, "cơ quan chủ trì"),
    (None, "47", Action.ASSIGN, "nobody@vinhtuy.example", {}, UnknownPersonError, "nobody@vinhtuy.example"),
    (None, "99", Action.ASSIGN, OFFICE, {}, TaskNotFoundError, "Không có nhiệm vụ 99"),
]


@pytest.mark.parametrize(("setup", "task", "action", "actor", "payload", "error", "fragment"), REFUSALS)
def test_refused_moves_change_nothing(
    db: Database, setup: str | None, task: str, action: Action, actor: str, payload: dict, error: type, fragment: str
) -> None:
    if setup in ("assigned", "submitted"):
        move(db, task, Action.ASSIGN, OFFICE)
    if setup == "submitted":
        move(db, task, Action.ACKNOWLEDGE, XD)
        move(db, task, Action.SUBMIT, XD, result="Tài liệu")
    before = snapshot(db)
    with pytest.raises(error, match=fragment):
        move(db, task, action, actor, **payload)
    assert snapshot(db) == before


def test_coordinating_input_only_from_a_coordinating_agency(db: Database) -> None:
    move(db, "3", Action.ASSIGN, OFFICE)  # coordinators: "Các Ban Xây dựng Đảng"
    move(db, "3", Action.ACKNOWLEDGE, OFFICE)
    move(db, "3", Action.REQUEST_COORDINATION, OFFICE)
    before = snapshot(db)
    with pytest.raises(NotAuthorizedError, match="chỉ cơ quan phối hợp mới được"):
        move(db, "3", Action.GIVE_INPUT, "truongca@vinhtuy.example", text="ý kiến")
    assert snapshot(db) == before
    move(db, "3", Action.GIVE_INPUT, XD, text="Ban Xây dựng Đảng góp ý dự thảo quyết định")


def test_extension_only_before_the_deadline_and_only_later_dates(db: Database) -> None:
    move(db, "56", Action.ASSIGN, OFFICE)  # Quý II/2026
    with pytest.raises(InvalidMoveError, match="phải sau thời hạn hiện tại"):
        move(db, "56", Action.REQUEST_EXTENSION, OFFICE, new_due_date="2026-06-01", reason="x")
    july = datetime(2026, 7, 2, 9, 0, tzinfo=VIETNAM)
    with pytest.raises(InvalidMoveError, match="đã quá hạn, cần giải trình"):
        move(db, "56", Action.REQUEST_EXTENSION, OFFICE, now=july, new_due_date="2026-08-31", reason="x")
    with pytest.raises(InvalidMoveError, match="Không có đề nghị gia hạn"):
        move(db, "56", Action.GRANT_EXTENSION, "pbttt@vinhtuy.example")


def test_explanation_decision_needs_a_future_date_and_a_decider(db: Database) -> None:
    april = datetime(2026, 4, 6, 9, 0, tzinfo=VIETNAM)
    move(db, "17", Action.ASSIGN, OFFICE)
    move(db, "17", Action.REQUEST_EXPLANATION, OFFICE, now=april, reason="Quá hạn quý I")
    move(db, "17", Action.SUBMIT_EXPLANATION, OFFICE, now=april, text="Chờ tài liệu")
    with pytest.raises(NotAuthorizedError, match="đồng chí lãnh đạo phụ trách hoặc Ban Thường vụ"):
        move(db, "17", Action.ACCEPT_EXPLANATION, OFFICE, now=april, new_due_date="2026-05-31")
    with pytest.raises(InvalidMoveError, match="phải sau hôm nay"):
        move(db, "17", Action.ACCEPT_EXPLANATION, "bithu@vinhtuy.example", now=april, new_due_date="2026-04-01")
    with pytest.raises(InvalidMoveError, match="YYYY-MM-DD"):
        move(db, "17", Action.ACCEPT_EXPLANATION, "bithu@vinhtuy.example", now=april, new_due_date="31/5/2026")


def test_failing_result_can_be_sent_for_explanation_before_the_deadline(db: Database) -> None:
    _submitted(db)
    result = move(db, "47", Action.REQUEST_EXPLANATION, OFFICE, reason="Chỉ đạt 60% số cán bộ", failing=True)
    assert result.to_status == "explanation_requested"


def test_same_idempotency_key_acts_once(db: Database) -> None:
    request = MoveRequest(VT, "47", Action.ASSIGN, OFFICE, {}, idempotency_key="run-123:assign")
    with db.transaction() as session:
        first = apply_move(session, request, now=MARCH)
    before = snapshot(db)
    with db.transaction() as session:
        again = apply_move(session, request, now=MARCH)
    assert snapshot(db) == before
    assert again.repeated and not first.repeated
    assert (again.event_id, again.to_status, again.notifications) == (first.event_id, "assigned", 1)


def test_stale_reader_gets_changed_meanwhile(db: Database) -> None:
    """Two reviewers: B read the task before A approved it; B's return is refused."""
    _submitted(db)
    with db.session() as session_b:
        in_hand = load_task(session_b, VT, "47")  # B has the task in hand at version N (kept referenced)
        move(db, "47", Action.APPROVE, OFFICE)  # A approves and commits
        with pytest.raises(ChangedMeanwhileError, match="Nhiệm vụ 47 vừa được người khác cập nhật"):
            apply_move(
                session_b,
                MoveRequest(VT, "47", Action.RETURN, "chanhvp@vinhtuy.example", {"comment": "Bổ sung"}),
                now=MARCH,
            )
        session_b.rollback()
        assert in_hand  # held until here so B's copy stays the stale one
    with db.session() as session:
        [submission] = session.scalars(select(Submission))
        assert submission.decision == "approved"


def test_a_form_opened_before_the_change_is_refused(db: Database) -> None:
    _submitted(db)
    with db.session() as session:
        seen_version = load_task(session, VT, "47")[0].version
    move(db, "47", Action.APPROVE, OFFICE)
    before = snapshot(db)
    request = MoveRequest(VT, "47", Action.RETURN, OFFICE, {"comment": "x"}, expected_version=seen_version)
    with pytest.raises(ChangedMeanwhileError, match="bạn đang xem"), db.transaction() as session:
        apply_move(session, request, now=MARCH)
    assert snapshot(db) == before


def test_two_reviewers_at_the_same_moment_exactly_one_wins(db: Database) -> None:
    _submitted(db)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def review(actor: str, action: Action) -> None:
        with db.session() as session:
            in_hand = load_task(session, VT, "47")  # both read version N before either writes
            barrier.wait(timeout=10)
            try:
                apply_move(session, MoveRequest(VT, "47", action, actor, {"comment": "ý kiến"}), now=MARCH)
                session.commit()
                outcomes.append("won")
            except MoveError as exc:  # refused as changed meanwhile, or (having waited) for its new status
                outcomes.append("refused")
                assert isinstance(exc, ChangedMeanwhileError | ForbiddenMoveError)
                session.rollback()
            assert in_hand[0] is not None

    threads = [
        threading.Thread(target=review, args=(OFFICE, Action.APPROVE)),
        threading.Thread(target=review, args=("chanhvp@vinhtuy.example", Action.RETURN)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "won"]
    with db.session() as session:
        statuses = {t.status for t in session.scalars(select(PlanTask).where(PlanTask.number == "47"))}
        reviews = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(["task.approve", "task.return"]))
        )
    assert len(statuses) == 1 and reviews == 1
