"""Dates and times written the Vietnamese way, for messages and documents."""

from __future__ import annotations

from datetime import date, datetime


def running_date(day: date) -> str:
    """Running text: 'ngày 31 tháng 3 năm 2026' (no leading zeros)."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def date_line(day: date) -> str:
    """A document's place-and-date line: 'ngày 05 tháng 02 năm 2026' (day and month below 10 get a zero)."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def short_date(day: date) -> str:
    """Tables and deadlines: '31/3/2026'."""
    return f"{day.day}/{day.month}/{day.year}"


def moment(when: datetime) -> str:
    """'09:00 ngày 2 tháng 3 năm 2026' (in the time zone the moment carries)."""
    return f"{when:%H:%M} {running_date(when.date())}"
