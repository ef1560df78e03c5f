"""A person's task list: their own work first (tabs), narrowed by status, deadline window, section and text.

Plain functions over tasks already loaded and the facts of who is waited on (`models.lifecycle.waiting`), so the
portal, the API and tests read one rule. "Cần tôi xử lý" holds the tasks whose next move is this person's:
the secretariat's assignments and reviews, the lead's acknowledgement, work and explanations, a coordinating
unit's unanswered request, a leader's decision on an explanation or extension.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from models.folding import folded
from models.lifecycle.urgency import URGENCY_ORDER, Urgency, urgency
from models.lifecycle.workflow import CLOSED, Role, TaskStatus
from models.plan.tables import PlanTask

PAGE_SIZE = 20


class Tab(StrEnum):
    """Which of a person's tasks a list shows."""

    MINE = "mine"
    LEAD = "lead"
    COORDINATING = "coordinating"
    ALL = "all"


TAB_LABELS_VI = {
    Tab.MINE: "Cần tôi xử lý",
    Tab.LEAD: "Đơn vị chủ trì",
    Tab.COORDINATING: "Đơn vị phối hợp",
    Tab.ALL: "Tất cả",
}


class Window(StrEnum):
    """How close the deadline is."""

    OVERDUE = "overdue"
    WEEK = "7"
    MONTH = "30"
    QUARTER = "90"
    NO_DATE = "no_date"


WINDOW_LABELS_VI = {
    Window.OVERDUE: "đã quá hạn",
    Window.WEEK: "trong 7 ngày tới",
    Window.MONTH: "trong 30 ngày tới",
    Window.QUARTER: "trong 90 ngày tới",
    Window.NO_DATE: "chưa có ngày cụ thể",
}


@dataclass(frozen=True)
class Listed:
    """One visible task with what the list needs to know about it for this person."""

    task: PlanTask
    plan: str
    roles: frozenset[Role]
    needs_me: bool
    urgency: Urgency


@dataclass(frozen=True)
class TaskQuery:
    """What the person asked for; every field optional but the tab."""

    tab: Tab = Tab.MINE
    status: TaskStatus | None = None
    window: Window | None = None
    section: str | None = None
    text: str = ""
    page: int = 1


@dataclass
class TaskPage:
    """One page of the list, with the counts that follow the tab."""

    rows: list[Listed]
    total: int
    page: int
    pages: int
    tab_counts: dict[Tab, int]
    urgency_counts: dict[Urgency, int]
    sections: list[str] = field(default_factory=list)


def needs_person(task: PlanTask, roles: frozenset[Role], *, extension_pending: bool, asked_my_unit: bool) -> bool:
    """Whether the task's next move is this person's (not merely one they are allowed to make)."""
    status = TaskStatus(task.status)
    if status in CLOSED:
        return False
    deciders = {Role.LEADER} if task.leaders else {Role.STANDING_COMMITTEE}
    if status is TaskStatus.EXPLANATION_SUBMITTED or extension_pending:
        return bool(roles & deciders)
    if status in (TaskStatus.IMPORTED, TaskStatus.SUBMITTED):
        return Role.SECRETARIAT in roles
    if Role.LEAD in roles:
        return True
    return asked_my_unit and Role.COORDINATOR in roles


def in_tab(row: Listed, tab: Tab) -> bool:
    """The tab's own rule: my moves, my unit leading, my unit coordinating, or everything I may see."""
    if tab is Tab.MINE:
        return row.needs_me
    if tab is Tab.LEAD:
        return Role.LEAD in row.roles
    if tab is Tab.COORDINATING:
        return Role.COORDINATOR in row.roles
    return True


def matches(row: Listed, query: TaskQuery, today: date) -> bool:
    """Whether a row passes the filters (status, window, section, text); the tab is applied apart."""
    task = row.task
    if query.status is not None and task.status != query.status.value:
        return False
    if query.section and (task.section.number if task.section else "") != query.section:
        return False
    if query.window is not None and not _in_window(row, query.window, today):
        return False
    if query.text:
        haystack = " ".join([task.number, task.description, task.lead_agency.name if task.lead_agency else ""])
        return folded(query.text) in folded(haystack)  # the phrase, as typed
    return True


def _in_window(row: Listed, window: Window, today: date) -> bool:
    if window is Window.OVERDUE:
        return row.urgency is Urgency.OVERDUE
    if window is Window.NO_DATE:
        return row.urgency is Urgency.NO_DATE
    due = row.task.due_date
    return due is not None and row.urgency is not Urgency.CLOSED and today <= due <= today + timedelta(int(window))


def page_of_tasks(rows: list[Listed], query: TaskQuery, today: date) -> TaskPage:
    """The page asked for: the tab, then the filters, the most urgent first, 20 to a page."""
    tab_counts = {tab: sum(1 for row in rows if in_tab(row, tab)) for tab in Tab}
    in_this_tab = [row for row in rows if in_tab(row, query.tab)]
    chosen = [row for row in in_this_tab if matches(row, query, today)]
    chosen.sort(key=lambda row: (URGENCY_ORDER.index(row.urgency), row.task.due_date or date.max, row.plan))
    counted = Counter(row.urgency for row in chosen)
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(max(1, query.page), pages)
    sections = sorted({row.task.section.number for row in in_this_tab if row.task.section}, key=_section_order)
    return TaskPage(
        rows=chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(chosen),
        page=page,
        pages=pages,
        tab_counts=tab_counts,
        urgency_counts={state: counted.get(state, 0) for state in URGENCY_ORDER},
        sections=sections,
    )


def listed(task: PlanTask, plan: str, roles: set[Role], today: date, *, extension_pending: bool, asked: bool) -> Listed:
    """One row of the list, with its colour and whether it waits on this person."""
    frozen = frozenset(roles)
    return Listed(
        task=task,
        plan=plan,
        roles=frozen,
        needs_me=needs_person(task, frozen, extension_pending=extension_pending, asked_my_unit=asked),
        urgency=urgency(task.status, task.due_date, today),
    )


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _section_order(number: str) -> tuple[int, str]:
    """I, II, …, IX, X in their order (and anything else after them, alphabetically)."""
    if number and all(c in _ROMAN for c in number.upper()):
        values = [_ROMAN[c] for c in number.upper()]
        total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
        return total, number
    return 10_000, number
