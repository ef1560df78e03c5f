"""Numbers, dates and ratios as Vietnamese documents write them (babel's "vi" locale), one place for every
format a person reads: the Word, Excel and HTML reports, the portal and the command line."""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE = "vi_VN"
NONE = "—"
_COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "==": "="}


def day_text(value: date | str | None) -> str:
    """15/5/2026 (an ISO text or a date; nothing: —)."""
    if not value:
        return NONE
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, "d/M/yyyy", locale=LOCALE)


def number_text(value: float | int | None) -> str:
    """1.234,5 — thousands with a dot, decimals with a comma; nothing: —."""
    return NONE if value is None else format_decimal(value, locale=LOCALE)


def percent_text(ratio: float | None) -> str:
    """0.8 → 80,0 % (one decimal, a space before the sign); no ratio (nothing to divide by): —."""
    return NONE if ratio is None else format_percent(ratio, "#,##0.0 %", locale=LOCALE)


def change_text(change: int | None) -> str:
    """+3, -2, 0; no previous period to compare with: —."""
    if change is None:
        return NONE
    return "0" if change == 0 else format_decimal(change, "+#,##0;-#,##0", locale=LOCALE)


def measure_text(value: float | int | None, unit: str = "") -> str:
    """A measured value with its unit: 72 %, 120 người, 85,5 %."""
    if value is None:
        return NONE
    unit = unit.strip()
    return f"{number_text(value)} {unit}".strip()


def target_text(comparator: str, target: float | int, unit: str = "") -> str:
    """ ">=", 100, "%" → "≥ 100 %"."""
    return f"{_COMPARATORS.get(comparator.strip(), comparator.strip())} {measure_text(target, unit)}".strip()


def finite(value: float) -> float:
    """The value, when a measurement can be it: not NaN, not infinite (ValueError otherwise)."""
    if not math.isfinite(value):
        raise ValueError(f"'{value}' không phải số hữu hạn")
    return value


def number_from_text(text: str) -> float:
    """A measured value as people type it, with a decimal comma or point ('85,5' → 85.5); finite."""
    try:
        value = float(text.replace(",", ".").strip())
    except ValueError as exc:
        raise ValueError(f"'{text.strip()}' không phải một số") from exc
    return finite(value)
