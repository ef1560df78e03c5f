"""The Vietnamese working calendar: Asia/Ho_Chi_Minh dates, weekends, public holidays, days in lieu.

Holidays come from the maintained `holidays` package (Tết, Hùng Kings with its observed
day, 30/4, 1/5, 2/9, substituted days off and the Saturdays worked in exchange), not
from a hand list.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from models.errors import InvalidInputError

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# The horizon of every date planflow accepts (deadlines, extensions, replays): a plan's dates live here,
# and date arithmetic near year 1 or 9999 would overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


class OutOfHorizonError(InvalidInputError):
    """A date outside 1900–2100: a typing mistake, refused where it enters."""


def within_horizon(day: date, what: str = "Ngày") -> date:
    """The date itself when it lies within 1900–2100; otherwise a clear refusal naming what it was."""
    if not EARLIEST <= day <= LATEST:
        raise OutOfHorizonError(
            f"{what} {day.day}/{day.month}/{day.year} nằm ngoài khoảng {EARLIEST.year}–{LATEST.year}; kiểm tra lại năm."
        )
    return day


def local_date(moment: datetime) -> date:
    """The date in Vietnam at a moment (a sweep at 01:00 UTC is already the next day there)."""
    return moment.astimezone(VIETNAM).date()


def end_of_day(day: date) -> datetime:
    """The last moment of a calendar day in Hà Nội (what "by the 30th" means for a stored UTC moment)."""
    return datetime.combine(day, time.max, tzinfo=VIETNAM)


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Not a weekend (unless a Saturday worked in exchange) and not a public holiday."""
    return bool(_holidays(day.year).is_working_day(day))


def holiday_name(day: date) -> str | None:
    """The holiday's name, for messages and reports."""
    return _holidays(day.year).get(day)


@lru_cache(maxsize=65536)
def add_working_days(day: date, count: int) -> date:
    """The working day `count` working days after `day` (before, if negative), `day` itself not counted."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


@lru_cache(maxsize=65536)
def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))
