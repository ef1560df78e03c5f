"""The few sentences and rows every format of a report says the same way (Word, Excel and HTML call these, so a
roll-up reads alike in each): the ranked subordinate units, the most-overdue heading, the recurring-tasks line."""

from __future__ import annotations

from typing import Any

from models.vn_format import measure_text, percent_text

UNIT_COLUMNS = [
    "Hạng",
    "Đơn vị",
    "Tổng",
    "Đúng hạn",
    "Quá hạn (HT)",
    "Quá hạn",
    "Tỷ lệ hoàn thành đúng hạn",
    "Tỷ lệ quá hạn",
]


def unit_values(unit: dict[str, Any]) -> list[Any]:
    """One subordinate unit's row as values (ratios as fractions): what Excel types and Word and HTML format."""
    return [
        unit["rank"],
        unit["name"],
        unit["tasks"],
        unit["completed_on_time"],
        unit["completed_late"],
        unit["overdue"],
        unit["on_time_ratio"],
        unit["overdue_ratio"],
    ]


def unit_rows(units: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per subordinate unit, in rank order, ratios in Vietnamese."""
    return [[*values[:-2], *(percent_text(ratio) for ratio in values[-2:])] for values in map(unit_values, units)]


def overdue_heading(figures: dict[str, Any]) -> str:
    """In a roll-up, how many of the overdue tasks the table names (the most days late) and of how many."""
    return (
        f"{len(figures['overdue'])} nhiệm vụ quá hạn nhiều ngày nhất, trong tổng số {figures['overdue_total']} "
        "nhiệm vụ quá hạn hoặc hoàn thành quá hạn (danh sách đầy đủ: xuất danh sách nhiệm vụ ra Excel)."
    )


def recurring_line(figures: dict[str, Any]) -> str:
    """How many recurring tasks reported their progress in the period."""
    summary = figures.get("recurring_summary") or {
        "tasks": len(figures.get("recurring", [])),
        "reported": sum(1 for r in figures.get("recurring", []) if r["reported"]),
    }
    return f"{summary['reported']}/{summary['tasks']} nhiệm vụ thường xuyên đã báo cáo tiến độ trong kỳ."


def indicator_result(indicator: dict[str, Any]) -> str:
    """What was measured: the value of one plan's indicator, or in a roll-up in how many units it was met."""
    if "units" in indicator:
        return f"đạt ở {indicator['units_met']}/{indicator['units']} đơn vị (đã đo ở {indicator['units_measured']})"
    return "chưa đo" if indicator["value"] is None else measure_text(indicator["value"], indicator["unit"])


def indicator_assessment(indicator: dict[str, Any]) -> str:
    """Met or not (a roll-up's row says it in its result)."""
    return "—" if indicator["met"] is None else ("đạt" if indicator["met"] else "chưa đạt")
