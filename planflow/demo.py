"""`planflow demo`: the Vĩnh Tuy plan through a realistic quarter (Q2/2026), ending with its report.

The walk goes through the same state machine and sweep as real use (each move audited,
each message queued in the outbox), on a database of its own, then compiles the
quarterly report with the compile-report flow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from documents.directory_yaml import read_directory
from documents.reader import read_plan
from models.calendar.days import VIETNAM, is_working_day
from models.db import Database
from models.escalation.sweep import sweep
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.queries import get_plan
from models.lifecycle.workflow import Action
from models.org.directory import load_directory
from models.plan.store import save_plan
from models.reporting.kpi_measure import record_measurement
from runtime.samples import SEED_DIRECTORY, SEED_PLAN

PLAN = "vinh-tuy-2026"
OFFICE = "vanthu@vinhtuy.example"
SECRETARY = "bithu@vinhtuy.example"
DEPUTY = "pbttt@vinhtuy.example"  # Standing Committee: reviews what the Văn phòng submitted itself (four eyes)
LEADS = {  # a member of each lead agency of the plan
    "Văn phòng Đảng ủy": "chanhvp@vinhtuy.example",
    "Ban Xây dựng Đảng": "cvxd@vinhtuy.example",
    "UBKT Đảng ủy": "chunhiemubkt@vinhtuy.example",
    "Công an phường": "truongca@vinhtuy.example",
    "Các Ban Đảng và Văn phòng Đảng ủy": "chanhvp@vinhtuy.example",
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VIETNAM)


class Walk:
    """Moves at given moments, each its own transaction (as people would make them)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.moves = 0

    def __call__(self, day: date, number: str, action: Action, actor: str, **payload: Any) -> None:
        with self.database.transaction() as session:
            apply_move(session, MoveRequest(PLAN, number, action, actor, payload), now=at(day))
        self.moves += 1

    def reviewer(self, number: str) -> str:
        """The Văn phòng reviews results, except its own: those go to the Standing Committee."""
        return DEPUTY if self.lead(number) == LEADS["Văn phòng Đảng ủy"] else OFFICE

    def lead(self, number: str) -> str:
        with self.database.session() as session:
            task = next(t for t in get_plan(session, PLAN).tasks if t.number == number)
            return LEADS[task.lead_agency.name if task.lead_agency else "Văn phòng Đảng ủy"]


def seed_plan(database: Database) -> None:
    """The Vĩnh Tuy plan and its sample directory."""
    with database.transaction() as session:
        save_plan(session, document=read_plan(SEED_PLAN), actor="planflow demo", now=at(date(2026, 2, 27)))
        load_directory(
            session, directory=read_directory(SEED_DIRECTORY), actor="planflow demo", now=at(date(2026, 2, 27))
        )


def first_quarter(walk: Walk) -> None:
    """Assignment in March, acknowledgements, task 15 done on time; the rest under way."""
    with walk.database.session() as session:
        numbers = [t.number for t in get_plan(session, PLAN).tasks]
    for number in numbers:
        walk(date(2026, 3, 2), number, Action.ASSIGN, OFFICE)
    for number in numbers:
        walk(date(2026, 3, 4), number, Action.ACKNOWLEDGE, walk.lead(number))
    walk(date(2026, 3, 25), "15", Action.SUBMIT, walk.lead("15"), result="Danh mục hồ sơ và hướng dẫn nộp lưu điện tử")
    walk(date(2026, 3, 27), "15", Action.APPROVE, walk.reviewer("15"), comment="Đạt yêu cầu")
    walk(
        date(2026, 3, 31),
        "29",
        Action.SET_DEADLINE,
        OFFICE,
        new_due_date="2026-05-04",
        comment="Thành ủy ấn định tại văn bản hướng dẫn",
    )
    for number in ("1", "6", "12", "22"):
        walk(
            date(2026, 3, 26),
            number,
            Action.SUBMIT_PROGRESS,
            walk.lead(number),
            period="2026-Q1",
            text="Đã triển khai theo kế hoạch quý I",
        )


def second_quarter(walk: Walk, on_day: Callable[[date], None]) -> None:
    """April to June: results, a return, explanations accepted and rejected, a cancellation, progress reports."""
    script: dict[date, list[tuple[str, Action, str, dict[str, Any]]]] = {
        # Task 5 (Tháng 2) was overdue when the quarter began: the sweep of 1/4 asked for an explanation.
        date(2026, 4, 2): [("5", Action.SUBMIT_EXPLANATION, "lead", {"text": "Chờ ý kiến Thành ủy về Đề án"})],
        date(2026, 4, 3): [("5", Action.ACCEPT_EXPLANATION, SECRETARY, {"new_due_date": "2026-04-30"})],
        date(2026, 4, 8): [("5", Action.SUBMIT, "lead", {"result": "Kế hoạch thực hiện Đề án (dự thảo)"})],
        date(2026, 4, 9): [("5", Action.RETURN, "reviewer", {"comment": "Bổ sung lộ trình và kinh phí"})],
        date(2026, 4, 14): [("5", Action.SUBMIT, "lead", {"result": "Kế hoạch thực hiện Đề án năm 2026"})],
        date(2026, 4, 15): [("5", Action.APPROVE, "reviewer", {"comment": "Ban hành"})],
        # Task 17 (Quý I): explanation accepted with a new deadline, then finished a week after it.
        date(2026, 4, 10): [
            ("17", Action.SUBMIT_EXPLANATION, "lead", {"text": "Chờ Thành ủy chuyển giao tài liệu 3.0"})
        ],
        date(2026, 4, 13): [
            (
                "17",
                Action.ACCEPT_EXPLANATION,
                SECRETARY,
                {"new_due_date": "2026-05-15", "comment": "Hoàn thành trước 15/5"},
            )
        ],
        date(2026, 5, 14): [("29", Action.SUBMIT_EXPLANATION, "lead", {"text": "Thiếu nhân sự chuyên trách"})],
        date(2026, 5, 15): [("29", Action.REJECT_EXPLANATION, SECRETARY, {"comment": "Lý do không xác đáng"})],
        date(2026, 5, 20): [("17", Action.SUBMIT, "lead", {"result": "Văn bản hướng dẫn cập nhật kiến trúc 3.0"})],
        date(2026, 5, 22): [("17", Action.APPROVE, "reviewer", {})],
        date(2026, 6, 10): [("8", Action.CANCEL, SECRETARY, {"reason": "Thành phố lùi thời điểm vận hành IOC"})],
        date(2026, 6, 15): [
            (
                "47",
                Action.SUBMIT,
                "lead",
                {"result": "Hội nghị quán triệt cho 120 cán bộ", "kpi_values": {"số cán bộ tham dự": 120}},
            )
        ],
        date(2026, 6, 17): [("47", Action.APPROVE, "reviewer", {})],
        date(2026, 6, 26): [("56", Action.SUBMIT, "lead", {"result": "100% Bí thư chi bộ có tài khoản"})],
        date(2026, 6, 29): [("56", Action.APPROVE, "reviewer", {})],
    }
    recurring = ["1", "2", "3", "4", "6", "11", "12", "14", "22", "23", "27", "28", "36", "37", "38", "39", "43"]
    day = date(2026, 4, 1)
    while day <= date(2026, 6, 30):
        for number, action, actor, payload in script.get(day, []):
            who = {"lead": walk.lead, "reviewer": walk.reviewer}.get(actor)
            walk(day, number, action, who(number) if who else actor, **payload)
        if day == date(2026, 6, 22):
            for number in recurring:
                walk(
                    day,
                    number,
                    Action.SUBMIT_PROGRESS,
                    walk.lead(number),
                    period="2026-Q2",
                    text="Kết quả thực hiện quý II",
                )
        on_day(day)
        day += timedelta(days=1)


def measure_indicators(database: Database) -> None:
    """The secretariat records the plan's key results at the end of June."""
    values = {1: 100.0, 2: 72.0, 3: 100.0, 4: 65.0, 5: 90.0, 6: 100.0, 7: 85.0}
    with database.transaction() as session:
        for position, value in values.items():
            record_measurement(
                session,
                plan_code=PLAN,
                position=position,
                value=value,
                actor="Phạm Minh Đức",
                at=at(date(2026, 6, 30), 16),
            )


def run_quarter(database: Database) -> int:
    """The whole scenario on a fresh database; returns the number of moves made."""
    seed_plan(database)
    walk = Walk(database)
    first_quarter(walk)

    def daily_sweep(day: date) -> None:
        if is_working_day(day):
            with database.transaction() as session:
                sweep(session, as_of=day, now=at(day, 7))

    second_quarter(walk, daily_sweep)
    measure_indicators(database)
    return walk.moves
