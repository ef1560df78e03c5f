"""Measurable targets in plan text: "Tối thiểu 80% …", "Giảm ít nhất 20% …", "≥80% …"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.org.names import clean_text

_PERCENT = re.compile(r"(≥|≤|>=|<=)?\s*(\d{1,3}(?:[.,]\d+)?)\s*%")
_REDUCTION_WORDS = ("giảm", "tinh giản", "rút ngắn", "cắt giảm")
_INCREASE_WORDS = ("tăng",)
_AT_MOST_WORDS = ("không quá", "tối đa", "không vượt quá", "dưới")
_AT_LEAST_WORDS = ("tối thiểu", "ít nhất", "không ít hơn", "trên", "phấn đấu", "phân đầu", "đạt")


@dataclass(frozen=True)
class IndicatorSpec:
    """A target: `measure` is a level to reach, or a reduction/increase against a baseline."""

    text: str
    subject: str
    comparator: str
    target_value: float
    unit: str
    measure: str

    @property
    def needs_baseline(self) -> bool:
        """A reduction or increase is measured against a starting value the plan must record."""
        return self.measure != "level"


def parse_indicator(text: str) -> IndicatorSpec | None:
    """The first percentage target in a sentence, or None when it states no figure."""
    clean = clean_text(text).lstrip("+-–• ").strip()
    match = _PERCENT.search(clean)
    if not match:
        return None
    before = clean[: match.start()].lower()
    symbol, number = match.group(1), match.group(2)
    subject = clean[match.end() :].strip(" .;,")
    return IndicatorSpec(
        text=clean,
        subject=subject,
        comparator=_comparator(symbol, before),
        target_value=float(number.replace(",", ".")),
        unit="%",
        measure=_measure(before),
    )


def _comparator(symbol: str | None, before: str) -> str:
    if symbol in ("≤", "<="):
        return "<="
    if symbol in ("≥", ">="):
        return ">="
    tail = before[-20:]
    if any(word in tail for word in _AT_MOST_WORDS):
        return "<="
    return ">="


def _measure(before: str) -> str:
    tail = before[-30:]
    if any(word in tail for word in _REDUCTION_WORDS):
        return "reduction"
    if any(word in tail for word in _INCREASE_WORDS):
        return "increase"
    return "level"


def measurable_sentences(*texts: str) -> str:
    """The sentences of a task's text that state a percentage target (its KPI text)."""
    found: list[str] = []
    for text in texts:
        for sentence in re.split(r"(?<=[.;])\s+|\s+-\s+", clean_text(text)):
            sentence = sentence.strip(" -+.;")
            if _PERCENT.search(sentence) and sentence not in found:
                found.append(sentence)
    return "; ".join(found)
