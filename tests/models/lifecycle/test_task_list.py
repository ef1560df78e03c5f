"""The portal list's rules without a browser: whose move is next, the tabs, the filters, the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.folding import folded
from models.lifecycle.task_list import PAGE_SIZE, Listed, Tab, TaskQuery, Window, listed, needs_person, page_of_tasks
from models.lifecycle.urgency import Urgency
from models.lifecycle.workflow import Role, TaskStatus
from models.plan.deadline_words import meaning_vi, rule_vi
from models.plan.tables import PlanSection, PlanTask

TODAY = date(2026, 11, 26)  # a Thursday


def _task(
    number: str, status: TaskStatus, due: date | None = None, text: str = "Nhiệm vụ", section: str = "I"
) -> PlanTask:
    return PlanTask(
        number=number,
        status=status.value,
        due_date=due,
        description=text,
        section=PlanSection(number=section, title=section),
        leaders=[],
    )


@pytest.mark.parametrize(
    ("status", "roles", "extension", "asked", "expected"),
    [
        (TaskStatus.IMPORTED, {Role.SECRETARIAT}, False, False, True),
        (TaskStatus.IMPORTED, {Role.LEAD}, False, False, False),
        (TaskStatus.ASSIGNED, {Role.LEAD}, False, False, True),
        (TaskStatus.ASSIGNED, {Role.SECRETARIAT}, False, False, False),  # may request an explanation, not waited on
        (TaskStatus.SUBMITTED, {Role.SECRETARIAT}, False, False, True),
        (TaskStatus.SUBMITTED, {Role.LEAD}, False, False, False),
        (TaskStatus.IN_PROGRESS, {Role.COORDINATOR}, False, True, True),
        (TaskStatus.IN_PROGRESS, {Role.COORDINATOR}, False, False, False),
        (TaskStatus.IN_PROGRESS, {Role.STANDING_COMMITTEE}, True, False, True),  # no leader named: the Committee
        (TaskStatus.IN_PROGRESS, {Role.LEAD}, True, False, False),
        (TaskStatus.EXPLANATION_SUBMITTED, {Role.STANDING_COMMITTEE}, False, False, True),
        (TaskStatus.EXPLANATION_REQUESTED, {Role.LEAD}, False, False, True),
        (TaskStatus.APPROVED, {Role.SECRETARIAT, Role.LEAD}, False, False, False),
    ],
)
def test_whose_move_is_next(status: TaskStatus, roles: set[Role], extension: bool, asked: bool, expected: bool) -> None:
    task = _task("1", status)
    assert needs_person(task, frozenset(roles), extension_pending=extension, asked_my_unit=asked) is expected


def _rows(
    count: int, status: TaskStatus = TaskStatus.ASSIGNED, roles: frozenset[Role] = frozenset({Role.LEAD})
) -> list[Listed]:
    return [
        listed(
            _task(str(n), status, TODAY + timedelta(days=n)),
            "p",
            set(roles),
            TODAY,
            extension_pending=False,
            asked=False,
        )
        for n in range(1, count + 1)
    ]


def test_pages_hold_twenty_and_a_page_past_the_end_shows_the_last() -> None:
    rows = _rows(45)
    first, last = page_of_tasks(rows, TaskQuery(), TODAY), page_of_tasks(rows, TaskQuery(page=99), TODAY)
    assert (first.total, first.pages, len(first.rows)) == (45, 3, PAGE_SIZE)
    assert (last.page, len(last.rows)) == (3, 5)
    assert [r.task.number for r in first.rows][:3] == ["1", "2", "3"]  # the nearest deadline first


def test_the_counts_follow_the_tab() -> None:
    rows = _rows(3) + _rows(2, roles=frozenset({Role.COORDINATOR}))
    coordinating = page_of_tasks(rows, TaskQuery(tab=Tab.COORDINATING), TODAY)
    assert coordinating.total == 2 and sum(coordinating.urgency_counts.values()) == 2
    assert coordinating.tab_counts == {Tab.MINE: 3, Tab.LEAD: 3, Tab.COORDINATING: 2, Tab.ALL: 5}


def test_deadline_windows() -> None:
    rows = [
        listed(_task("late", TaskStatus.ASSIGNED, TODAY - timedelta(days=1)), "p", {Role.LEAD}, TODAY,
               extension_pending=False, asked=False),
        listed(_task("week", TaskStatus.ASSIGNED, TODAY + timedelta(days=6)), "p", {Role.LEAD}, TODAY,
               extension_pending=False, asked=False),
        listed(_task("month", TaskStatus.ASSIGNED, TODAY + timedelta(days=25)), "p", {Role.LEAD}, TODAY,
               extension_pending=False, asked=False),
        listed(_task("none", TaskStatus.ASSIGNED), "p", {Role.LEAD}, TODAY, extension_pending=False, asked=False),
    ]  # fmt: skip

    def numbers(window: Window) -> list[str]:
        return [r.task.number for r in page_of_tasks(rows, TaskQuery(tab=Tab.ALL, window=window), TODAY).rows]

    assert numbers(Window.OVERDUE) == ["late"]
    assert numbers(Window.WEEK) == ["week"]
    assert numbers(Window.MONTH) == ["week", "month"]
    assert numbers(Window.NO_DATE) == ["none"]
    assert rows[0].urgency is Urgency.OVERDUE


def test_search_finds_the_phrase_with_or_without_tone_marks_and_sections_sort_as_numerals() -> None:
    rows = [
        listed(_task("1", TaskStatus.ASSIGNED, text="Triển khai Đề án Chuyển đổi số", section="IX"), "p", {Role.LEAD},
               TODAY, extension_pending=False, asked=False),
        listed(_task("2", TaskStatus.ASSIGNED, text="Thay đổi tư duy; văn hóa số; chuyển giao", section="II"), "p",
               {Role.LEAD}, TODAY, extension_pending=False, asked=False),
    ]  # fmt: skip
    for text in ("chuyen doi so", "CHUYỂN ĐỔI SỐ", "  chuyển   đổi số "):
        assert [r.task.number for r in page_of_tasks(rows, TaskQuery(text=text), TODAY).rows] == ["1"]
    assert page_of_tasks(rows, TaskQuery(section="II"), TODAY).total == 1
    assert page_of_tasks(rows, TaskQuery(), TODAY).sections == ["II", "IX"]
    assert folded("Đảng ủy") == "dang uy"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYMONTHDAY=25", "hằng tháng, ngày 25"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "hằng tháng, ngày cuối tháng"),
        ("FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1", "hằng quý, ngày cuối tháng cuối quý"),
        ("FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", "hằng quý, ngày 15 của tháng cuối quý"),
        ("FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1", "6 tháng một lần, ngày cuối tháng"),
        ("FREQ=YEARLY;BYMONTH=5,11;BYMONTHDAY=-1", "hằng năm, tháng 5, 11, ngày cuối tháng"),
        ("FREQ=WEEKLY;BYDAY=FR", "hằng tuần, thứ Sáu"),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1", "2 tháng một lần, ngày 1"),
    ],
)
def test_a_recurrence_reads_in_vietnamese(rule: str, words: str) -> None:
    assert rule_vi(rule) == words


def test_a_deadline_meaning_has_no_iso_dates_or_english() -> None:
    lines = dict(
        meaning_vi(
            {"text": "Quý I/2026; Quý III/2026", "kind": "end_of_quarter", "due_date": "2026-09-30",
             "checkpoints": ["2026-03-31", "2026-09-30"], "tentative": True, "start": None, "rule": None}
        )
    )  # fmt: skip
    assert lines == {
        "Văn bản ghi": "Quý I/2026; Quý III/2026",
        "Loại thời hạn": "cuối quý",
        "Hạn hoàn thành": "30/9/2026 (dự kiến)",
        "Các mốc": "31/3/2026; 30/9/2026",
    }
