"""Real tasks of both plans walked through every path of their life, with audit trail and outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from models.audit import AuditEvent
from models.db import Database
from models.lifecycle.moves import MoveRequest, MoveResult, apply_move
from models.lifecycle.steps import SelfApprovalError
from models.lifecycle.tables import DeadlineChange, Explanation, ExtensionRequest, ProgressReport, Submission
from models.lifecycle.workflow import Action
from models.org.tables import Agency, Person
from models.outbox.tables import Notification
from models.plan.tables import Plan, PlanTask
from tests.seeding import seed
from tests.time import VIETNAM

VT, HP = "vinh-tuy-2026", "hai-phong-2026"
SECRETARIAT = "vanthu@vinhtuy.example"
XD_MEMBER = "cvxd@vinhtuy.example"
POLICE = "truongca@vinhtuy.example"
SECRETARY = "bithu@vinhtuy.example"
DEPUTY = "pbttt@vinhtuy.example"
HP_OFFICE = "cvvp@haiphong.example"
HP_STANDING = "pbt@haiphong.example"


@pytest.fixture
def db(database: Database) -> Database:
    seed(database)
    return database


class Walk:
    """Moves on one task, each a committed transaction at its own moment."""

    def __init__(self, db: Database, plan: str, task: str, start: datetime) -> None:
        self.db, self.plan, self.task, self.now = db, plan, task, start

    def __call__(self, action: Action, actor: str, days: int = 1, **payload: Any) -> MoveResult:
        self.now += timedelta(days=days)
        with self.db.transaction() as session:
            return apply_move(session, MoveRequest(self.plan, self.task, action, actor, payload), now=self.now)

    def status(self) -> str:
        with self.db.session() as session:
            return session.scalars(self._task()).one().status

    def _task(self) -> Any:
        return select(PlanTask).join(Plan).where(Plan.code == self.plan, PlanTask.number == self.task)

    def trail(self) -> list[tuple[str, str, str, str]]:
        with self.db.session() as session:
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.entity_key == f"{self.plan}/{self.task}").order_by(AuditEvent.id)
            )
            return [(e.action, e.details["from"], e.details["to"], e.actor) for e in events]

    def notices(self) -> list[tuple[str, str]]:
        """(template, recipient name) of every queued notification, in order."""
        with self.db.session() as session:
            task_id = session.scalars(self._task()).one().id
            rows = session.scalars(
                select(Notification).where(Notification.task_id == task_id).order_by(Notification.id)
            )
            names = []
            for row in rows:
                if row.recipient_agency_id is not None:
                    names.append((row.template, session.get(Agency, row.recipient_agency_id).name))
                else:
                    names.append((row.template, session.get(Person, row.recipient_person_id).full_name))
            return names

    def records(self, model: Any) -> list[Any]:
        with self.db.session() as session:
            task_id = session.scalars(self._task()).one().id
            return list(session.scalars(select(model).where(model.task_id == task_id).order_by(model.id)))


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=VIETNAM)


def test_approved_the_first_time(db: Database) -> None:
    walk = Walk(db, VT, "47", _start(date(2026, 3, 2)))  # Ban Xây dựng Đảng leads, "Các cơ quan liên quan"
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.ACKNOWLEDGE, XD_MEMBER)
    walk(Action.REQUEST_COORDINATION, XD_MEMBER, message="Đề nghị phối hợp tổ chức hội nghị")
    walk(Action.GIVE_INPUT, POLICE, text="Công an phường cử cán bộ tham dự, chuẩn bị tài liệu an ninh mạng")
    walk(
        Action.SUBMIT,
        XD_MEMBER,
        result="Đã tổ chức hội nghị quán triệt cho 120 cán bộ",
        evidence=["https://vinhtuy.example/tai-lieu/hoi-nghi.pdf"],
        kpi_values={"số cán bộ tham dự": 120},
    )
    walk(Action.APPROVE, SECRETARIAT, comment="Đạt yêu cầu")
    assert walk.status() == "approved"
    assert walk.trail() == [
        ("task.assign", "imported", "assigned", "Phạm Minh Đức"),
        ("task.acknowledge", "assigned", "acknowledged", "Vũ Thị Lan"),
        ("task.request_coordination", "acknowledged", "in_progress", "Vũ Thị Lan"),
        ("task.give_input", "in_progress", "in_progress", "Bùi Quang Huy"),
        ("task.submit", "in_progress", "submitted", "Vũ Thị Lan"),
        ("task.approve", "submitted", "approved", "Phạm Minh Đức"),
    ]
    assert walk.notices() == [
        ("task_assigned", "Ban Xây dựng Đảng"),
        ("task_acknowledged", "Văn phòng Đảng ủy"),
        # "Các cơ quan liên quan" is, by the directory, four units; the lead among them is not asked
        ("coordination_requested", "UBKT Đảng ủy"),
        ("coordination_requested", "Công an phường"),
        ("coordination_requested", "Trung tâm HCC"),
        ("coordination_input_given", "Ban Xây dựng Đảng"),
        ("result_submitted", "Văn phòng Đảng ủy"),
        ("result_approved", "Ban Xây dựng Đảng"),
    ]
    [submission] = walk.records(Submission)
    assert (submission.version, submission.decision, submission.kpi_values) == (
        1,
        "approved",
        {"số cán bộ tham dự": 120},
    )


def test_returned_then_approved_keeps_both_versions(db: Database) -> None:
    walk = Walk(db, VT, "15", _start(date(2026, 2, 2)))  # Quý I/2026, Văn phòng leads
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.ACKNOWLEDGE, "chanhvp@vinhtuy.example")
    walk(Action.SUBMIT, "chanhvp@vinhtuy.example", result="Dự thảo danh mục hồ sơ")
    walk(Action.RETURN, SECRETARIAT, comment="Thiếu hướng dẫn nộp lưu hồ sơ điện tử")
    assert walk.status() == "returned"
    walk(Action.SUBMIT, "chanhvp@vinhtuy.example", result="Danh mục và hướng dẫn nộp lưu hồ sơ điện tử")
    with pytest.raises(SelfApprovalError):  # four eyes: the Văn phòng does not approve its own result
        walk(Action.APPROVE, SECRETARIAT)
    walk(Action.APPROVE, "pbttt@vinhtuy.example")  # the Standing Committee does
    first, second = walk.records(Submission)
    assert (first.version, first.decision, first.result_text) == (1, "returned", "Dự thảo danh mục hồ sơ")
    assert first.review_comment == "Thiếu hướng dẫn nộp lưu hồ sơ điện tử"
    assert (second.version, second.decision) == (2, "approved")
    assert [t for t, _ in walk.notices()] == [
        "task_assigned",
        "task_acknowledged",
        "result_submitted",
        "result_returned",
        "result_submitted",
        "result_approved",
    ]


def test_late_then_explanation_accepted_with_a_new_deadline(db: Database) -> None:
    walk = Walk(db, VT, "17", _start(date(2026, 2, 2)))  # Quý I/2026 → due 31/3
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.ACKNOWLEDGE, SECRETARIAT)
    walk(Action.REQUEST_EXPLANATION, SECRETARIAT, days=64, reason="Quá hạn quý I chưa có văn bản hướng dẫn")
    walk(Action.SUBMIT_EXPLANATION, SECRETARIAT, text="Chờ Thành ủy chuyển giao tài liệu kiến trúc 3.0")
    walk(Action.ACCEPT_EXPLANATION, SECRETARY, new_due_date="2026-05-31", comment="Đồng ý, hoàn thành trước 31/5")
    assert walk.status() == "in_progress"
    [change] = walk.records(DeadlineChange)
    assert (change.old_due_date, change.new_due_date, change.cause) == (
        date(2026, 3, 31),
        date(2026, 5, 31),
        "explanation",
    )
    [explanation] = walk.records(Explanation)
    assert explanation.decision == "accepted" and explanation.new_due_date == date(2026, 5, 31)
    assert ("explanation_submitted", "Nguyễn Văn Bình") in walk.notices()  # the leaders in charge
    assert ("explanation_submitted", "Trần Thị Thu") in walk.notices()


def test_late_then_explanation_rejected_is_recorded_against_unit_and_head(db: Database) -> None:
    walk = Walk(db, HP, "II.2", _start(date(2026, 4, 1)))  # due 30/4/2026, Văn phòng Thành ủy
    walk(Action.ASSIGN, HP_OFFICE)
    walk(Action.ACKNOWLEDGE, "chanhvp@haiphong.example")
    walk(Action.REQUEST_EXPLANATION, HP_OFFICE, days=40, reason="Quá hạn 30/4 chưa trình quyết định kiện toàn")
    walk(Action.SUBMIT_EXPLANATION, "chanhvp@haiphong.example", text="Nhân sự thay đổi sau sắp xếp")
    walk(Action.REJECT_EXPLANATION, HP_STANDING, comment="Lý do không xác đáng")
    [explanation] = walk.records(Explanation)
    assert explanation.decision == "rejected"
    assert explanation.agency_id is not None
    assert explanation.agency_head_name == "Ngô Thị Mai"
    assert ("explanation_rejected", "Ngô Thị Mai") in walk.notices()
    assert walk.status() == "in_progress"


def test_upstream_task_gets_the_date_the_upper_body_sets(db: Database) -> None:
    walk = Walk(db, VT, "29", _start(date(2026, 3, 2)))  # "Theo tiến độ Trung ương, Thành ủy"
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.SET_DEADLINE, SECRETARIAT, new_due_date="2026-09-30", comment="Công văn 120-CV/TU ấn định")
    walk(Action.ACKNOWLEDGE, XD_MEMBER)
    [change] = walk.records(DeadlineChange)
    assert (change.old_due_date, change.new_due_date, change.cause) == (None, date(2026, 9, 30), "upstream")
    assert walk.notices()[1] == ("deadline_set", "Ban Xây dựng Đảng")


def test_recurring_task_reports_each_period(db: Database) -> None:
    walk = Walk(db, VT, "37", _start(date(2026, 3, 2)))  # "Thường xuyên", Ban Xây dựng Đảng
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.ACKNOWLEDGE, XD_MEMBER)
    walk(Action.SUBMIT_PROGRESS, XD_MEMBER, days=28, period="2026-Q1", text="Rà soát quy định bộ máy CNTT quý I")
    walk(Action.SUBMIT_PROGRESS, XD_MEMBER, days=91, period="2026-Q2", text="Hoàn thiện hướng dẫn quý II")
    reports = walk.records(ProgressReport)
    assert [(r.period, r.version) for r in reports] == [("2026-Q1", 1), ("2026-Q2", 1)]
    assert walk.status() == "in_progress"
    assert [t for t, _ in walk.notices()].count("progress_reported") == 2


def test_cancelled_by_the_standing_committee(db: Database) -> None:
    walk = Walk(db, HP, "IV.2", _start(date(2026, 3, 16)))
    walk(Action.ASSIGN, HP_OFFICE)
    walk(Action.CANCEL, HP_STANDING, reason="Trung ương triển khai ứng dụng dùng chung thay thế")
    assert walk.status() == "cancelled"
    assert walk.notices() == [
        ("task_assigned", "Văn phòng Thành ủy"),
        ("task_cancelled", "Văn phòng Thành ủy"),
    ]
    assert walk.trail()[-1] == ("task.cancel", "assigned", "cancelled", "Phạm Văn Sơn")


def test_extension_granted_keeps_the_old_deadline_in_history(db: Database) -> None:
    walk = Walk(db, VT, "56", _start(date(2026, 5, 4)))  # Quý II/2026, leader: Phó Bí thư Thường trực
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.ACKNOWLEDGE, SECRETARIAT)
    walk(Action.REQUEST_EXTENSION, SECRETARIAT, new_due_date="2026-07-31", reason="Chờ cấp tài khoản từ Thành ủy")
    walk(Action.GRANT_EXTENSION, DEPUTY, comment="Đồng ý")
    [request] = walk.records(ExtensionRequest)
    assert request.decision == "granted"
    [change] = walk.records(DeadlineChange)
    assert (change.old_due_date, change.new_due_date, change.cause) == (
        date(2026, 6, 30),
        date(2026, 7, 31),
        "extension",
    )


def test_extension_refused_leaves_the_deadline(db: Database) -> None:
    walk = Walk(db, VT, "56", _start(date(2026, 5, 4)))
    walk(Action.ASSIGN, SECRETARIAT)
    walk(Action.REQUEST_EXTENSION, SECRETARIAT, new_due_date="2026-07-31", reason="Chờ tài khoản")
    walk(Action.REFUSE_EXTENSION, DEPUTY, comment="Giữ thời hạn quý II")
    assert walk.records(DeadlineChange) == []
    assert walk.records(ExtensionRequest)[0].decision == "refused"
