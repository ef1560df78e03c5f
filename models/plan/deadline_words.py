"""A deadline's meaning in the words a secretariat uses: what planflow understood, never RRULE or ISO text."""

from __future__ import annotations

from typing import Any

from models.plan.deadlines import KIND_LABELS_VI, DeadlineKind
from models.vn_format import day_text


def _kind_label(kind: str | None) -> str:
    """The Vietnamese name of a deadline kind (an unknown one shown as it is)."""
    if not kind:
        return "—"
    return KIND_LABELS_VI[DeadlineKind(kind)] if kind in set(DeadlineKind) else kind


_WEEKDAYS = {
    "MO": "thứ Hai",
    "TU": "thứ Ba",
    "WE": "thứ Tư",
    "TH": "thứ Năm",
    "FR": "thứ Sáu",
    "SA": "thứ Bảy",
    "SU": "Chủ nhật",
}
_EVERY = {"DAILY": "hằng ngày", "WEEKLY": "hằng tuần", "MONTHLY": "hằng tháng", "YEARLY": "hằng năm"}
_UNITS = {"DAILY": "ngày", "WEEKLY": "tuần", "MONTHLY": "tháng", "YEARLY": "năm"}


def rule_vi(rule: str) -> str:
    """An RFC 5545 recurrence as a person reads it: "hằng quý, ngày cuối tháng cuối quý", "hằng tháng, ngày 25"."""
    parts = dict(item.split("=", 1) for item in rule.split(";") if "=" in item)
    frequency = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1"))
    months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
    words = [_how_often(frequency, interval, months)]
    if months and sorted(months) not in ([3, 6, 9, 12], [6, 12]):
        words.append("tháng " + ", ".join(str(m) for m in months))
    if "BYDAY" in parts:
        words.append(", ".join(_WEEKDAYS.get(d[-2:], d) for d in parts["BYDAY"].split(",")))
    if "BYMONTHDAY" in parts:
        words.append(_month_day(parts["BYMONTHDAY"], months))
    return ", ".join(w for w in words if w)


def _how_often(frequency: str, interval: int, months: list[int]) -> str:
    if sorted(months) == [3, 6, 9, 12]:
        return "hằng quý"
    if sorted(months) == [6, 12]:
        return "6 tháng một lần"
    if months:
        return "hằng năm"
    if interval > 1:
        return f"{interval} {_UNITS.get(frequency, '')} một lần"
    return _EVERY.get(frequency, frequency.lower())


def _month_day(value: str, months: list[int]) -> str:
    last = "tháng cuối quý" if sorted(months) == [3, 6, 9, 12] else "tháng"
    if value == "-1":
        return f"ngày cuối {last}"
    return f"ngày {value}" + (f" của {last}" if last != "tháng" else "")


def meaning_vi(deadline: dict[str, Any]) -> list[tuple[str, str]]:
    """(what, value) lines of a task's deadline (the `deadline` of a task view), in Vietnamese."""
    lines = [("Văn bản ghi", deadline.get("text") or "—"), ("Loại thời hạn", _kind_label(deadline.get("kind")))]
    if deadline.get("start"):
        lines.append(("Bắt đầu", day_text(deadline["start"])))
    if deadline.get("due_date"):
        tentative = " (dự kiến)" if deadline.get("tentative") else ""
        lines.append(("Hạn hoàn thành", day_text(deadline["due_date"]) + tentative))
    if len(deadline.get("checkpoints") or []) > 1:
        lines.append(("Các mốc", "; ".join(day_text(d) for d in deadline["checkpoints"])))
    if deadline.get("rule"):
        lines.append(("Lặp lại", rule_vi(deadline["rule"])))
    if deadline.get("upstream_body"):
        lines.append(("Chờ cấp trên", deadline["upstream_body"]))
    if deadline.get("event"):
        lines.append(("Chờ sự kiện", deadline["event"]))
    return lines
