"""The subject line of a report, built from its plans' own numbers and subjects and the period, as a Party
document writes it: "kết quả thực hiện Kế hoạch số 01-KH/ĐU về tiếp tục đẩy mạnh …, quý II năm 2026"."""

from __future__ import annotations

import re
from typing import Any

_YEAR_AT_END = re.compile(r"[\s,]*(?:năm\s+)?(\d{4})\s*$", re.IGNORECASE)
_PLAN_WORD = re.compile(r"^kế hoạch\b\s*", re.IGNORECASE)


def plan_subject(plan: dict[str, Any], period_label: str) -> str:
    """ "Kế hoạch số 01-KH/ĐU về <subject>": the subject in running text (first letter small), its year left out
    when the period already says it."""
    title = " ".join(str(plan.get("title") or "").split()).rstrip(" .;")
    title = _PLAN_WORD.sub("", title)  # a title that starts "Kế hoạch …" is not "Kế hoạch … về kế hoạch …"
    year = _YEAR_AT_END.search(title)
    if year and year.group(1) in period_label:
        title = title[: year.start()]
    if title[:1].isupper() and not title[1:2].isupper():  # "Tiếp tục …" → "tiếp tục …", "IOC …" stays
        title = title[:1].lower() + title[1:]
    number = "".join(str(plan.get("document_number") or "").split())
    if number and not any(character.isdigit() for character in number):  # "-KH/ĐU": a draft not yet numbered
        number = "…" + number.lstrip("…")
    name = f"Kế hoạch số {number}" if number else "Kế hoạch"
    return f"{name} về {title}" if title else name


def report_subject(figures: dict[str, Any]) -> str:
    """The line under "BÁO CÁO", the same in Word and HTML."""
    label = str(figures["period_label"])
    plans = "; ".join(plan_subject(plan, label) for plan in figures["plans"]) or "các kế hoạch"
    return f"kết quả thực hiện {plans}, {label}"
