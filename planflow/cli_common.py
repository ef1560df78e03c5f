"""What every CLI module shares: the user-error type and the one-JSON-document printer."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from models.errors import PlanflowError


class UserError(PlanflowError):
    """A problem the person at the keyboard can fix; printed as one line."""


def print_json(data: Any) -> None:
    """The single JSON document a `--json` command prints on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# --- argument types: argparse turns their ValueError into a usage line and exit 2 ----------------------------


def vietnamese_choice(labels: Mapping[str, str]) -> dict[str, Any]:
    """argparse keywords for a choice shown in Vietnamese: the person types the Vietnamese word (with or without
    tone marks, "tra-lai" or "trả lại") or the stable English code scripts use; the handler gets the code."""
    from models.folding import folded

    def key(text: str) -> str:
        return folded(text.replace("-", " ").replace("_", " "))

    codes = {key(word): code for code, label in labels.items() for word in (code, label)}

    def choice(text: str) -> str:
        if key(text) not in codes:
            raise argparse.ArgumentTypeError(f"'{text}' không phải một trong: {', '.join(labels.values())}")
        return codes[key(text)]

    return {"type": choice, "metavar": "{" + "|".join(labels.values()) + "}"}


def moment(text: str) -> datetime:
    """An ISO 8601 moment within 1900–2100; without an offset it is Vietnam time."""
    from models.calendar.days import VIETNAM, within_horizon

    value = datetime.fromisoformat(text.strip())
    within_horizon(value.date(), "Thời điểm")
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def day(text: str) -> date:
    """An ISO date (YYYY-MM-DD) within 1900–2100."""
    from models.calendar.days import within_horizon

    return within_horizon(date.fromisoformat(text.strip()), "Ngày")


def finite_number(text: str) -> float:
    """A real number that a measurement can be (argparse names the option by this function's name)."""
    from models.vn_format import number_from_text

    return number_from_text(text)


def count(text: str) -> int:
    """A whole number from 1 to 100,000 (a batch size, a list's length)."""
    value = int(text)
    if not 1 <= value <= 100_000:
        raise ValueError(f"{value} ngoài khoảng 1–100000")
    return value


def row_id(text: str) -> int:
    """A row's number, as a 64-bit key can hold it."""
    value = int(text)
    if not 1 <= value < 2**63:
        raise ValueError(f"{value} không phải số hiệu hợp lệ")
    return value


def plan_year(text: str) -> int:
    """A plan's year, within 1900–2100."""
    value = int(text)
    if not 1900 <= value <= 2100:
        raise ValueError(f"năm {value} ngoài khoảng 1900–2100")
    return value
