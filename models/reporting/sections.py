"""The written parts of a periodic report, from the data alone: the overall assessment (what went well, the
shortcomings with days late, their causes quoted from the units' own explanations), the main tasks of the next
period by unit, and the proposals to the upper level. Plain functions over the figures every format renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models.reporting.sums import Listed

TASKS_PER_UNIT = 10  # the next period's tasks named per unit; the rest counted
MAX_LISTED = 15  # longer lists say how many more there are, the full list is in the Excel appendix


@dataclass
class WrittenFrom:
    """The tasks the written sections name, each list in its order with how many there are in all (a national
    report names fifteen of thousands): overdue tasks by due date, the next period's open tasks by unit (the
    units with the most first), the tasks waiting on the upper level."""

    overdue: Listed
    next_period: list[tuple[str, Listed]]
    waiting: Listed
    next_label: str


def assessment(figures: dict[str, Any], overdue: Listed) -> dict[str, list[str]]:
    """What went well, the shortcomings (each overdue task named with its days late) and their causes."""
    as_of = date.fromisoformat(figures["as_of"])
    strengths = [
        f"{group['name']} hoàn thành đúng hạn cả {group['completed_on_time']} nhiệm vụ đến hạn."
        for group in figures["by_agency"]
        if group["completed_on_time"] and not group["overdue"] and not group.get("completed_late")
    ]
    strengths += [
        f"Mục {group['name']}: mọi nhiệm vụ đến hạn đều hoàn thành đúng hạn."
        for group in figures["by_section"]
        if group["completed_on_time"] and not group["overdue"] and not group.get("completed_late")
    ]
    shortcomings = [
        f"Nhiệm vụ {row['number']} ({row['lead_agency']}) quá hạn {(as_of - date.fromisoformat(row['due_date'])).days}"
        f" ngày: {_short(row['description'])}"
        for row in overdue.rows
    ]
    causes = [
        f"{row['lead_agency']} (nhiệm vụ {row['number']}) giải trình: “{_short(row['explanation'], 300)}”"
        for row in figures["overdue"]
        if row.get("explanation")
    ]
    if overdue.total and not causes:
        causes = ["Các cơ quan chưa nộp giải trình cho các nhiệm vụ quá hạn."]
    return {
        "strengths": _capped(strengths),
        "shortcomings": _capped(shortcomings, overdue.total),
        "causes": _capped(causes),
    }


def next_period_tasks(units: list[tuple[str, Listed]]) -> list[dict[str, Any]]:
    """Open tasks falling due in the next period, by lead agency (the most tasks first)."""
    return [
        {
            "agency": agency,
            "tasks": [
                {"number": t["number"], "description": t["description"], "due_date": t["due_date"]}
                for t in tasks.rows[:TASKS_PER_UNIT]
            ],
            "more": max(tasks.total - TASKS_PER_UNIT, 0),
        }
        for agency, tasks in units[:MAX_LISTED]
    ]


def proposals(waiting: Listed) -> list[str]:
    """What the upper level is asked for: the dates it has not yet set for the tasks waiting on it."""
    return _capped(
        [
            f"Đề nghị cấp trên sớm có hướng dẫn và thời hạn cho nhiệm vụ {row['number']} "
            f"({row['deadline_text']}): {_short(row['description'])}"
            for row in waiting.rows
        ],
        waiting.total,
    )


def written_sections(figures: dict[str, Any], source: WrittenFrom) -> dict[str, Any]:
    """Everything the report writes after its tables, in one dict stored with the figures."""
    return {
        "assessment": assessment(figures, source.overdue),
        "next_period": {"label": source.next_label, "units": next_period_tasks(source.next_period)},
        "proposals": proposals(source.waiting),
    }


def _short(text: str | None, width: int = 160) -> str:
    """A text cut at a word boundary with an ellipsis (never mid-word)."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _capped(lines: list[str], total: int | None = None) -> list[str]:
    """At most MAX_LISTED lines, then how many more there are (`total`: of which `lines` are the first)."""
    total = len(lines) if total is None else total
    if total <= MAX_LISTED:
        return lines[:MAX_LISTED]
    return [*lines[:MAX_LISTED], f"… và {total - MAX_LISTED} nội dung khác (xem phụ lục Excel)."]
