"""Vietnamese deadline text ("Quý I/2026", "Thường xuyên", ...) as a typed meaning.

A plan's "Thời gian hoàn thành" column is free text. Every text keeps its original
words; what planflow understands of it is a `DeadlineSpec`. Text it does not
understand becomes kind UNKNOWN (kept and flagged, never dropped); a date that
cannot exist (31/2/2026) is an error, because a clerk must correct it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from models.calendar import EARLIEST, LATEST


class DeadlineKind(StrEnum):
    """What kind of promise a deadline text makes."""

    FIXED_DATE = "fixed_date"
    END_OF_MONTH = "end_of_month"
    END_OF_QUARTER = "end_of_quarter"
    QUARTER_SPAN = "quarter_span"
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
    DeadlineKind.END_OF_YEAR: "cuối năm",
    DeadlineKind.RECURRING: "thường xuyên",
    DeadlineKind.UPSTREAM: "theo tiến độ cấp trên",
    DeadlineKind.EVENT: "theo sự kiện",
    DeadlineKind.UNKNOWN: "chưa hiểu được",
}


class InvalidDeadlineError(ValueError):
    """The text names a date that cannot exist, e.g. 31/2/2026."""


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

    @property
    def has_date(self) -> bool:
        """Whether a sweep can measure lateness against this deadline."""
        return self.due_date is not None

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
        }


ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_TOKEN = r"(iv|iii|ii|i|[1-4])"

_RECURRING = re.compile(r"^(?:thực hiện |nhiệm vụ )?thường xuyên$")
_TENTATIVE = re.compile(r"^(?:dự kiến|dự kiến hoàn thành|phấn đấu)\s+")
_BEFORE_DATE = re.compile(r"^(?:trước ngày|chậm nhất ngày|đến ngày|hoàn thành trước|trước|chậm nhất|ngày|hạn)\s+")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^tháng\s+(\d{1,2})\s*/\s*(\d{4})$")
_QUARTERS = re.compile(
    rf"^quý\s+{_QUARTER_TOKEN}((?:\s*[,;]\s*(?:quý\s+)?{_QUARTER_TOKEN})*)\s*(?:/|năm)\s*(?P<year>\d{{4}})$"
)
_YEAR = re.compile(r"^(?:năm\s+|đến năm\s+|trong năm\s+|cả năm\s+)?(\d{4})$")
_BEFORE_YEAR = re.compile(r"^trước năm\s+(\d{4})$")
# The body named must be words, not a year: "theo yêu cầu 2026" is a result and a year.
_UPSTREAM = re.compile(r"^theo\s+(?:tiến độ|kế hoạch|lộ trình|hướng dẫn|yêu cầu)\s+(?:của\s+)?([^\d\s].*)$")
_EVENT = re.compile(r"^(?:khi|sau khi)\s+(.+?)(?:\s+(?:năm\s+)?(\d{4}))?$")


def normalize_text(text: str) -> str:
    """One canonical spelling: NFC, single spaces, no trailing full stop, lower case."""
    nfc = unicodedata.normalize("NFC", text)
    collapsed = " ".join(nfc.split())
    return collapsed.rstrip(" .;,").lower()


def parse_deadline(text: str) -> DeadlineSpec:
    """Read one completion-time text of a plan; never loses the text it was given."""
    original = " ".join(unicodedata.normalize("NFC", text).split()).rstrip(" ;,")
    words = normalize_text(text)
    tentative = False
    tentative_match = _TENTATIVE.match(words)
    if tentative_match:
        tentative = True
        words = words[tentative_match.end() :]
    spec = _parse_core(words, original)
    for day in (spec.due_date, *spec.checkpoints):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidDeadlineError(
                f"Thời hạn '{original}': năm {day.year} nằm ngoài khoảng {EARLIEST.year}–{LATEST.year}; kiểm tra lại."
            )
    if tentative and spec.kind is not DeadlineKind.UNKNOWN:
        return replace(spec, tentative=True)
    return spec


def _parse_core(words: str, original: str) -> DeadlineSpec:
    if not words:
        return DeadlineSpec(original, DeadlineKind.UNKNOWN)
    if _RECURRING.match(words):
        return DeadlineSpec(original, DeadlineKind.RECURRING)
    fixed = _match_fixed_date(words)
    if fixed is not None:
        return DeadlineSpec(original, DeadlineKind.FIXED_DATE, due_date=fixed)
    month = _MONTH.match(words)
    if month:
        return _end_of_month(original, int(month.group(1)), int(month.group(2)))
    quarters = _QUARTERS.match(words)
    if quarters:
        return _quarters(original, quarters)
    before_year = _BEFORE_YEAR.match(words)
    if before_year:
        return _end_of_year(original, int(before_year.group(1)) - 1)
    year = _YEAR.match(words)
    if year:
        return _end_of_year(original, int(year.group(1)))
    upstream = _UPSTREAM.match(words)
    if upstream:
        return DeadlineSpec(original, DeadlineKind.UPSTREAM, upstream_body=_original_tail(original, upstream.group(1)))
    event = _EVENT.match(words)
    if event:
        return _event(original, event)
    return DeadlineSpec(original, DeadlineKind.UNKNOWN)


def _match_fixed_date(words: str) -> date | None:
    candidate = _BEFORE_DATE.sub("", words, count=1)
    match = _DATE.match(candidate)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDeadlineError(
            f"Thời hạn '{candidate}' không phải là ngày có thật (ngày {day}, tháng {month}, năm {year})."
        ) from exc


def _end_of_month(original: str, month: int, year: int) -> DeadlineSpec:
    if not 1 <= month <= 12:
        raise InvalidDeadlineError(f"Thời hạn '{original}': không có tháng {month}.")
    last_day = calendar.monthrange(year, month)[1]
    return DeadlineSpec(original, DeadlineKind.END_OF_MONTH, due_date=date(year, month, last_day))


def quarter_end(year: int, quarter: int) -> date:
    """Last day of a calendar quarter (quarters I–IV)."""
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarters(original: str, match: re.Match[str]) -> DeadlineSpec:
    year = int(match.group("year"))
    numbers = [ROMAN_QUARTERS[match.group(1)]]
    numbers += [ROMAN_QUARTERS[q] for q in re.findall(_QUARTER_TOKEN, match.group(2) or "")]
    quarters = sorted(set(numbers))
    ends = tuple(quarter_end(year, q) for q in quarters)
    if len(ends) == 1:
        return DeadlineSpec(original, DeadlineKind.END_OF_QUARTER, due_date=ends[0])
    return DeadlineSpec(original, DeadlineKind.QUARTER_SPAN, due_date=ends[-1], checkpoints=ends)


def _end_of_year(original: str, year: int) -> DeadlineSpec:
    return DeadlineSpec(original, DeadlineKind.END_OF_YEAR, due_date=date(year, 12, 31))


def _event(original: str, match: re.Match[str]) -> DeadlineSpec:
    year = match.group(2)
    bound = date(int(year), 12, 31) if year else None
    event = _original_tail(original, match.group(1))
    return DeadlineSpec(original, DeadlineKind.EVENT, due_date=bound, event=event)


def _original_tail(original: str, lowered_tail: str) -> str:
    """The part of the original text (its own capitals) that a lower-cased match captured."""
    start = original.lower().find(lowered_tail)
    if start < 0:
        return lowered_tail
    return original[start : start + len(lowered_tail)]
