"""Vietnamese deadline text ("Quý I/2026", "trước ngày 25 hằng tháng", "Theo tiến độ Trung ương") as a typed
meaning, read with the grammar in deadline_grammar.lark.

A plan's "Thời gian hoàn thành" column is free text. Every text keeps its original words; what planflow
understands of it is a `DeadlineSpec`: the date it is due, the start of a range, the checkpoints of a cell
that names several, and for a recurring duty an RFC 5545 rule whose occurrences the sweep and the reports
read. Text it does not understand becomes kind UNKNOWN (kept and flagged, never dropped); a date that
cannot exist (31/2/2026) or lies outside 1900–2100 is an error, because a clerk must correct it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

from dateutil.rrule import rrulestr
from lark import Lark, Token, Transformer, UnexpectedInput, v_args

from models.calendar.days import EARLIEST, LATEST
from models.errors import InvalidInputError


class DeadlineKind(StrEnum):
    """What kind of promise a deadline text makes."""

    FIXED_DATE = "fixed_date"
    END_OF_MONTH = "end_of_month"
    END_OF_QUARTER = "end_of_quarter"
    QUARTER_SPAN = "quarter_span"
    END_OF_HALF = "end_of_half"
    END_OF_YEAR = "end_of_year"
    RECURRING = "recurring"
    UPSTREAM = "upstream"
    EVENT = "event"
    UNKNOWN = "unknown"


KIND_LABELS_VI: dict[DeadlineKind, str] = {
    DeadlineKind.FIXED_DATE: "ngày cụ thể",
    DeadlineKind.END_OF_MONTH: "cuối tháng",
    DeadlineKind.END_OF_QUARTER: "cuối quý",
    DeadlineKind.QUARTER_SPAN: "nhiều quý",
    DeadlineKind.END_OF_HALF: "cuối sáu tháng",
    DeadlineKind.END_OF_YEAR: "cuối năm",
    DeadlineKind.RECURRING: "định kỳ, thường xuyên",
    DeadlineKind.UPSTREAM: "theo tiến độ cấp trên",
    DeadlineKind.EVENT: "theo sự kiện",
    DeadlineKind.UNKNOWN: "chưa hiểu được",
}
QUARTERLY = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"  # the plans' reporting rule: a report each quarter
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


class InvalidDeadlineError(InvalidInputError):
    """The text names a date that cannot exist (31/2/2026) or lies outside the plans' horizon."""


@dataclass(frozen=True)
class DeadlineSpec:
    """The meaning of one deadline text; `due_date` is None where no date is set yet."""

    text: str
    kind: DeadlineKind
    due_date: date | None = None
    checkpoints: tuple[date, ...] = field(default_factory=tuple)
    tentative: bool = False
    upstream_body: str | None = None
    event: str | None = None
    start: date | None = None  # a range's beginning ("Quý II-III": 1 April)
    rule: str | None = None  # a recurring duty's RFC 5545 rule ("FREQ=MONTHLY;BYMONTHDAY=25")

    @property
    def has_date(self) -> bool:
        """Whether a sweep can measure lateness against this deadline."""
        return self.due_date is not None

    def occurrences(self, after: date, before: date) -> list[date]:
        """The dates a recurring duty falls due between two dates (inclusive); none for other kinds."""
        if not self.rule:
            return []
        begin = max(after, self.start or after)
        rule = rrulestr(f"RRULE:{self.rule}", dtstart=datetime.combine(begin, datetime.min.time()))
        end = datetime.combine(before, datetime.max.time())
        return [moment.date() for moment in rule.between(datetime.combine(begin, datetime.min.time()), end, inc=True)]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view (dates as ISO strings), the CLI's public shape."""
        return {
            "text": self.text,
            "kind": self.kind.value,
            "kind_vi": KIND_LABELS_VI[self.kind],
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "checkpoints": [d.isoformat() for d in self.checkpoints],
            "tentative": self.tentative,
            "upstream_body": self.upstream_body,
            "event": self.event,
            "start": self.start.isoformat() if self.start else None,
            "rule": self.rule,
        }


# --- normalizing the text before it is parsed ------------------------------------------------------------


def normalize_text(text: str) -> str:
    """One canonical spelling: NFC, lower case, single spaces, unified dashes and slashes, 'hàng' → 'hằng'."""
    value = unicodedata.normalize("NFC", text).lower()
    value = value.replace("–", "-").replace("—", "-").replace("\\", "/").replace("\u00a0", " ")
    value = re.sub(r"\bhàng (tuần|tháng|quý|năm|ngày)\b", r"hằng \1", value)
    value = re.sub(r"\bquí\b", "quý", value)
    value = re.sub(r"(\d)\s*[.-]\s*(\d{1,2})\s*[.-]\s*((?:19|20|21)\d\d)", r"\1/\2/\3", value)  # 30.6.2026
    value = re.sub(r"[ \t]+", " ", value)
    return value.strip(" .,;:")


def _split_note(item: str) -> str:
    """An item without its note in parentheses ("Quý I/2026 (dự thảo)")."""
    return re.sub(r"\s*\([^)]*\)\s*", " ", item).strip(" .,;:")


# --- from a parse to a meaning ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    """A stretch of the calendar a time names, and what kind of promise its end makes."""

    first: date
    last: date
    kind: DeadlineKind
    quarters: tuple[date, ...] = ()


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDeadlineError(f"ngày {day}, tháng {month}, năm {year} không có thật") from exc


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise InvalidDeadlineError(f"không có tháng {month}")
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    """Last day of a calendar quarter (quarters I–IV)."""
    return _month_end(year, quarter * 3)


def _quarter(year: int, quarter: int) -> _Period:
    end = quarter_end(year, quarter)
    return _Period(date(year, quarter * 3 - 2, 1), end, DeadlineKind.END_OF_QUARTER, (end,))


@v_args(inline=True)
class _Meaning(Transformer[Token, list[DeadlineSpec]]):
    """Builds each item's meaning; `year` stands in where the text leaves the year out."""

    def __init__(self, text: str, year: int | None) -> None:
        super().__init__()
        self.text = text
        self.default_year = year

    def _year(self) -> int:
        if self.default_year is None:
            raise _NoYearError()
        return self.default_year

    def _period(self, time: object, year: int | None = None) -> _Period:
        """A time as a period: one that left its year out takes the given year, else the plan's."""
        if isinstance(time, _Yearless):
            return time.build(year if year is not None else self._year())
        if not isinstance(time, _Period):  # the grammar gives only these two: anything else is a bug
            raise TypeError(f"a deadline's time must be a period, not {type(time).__name__}")
        return time

    # times ------------------------------------------------------------------------------------------
    def date_numeric(self, day: Token, month: Token, year: Token) -> _Period:
        found = _day(int(year), int(month), int(day))
        return _Period(found, found, DeadlineKind.FIXED_DATE)

    def date_no_year(self, day: Token, month: Token) -> _Yearless:
        return _Yearless(lambda year: self.date_numeric(day, month, Token("YEAR", str(year))))

    date_words = date_numeric
    date_words_no_year = date_no_year

    def month_year(self, month: Token, year: Token) -> _Period:
        last = _month_end(int(year), int(month))
        return _Period(last.replace(day=1), last, DeadlineKind.END_OF_MONTH)

    def month_no_year(self, month: Token) -> _Yearless:
        return _Yearless(lambda year: self.month_year(month, Token("YEAR", str(year))))

    def quarter_list(self, *parts: Token) -> _Period:
        *quarters, year = parts
        numbers = sorted({ROMAN_QUARTERS[str(q)] for q in quarters})
        periods = [_quarter(int(year), q) for q in numbers]
        if len(periods) == 1:
            return periods[0]
        ends = tuple(p.last for p in periods)
        return _Period(periods[0].first, periods[-1].last, DeadlineKind.QUARTER_SPAN, ends)

    def quarter_list_no_year(self, *quarters: Token) -> _Yearless:
        return _Yearless(lambda year: self.quarter_list(*quarters, Token("YEAR", str(year))))

    def half(self, words: Token, year: Token | None = None) -> _Period | _Yearless:
        if year is None:
            return _Yearless(lambda found: self._half(str(words), found))
        return self._half(str(words), int(year))

    def _half(self, words: str, number: int) -> _Period:
        first_half = _Period(date(number, 1, 1), date(number, 6, 30), DeadlineKind.END_OF_HALF)
        halves = {
            "đầu năm": _Period(date(number, 1, 1), date(number, 3, 31), DeadlineKind.END_OF_QUARTER),
            "giữa năm": first_half,
            "cuối năm": _Period(date(number, 10, 1), date(number, 12, 31), DeadlineKind.END_OF_YEAR),
        }
        if words in halves:
            return halves[words]
        if words.endswith("đầu"):  # 6 tháng đầu, sáu tháng đầu, nửa đầu
            return first_half
        return _Period(date(number, 7, 1), date(number, 12, 31), DeadlineKind.END_OF_HALF)

    def year_no_year(self) -> _Yearless:
        return _Yearless(lambda found: self.year(Token("YEAR", str(found))))

    def year(self, year: Token) -> _Period:
        return _Period(date(int(year), 1, 1), date(int(year), 12, 31), DeadlineKind.END_OF_YEAR)

    # a lead word and its time -----------------------------------------------------------------------
    def before_day(self, _token: Token) -> str:
        return "before_day"

    def before(self, _token: Token) -> str:
        return "before"

    def by(self, _token: Token) -> str:
        return "by"

    def within(self, _token: Token) -> str:
        return "by"

    def early(self, _token: Token) -> str:
        return "early"

    def middle(self, _token: Token) -> str:
        return "middle"

    def late(self, _token: Token) -> str:
        return "by"

    def point(self, *parts: object) -> DeadlineSpec:
        lead = parts[0] if len(parts) == 2 else "by"
        return self._at(str(lead), self._period(parts[-1]))

    def _at(self, lead: str, period: _Period) -> DeadlineSpec:
        if lead == "before" and period.kind is not DeadlineKind.FIXED_DATE:
            due = period.first - timedelta(days=1)  # "trước năm 2027": by the end of 2026
            kind = {
                DeadlineKind.END_OF_YEAR: DeadlineKind.END_OF_YEAR,
                DeadlineKind.END_OF_MONTH: DeadlineKind.END_OF_MONTH,
            }.get(period.kind, DeadlineKind.FIXED_DATE if due.day != calendar.monthrange(due.year, due.month)[1]
                  else DeadlineKind.END_OF_MONTH)  # fmt: skip
            if period.kind is DeadlineKind.END_OF_QUARTER or period.kind is DeadlineKind.QUARTER_SPAN:
                kind = DeadlineKind.END_OF_QUARTER
            return DeadlineSpec(self.text, kind, due)
        if lead in ("early", "middle") and period.kind is not DeadlineKind.FIXED_DATE:
            return self._part_of(lead, period)
        checkpoints = period.quarters if period.kind is DeadlineKind.QUARTER_SPAN else ()
        return DeadlineSpec(self.text, period.kind, period.last, checkpoints=checkpoints)

    def _part_of(self, lead: str, period: _Period) -> DeadlineSpec:
        """ "Đầu năm" is by the end of its first quarter, "giữa năm" by 30 June; "đầu quý" by the end of its
        first month, "giữa quý" of its second; "đầu tháng" by the 10th, "giữa tháng" by the 15th."""
        first = period.first
        if period.kind is DeadlineKind.END_OF_YEAR:
            month = 3 if lead == "early" else 6
            return DeadlineSpec(self.text, DeadlineKind.END_OF_QUARTER if month == 3 else DeadlineKind.END_OF_HALF,
                                _month_end(first.year, month), start=first)  # fmt: skip
        if period.kind in (DeadlineKind.END_OF_QUARTER, DeadlineKind.END_OF_HALF, DeadlineKind.QUARTER_SPAN):
            month = first.month + (0 if lead == "early" else 1)
            return DeadlineSpec(self.text, DeadlineKind.END_OF_MONTH, _month_end(first.year, month), start=first)
        due = first.replace(day=10 if lead == "early" else 15)
        return DeadlineSpec(self.text, DeadlineKind.FIXED_DATE, due, start=first)

    # ranges ----------------------------------------------------------------------------------------
    def range(self, first: object, *rest: object) -> DeadlineSpec:
        last = self._period(rest[-1])
        lead = str(rest[0]) if len(rest) == 2 else "by"
        end = self._at(lead, last)
        begin = self._period(first, last.last.year)  # "từ tháng 3 đến tháng 6/2026": March of 2026
        if begin.first > last.last:
            raise InvalidDeadlineError("thời điểm bắt đầu sau thời điểm kết thúc")
        if begin.kind is DeadlineKind.END_OF_QUARTER and last.kind is DeadlineKind.END_OF_QUARTER and lead == "by":
            ends = _quarter_ends(begin.first, last.last)  # "từ quý II đến quý IV": a checkpoint each quarter
            return DeadlineSpec(self.text, DeadlineKind.QUARTER_SPAN, last.last, checkpoints=ends, start=begin.first)
        return replace(end, start=begin.first)

    def year_range(self, first: Token, last: Token) -> DeadlineSpec:
        if int(last) < int(first):
            raise InvalidDeadlineError(f"năm kết thúc {last} trước năm bắt đầu {first}")
        return DeadlineSpec(self.text, DeadlineKind.END_OF_YEAR, date(int(last), 12, 31), start=date(int(first), 1, 1))

    def month_range(self, first: Token, last: Token, year: Token) -> DeadlineSpec:
        end = self.month_year(last, year)
        return DeadlineSpec(self.text, DeadlineKind.END_OF_MONTH, end.last, start=date(int(year), int(first), 1))

    def quarter_range_no_year(self, first: Token, last: Token) -> DeadlineSpec:
        return self.quarter_range(first, last, Token("YEAR", str(self._year())))

    def quarter_range(self, first: Token, last: Token, year: Token) -> DeadlineSpec:
        numbers = range(ROMAN_QUARTERS[str(first)], ROMAN_QUARTERS[str(last)] + 1)
        ends = tuple(quarter_end(int(year), q) for q in numbers)
        if not ends:
            raise InvalidDeadlineError(f"quý {last} trước quý {first}")
        start = _quarter(int(year), ROMAN_QUARTERS[str(first)]).first
        kind = DeadlineKind.QUARTER_SPAN if len(ends) > 1 else DeadlineKind.END_OF_QUARTER
        return DeadlineSpec(self.text, kind, ends[-1], checkpoints=ends if len(ends) > 1 else (), start=start)

    def span(self, inner: DeadlineSpec) -> DeadlineSpec:
        return inner

    # recurrences -----------------------------------------------------------------------------------
    def _recurring(self, rule: str, start: date | None = None) -> DeadlineSpec:
        return DeadlineSpec(self.text, DeadlineKind.RECURRING, rule=rule, start=start)

    def quarter_end_month_day(self, *parts: object) -> DeadlineSpec:
        return self._recurring(f"FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY={_checked_day(parts[-1])}")

    def yearly_date(self, *parts: object) -> DeadlineSpec:
        day, month = (int(str(p)) for p in parts[-3:-1])
        _day(2024, month, day)  # a day that exists in some year (29/2 included)
        return self._recurring(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")

    def monthly_day(self, *parts: object) -> DeadlineSpec:
        return self._recurring(f"FREQ=MONTHLY;BYMONTHDAY={_checked_day(parts[-2])}")

    def yearly_months(self, *parts: object) -> DeadlineSpec:
        months = sorted({int(str(p)) for p in parts if isinstance(p, Token) and p.type == "MONTH"})
        if not all(1 <= m <= 12 for m in months):
            raise InvalidDeadlineError(f"tháng không có thật trong '{self.text}'")
        return self._recurring(f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY=-1")

    def every_unit(self, *parts: object) -> DeadlineSpec:
        units = [str(p) for p in parts if isinstance(p, Token) and p.type == "UNIT"]
        return self._recurring(_UNIT_RULES[units[0]])

    def every_months(self, *parts: object) -> DeadlineSpec:
        count = next(str(p) for p in parts if isinstance(p, Token) and p.type == "COUNT")
        months = {"ba": 3, "sáu": 6}.get(count) or int(count)
        return self._recurring(_months_rule(months))

    def periodic(self, *parts: object) -> DeadlineSpec:
        units = [str(p) for p in parts if isinstance(p, Token) and p.type == "UNIT"]
        return self._recurring(_UNIT_RULES[units[0]] if units else QUARTERLY)

    def every_unit_once(self, *parts: object) -> DeadlineSpec:
        return self.every_unit(*parts)

    def recurrence(self, inner: DeadlineSpec) -> DeadlineSpec:
        return inner

    def recurrences(self, first: DeadlineSpec, *_others: DeadlineSpec) -> DeadlineSpec:
        return first

    def from_on(self, time: object) -> DeadlineSpec:
        return self._recurring(QUARTERLY, start=self._period(time).first)

    def ongoing(self, *parts: object) -> DeadlineSpec:
        found = [p for p in parts if isinstance(p, DeadlineSpec)]
        return found[0] if found else self._recurring(QUARTERLY)

    def yearly_from(self, year: Token, _words: Token) -> DeadlineSpec:
        return self._recurring("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", start=date(int(year), 1, 1))

    # set elsewhere ------------------------------------------------------------------------------------
    def upstream(self, _lead: Token, rest: Token) -> DeadlineSpec:
        body = _original_tail(self.text, str(rest).strip())
        return DeadlineSpec(self.text, DeadlineKind.UPSTREAM, upstream_body=body)

    def event(self, _lead: Token, rest: Token) -> DeadlineSpec:
        words = str(rest).strip()
        year = re.search(r"(?:năm\s+)?((?:19|20|21)\d\d)\s*$", words)
        bound = date(int(year.group(1)), 12, 31) if year else None
        name = words[: year.start()].strip() if year else words
        return DeadlineSpec(self.text, DeadlineKind.EVENT, bound, event=_original_tail(self.text, name))

    # items ------------------------------------------------------------------------------------------
    def item(self, *parts: object) -> DeadlineSpec:
        spec = parts[-1]
        if not isinstance(spec, DeadlineSpec):  # the grammar ends every item with one: anything else is a bug
            raise TypeError(f"a deadline item must end with its reading, not {type(spec).__name__}")
        tentative = len(parts) == 2
        return replace(spec, tentative=True) if tentative and spec.kind is not DeadlineKind.UNKNOWN else spec

    def start(self, *items: DeadlineSpec) -> list[DeadlineSpec]:
        return list(items)


_UNIT_RULES = {
    "tuần": "FREQ=WEEKLY;BYDAY=FR",
    "tháng": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "quý": QUARTERLY,
    "năm": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    "6 tháng": "FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "sáu tháng": "FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1",
}


def _quarter_ends(first: date, last: date) -> tuple[date, ...]:
    """The ends of every quarter from the one holding `first` to the one ending on `last`."""
    ends: list[date] = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while (end := quarter_end(year, quarter)) <= last:
        ends.append(end)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return tuple(ends)


def _months_rule(months: int) -> str:
    if months == 1:
        return _UNIT_RULES["tháng"]
    if months == 12:
        return _UNIT_RULES["năm"]
    if months in (2, 3, 4, 6):
        ends = ",".join(str(m) for m in range(months, 13, months))
        return f"FREQ=MONTHLY;BYMONTH={ends};BYMONTHDAY=-1"
    raise InvalidDeadlineError(f"{months} tháng một lần không chia đều năm")


def _checked_day(token: object) -> int:
    day = int(str(token))
    if not 1 <= day <= 31:
        raise InvalidDeadlineError(f"không có ngày {day} trong tháng")
    return day


@dataclass(frozen=True)
class _Yearless:
    """A time that left its year out ("tháng 3", "30/6", "quý II"), built once the year is known."""

    build: Callable[[int], _Period]


class _NoYearError(Exception):
    """The text leaves the year out and no plan year was given."""


def _original_tail(original: str, lowered_tail: str) -> str:
    """The part of the original text (its own capitals) that a lower-cased match captured."""
    start = original.lower().find(lowered_tail)
    if start < 0:
        return lowered_tail
    return original[start : start + len(lowered_tail)].strip(" .,;")


@cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "deadline_grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="earley", lexer="dynamic", ambiguity="resolve")


def parse_deadline(text: str, *, year: int | None = None) -> DeadlineSpec:
    """Read one completion-time text of a plan; never loses the text it was given.

    `year` (the plan's) completes texts that leave it out ("Quý II", "30/6", "tháng 5").
    """
    original = " ".join(unicodedata.normalize("NFC", text).split()).rstrip(" ;,")
    words = normalize_text(text)
    if not words:
        return DeadlineSpec(original, DeadlineKind.UNKNOWN)
    # A line break is layout (a cell wrapped) unless the lines only read one by one: try the text whole first.
    for separator in (r"\s*;\s*", r"\s*[;\n]\s*"):
        items = [_split_note(" ".join(item.split())) for item in re.split(separator, words)]
        meanings = _meanings(original, [item for item in items if item], year)
        if meanings is not None:
            break
    else:
        return DeadlineSpec(original, DeadlineKind.UNKNOWN)
    spec = _combined(original, meanings)
    for day in (spec.due_date, spec.start, *spec.checkpoints):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidDeadlineError(
                f"Thời hạn '{original}': năm {day.year} nằm ngoài khoảng {EARLIEST.year}–{LATEST.year}; kiểm tra lại."
            )
    return spec


def _meanings(original: str, items: list[str], year: int | None) -> list[DeadlineSpec] | None:
    """Each item's meaning, or None when one of them does not parse (or leaves out a year nobody gave)."""
    try:
        return [m for item in items for m in _Meaning(original, year).transform(_parser().parse(item))]
    except (UnexpectedInput, _NoYearError, RecursionError):
        return None
    except Exception as exc:  # lark wraps what a meaning raised while it was being built
        cause = exc.__context__ or exc
        if isinstance(cause, InvalidDeadlineError):
            raise InvalidDeadlineError(f"Thời hạn '{original}': {cause}") from cause
        if isinstance(cause, _NoYearError | ValueError | OverflowError):
            return None  # a text the grammar accepts but no calendar holds: kept verbatim, flagged
        raise


def _combined(original: str, meanings: list[DeadlineSpec]) -> DeadlineSpec:
    """Several deadlines in one cell: due at the last, a checkpoint at each (an undated one counts first)."""
    if len(meanings) == 1:
        return meanings[0]
    dated = [m for m in meanings if m.due_date is not None]
    if not dated:
        return meanings[0]
    last = max(dated, key=lambda m: m.due_date or date.min)
    checkpoints = tuple(sorted({c for m in dated for c in (m.checkpoints or (m.due_date,)) if c is not None}))
    return replace(last, text=original, checkpoints=checkpoints, tentative=all(m.tentative for m in dated))


def render_deadline(spec: DeadlineSpec) -> str:
    """A Vietnamese text that reads back to the same meaning (for exports and the round-trip test)."""

    def dated(day: date) -> str:
        return f"{day.day}/{day.month}/{day.year}"

    prefix = "Dự kiến " if spec.tentative else ""
    if spec.kind is DeadlineKind.RECURRING and spec.rule:
        return _render_rule(spec)
    if spec.kind is DeadlineKind.UPSTREAM:
        return f"Theo tiến độ của {spec.upstream_body}" if spec.upstream_body else "Theo tiến độ cấp trên"
    if spec.kind is DeadlineKind.EVENT:
        return f"Khi {spec.event}" + (f" năm {spec.due_date.year}" if spec.due_date else "")
    if spec.due_date is None:
        return spec.text
    due = spec.due_date

    def as_kind(day: date, kind: DeadlineKind) -> str:
        return {
            DeadlineKind.END_OF_MONTH: f"Tháng {day.month}/{day.year}",
            DeadlineKind.END_OF_QUARTER: f"Quý {_ROMAN[(day.month - 1) // 3]}/{day.year}",
            DeadlineKind.END_OF_HALF: f"6 tháng {'đầu' if day.month == 6 else 'cuối'} năm {day.year}",
            DeadlineKind.END_OF_YEAR: f"Năm {day.year}",
        }.get(kind, dated(day))

    if spec.kind is DeadlineKind.QUARTER_SPAN and spec.start is not None:
        first, last = _ROMAN[(spec.start.month - 1) // 3], _ROMAN[(due.month - 1) // 3]
        return f"{prefix}Từ quý {first}/{spec.start.year} đến quý {last}/{due.year}"
    if len(spec.checkpoints) > 1 and spec.kind is not DeadlineKind.QUARTER_SPAN:
        return "; ".join(prefix + as_kind(c, spec.kind) for c in spec.checkpoints)
    if spec.kind is DeadlineKind.QUARTER_SPAN:
        body = "Quý " + ", ".join(_ROMAN[(c.month - 1) // 3] for c in spec.checkpoints) + f"/{due.year}"
    else:
        body = as_kind(due, spec.kind)
    if spec.start is not None and spec.kind is DeadlineKind.END_OF_YEAR and spec.start.year != due.year:
        body = f"{spec.start.year}-{due.year}"
    elif spec.start is not None and spec.kind is not DeadlineKind.FIXED_DATE:
        body = f"Từ {dated(spec.start)} đến {body}"
    return prefix + body


_ROMAN = ("I", "II", "III", "IV")


def _render_rule(spec: DeadlineSpec) -> str:
    rule = spec.rule or ""
    known = {
        QUARTERLY: "Hằng quý",
        "FREQ=MONTHLY;BYMONTHDAY=-1": "Hằng tháng",
        "FREQ=WEEKLY;BYDAY=FR": "Hằng tuần",
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31": "Hằng năm",
        "FREQ=MONTHLY;BYMONTH=6,12;BYMONTHDAY=-1": "Định kỳ 6 tháng",
    }
    if rule in known:
        text = known[rule]
        if spec.start is not None and rule.startswith("FREQ=YEARLY;BYMONTH=12"):
            return f"Năm {spec.start.year} và các năm tiếp theo"
        return text
    monthly = re.fullmatch(r"FREQ=MONTHLY;BYMONTHDAY=(\d+)", rule)
    if monthly:
        return f"Trước ngày {monthly.group(1)} hằng tháng"
    quarterly = re.fullmatch(r"FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=(\d+)", rule)
    if quarterly:
        return f"Trước ngày {quarterly.group(1)} của tháng cuối quý"
    yearly = re.fullmatch(r"FREQ=YEARLY;BYMONTH=(\d+);BYMONTHDAY=(\d+)", rule)
    if yearly:
        return f"Trước ngày {yearly.group(2)}/{yearly.group(1)} hằng năm"
    months = re.fullmatch(r"FREQ=YEARLY;BYMONTH=([\d,]+);BYMONTHDAY=-1", rule)
    if months:
        return " và ".join(f"tháng {m}" for m in months.group(1).split(",")).capitalize() + " hằng năm"
    every = re.fullmatch(r"FREQ=MONTHLY;BYMONTH=([\d,]+);BYMONTHDAY=-1", rule)
    if every:
        step = int(every.group(1).split(",")[0])
        return f"{step} tháng một lần"
    return spec.text
