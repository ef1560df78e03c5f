"""The written parts of a periodic report, from the data alone: the overall assessment (what went well, the
shortcomings with days late, their causes quoted from the units' own explanations), the main tasks of the next
period by unit, and the proposals to the upper level. Plain functions over the figures every format renders."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

_CLOSED = {"completed_on_time", "completed_late", "cancelled"}
_DONE_ON_TIME = "completed_on_time"
TASKS_PER_UNIT = 10  # the next period's tasks named per unit; the rest counted
MAX_LISTED = 15  # longer lists say how many more there are, the full list is in the Excel appendix


def assessment(figures: dict[str, Any]) -> dict[str, list[str]]:
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
    overdue = sorted(
        (row for row in figures["tasks"] if row["category"] == "overdue" and row["due_date"]),
        key=lambda row: row["due_date"],
    )
    shortcomings = [
        f"Nhiệm vụ {row['number']} ({row['lead_agency']}) quá hạn {(as_of - date.fromisoformat(row['due_date'])).days}"
        f" ngày: {_short(row['description'])}"
        for row in overdue
    ]
    causes = [
        f"{row['lead_agency']} (nhiệm vụ {row['number']}) giải trình: “{_short(row['explanation'], 300)}”"
        for row in figures["overdue"]
        if row.get("explanation")
    ]
    if overdue and not causes:
        causes = ["Các cơ quan chưa nộp giải trình cho các nhiệm vụ quá hạn."]
    return {"strengths": _capped(strengths), "shortcomings": _capped(shortcomings), "causes": _capped(causes)}


def next_period_tasks(figures: dict[str, Any], start: date, end: date) -> list[dict[str, Any]]:
    """Open tasks falling due in the next period, by lead agency (the most tasks first)."""
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in figures["tasks"]:
        due = date.fromisoformat(row["due_date"]) if row["due_date"] else None
        if row["category"] not in _CLOSED and due is not None and start <= due <= end:
            by_unit[row["lead_agency"]].append(
                {"number": row["number"], "description": row["description"], "due_date": row["due_date"]}
            )
    units = sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {
            "agency": agency,
            "tasks": sorted(tasks, key=lambda t: t["due_date"])[:TASKS_PER_UNIT],
            "more": max(len(tasks) - TASKS_PER_UNIT, 0),
        }
        for agency, tasks in units[:MAX_LISTED]
    ]


def proposals(figures: dict[str, Any]) -> list[str]:
    """What the upper level is asked for: the dates it has not yet set for the tasks waiting on it."""
    waiting = [row for row in figures["tasks"] if row["category"] == "waiting_upstream"]
    return _capped(
        [
            f"Đề nghị cấp trên sớm có hướng dẫn và thời hạn cho nhiệm vụ {row['number']} "
            f"({row['deadline_text']}): {_short(row['description'])}"
            for row in waiting
        ]
    )


def written_sections(figures: dict[str, Any], next_start: date, next_end: date, next_label: str) -> dict[str, Any]:
    """Everything the report writes after its tables, in one dict stored with the figures."""
    return {
        "assessment": assessment(figures),
        "next_period": {"label": next_label, "units": next_period_tasks(figures, next_start, next_end)},
        "proposals": proposals(figures),
    }


def _short(text: str | None, width: int = 160) -> str:
    """A text cut at a word boundary with an ellipsis (never mid-word)."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], f"… và {len(lines) - MAX_LISTED} nội dung khác (xem phụ lục Excel)."]
