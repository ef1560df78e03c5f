"""The one period type: a month, a quarter, a half year or a year — parsed from its key, labelled in Vietnamese,
with its first and last day and the periods just before and after. Reports, review cycles, progress reports,
escalation rungs and schedules all read periods through it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.errors import ReportError

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
FORMS = "2026-03, 2026-Q2, 2026-H1 hoặc 2026"


@dataclass(frozen=True)
class Period:
    """A reporting period: a month, a quarter, a half year or a year."""

    key: str
    start: date
    end: date
    label: str

    @property
    def kind(self) -> str:
        """'year', 'half', 'quarter' or 'month'."""
        if len(self.key) == 4:
            return "year"
        return {"Q": "quarter", "H": "half"}.get(self.key[5], "month")

    def previous(self) -> Period:
        """The period of the same kind just before."""
        return parse_period(_shifted(self.key, -1))

    def following(self) -> Period:
        """The period of the same kind just after."""
        return parse_period(_shifted(self.key, +1))


def parse_period(text: str) -> Period:
    """'2026-03', '2026-Q2', '2026-H1' or '2026'; anything else is a clear error."""
    key = text.strip().upper()
    try:
        if len(key) == 4:
            year = int(key)
            return Period(key, date(year, 1, 1), date(year, 12, 31), f"năm {year}")
        year_text, part = key.split("-")
        year = int(year_text)
        if part.startswith("Q"):
            quarter = int(part[1:])
            start = date(year, 3 * quarter - 2, 1)
            return Period(key, start, _month_end(year, 3 * quarter), f"quý {ROMAN[quarter]} năm {year}")
        if part.startswith("H"):
            half = int(part[1:])
            if half not in (1, 2):
                raise ValueError(part)
            start = date(year, 1 if half == 1 else 7, 1)
            label = "6 tháng đầu năm" if half == 1 else "6 tháng cuối năm"
            return Period(key, start, _month_end(year, 6 if half == 1 else 12), f"{label} {year}")
        month = int(part)
        return Period(f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month), f"tháng {month} năm {year}")
    except (ValueError, KeyError) as exc:
        raise ReportError(f"Kỳ báo cáo '{text}' không hợp lệ: dùng {FORMS}.") from exc


def period_containing(day: date, kind: str) -> Period:
    """The month, quarter, half or year ('month' | 'quarter' | 'half' | 'year') a day falls in."""
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if kind == "year":
        return parse_period(str(day.year))
    return parse_period(f"{day.year}-{day.month:02d}")


def last_complete_period(today: date, kind: str) -> Period:
    """The period of this kind that ended most recently before `today`."""
    return period_containing(today, kind).previous()


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _shifted(key: str, step: int) -> str:
    """The key `step` periods of the same kind away (−1 or +1)."""
    if len(key) == 4:
        return str(int(key) + step)
    year, part = int(key[:4]), key[5:]
    letter, count, number = (
        (part[0], 4 if part[0] == "Q" else 2, int(part[1:])) if part[0] in "QH" else ("", 12, int(part))
    )
    number += step
    if number < 1:
        year, number = year - 1, count
    elif number > count:
        year, number = year + 1, 1
    return f"{year}-{letter}{number}" if letter else f"{year}-{number:02d}"
