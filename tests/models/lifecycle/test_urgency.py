"""Deadline colours on the Vietnamese working calendar."""

from __future__ import annotations

from datetime import date

import pytest

from models.lifecycle.urgency import Urgency, urgency


@pytest.mark.parametrize(
    ("status", "due", "today", "expected"),
    [
        ("in_progress", date(2026, 6, 30), date(2026, 7, 1), Urgency.OVERDUE),
        ("in_progress", date(2026, 6, 30), date(2026, 6, 30), Urgency.DUE_SOON),  # the due day itself
        ("assigned", date(2026, 6, 30), date(2026, 6, 19), Urgency.DUE_SOON),  # 7 working days before
        ("assigned", date(2026, 6, 30), date(2026, 6, 18), Urgency.IN_TIME),  # 8 working days before
        # 8 calendar days before 4/5, but 27/4, 30/4 and 1/5 are holidays and 2–3/5 a weekend: 3 working days
        ("acknowledged", date(2026, 5, 4), date(2026, 4, 26), Urgency.DUE_SOON),
        ("approved", date(2026, 1, 31), date(2026, 7, 1), Urgency.CLOSED),
        ("cancelled", None, date(2026, 7, 1), Urgency.CLOSED),
        ("assigned", None, date(2026, 7, 1), Urgency.NO_DATE),
    ],
)
def test_urgency(status: str, due: date | None, today: date, expected: Urgency) -> None:
    assert urgency(status, due, today) is expected
