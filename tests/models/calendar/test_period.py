"""The one period type: every key round-trips through its neighbours, days fall in the period that contains
them, and the schedule's "period just ended" is the one before today's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar.period import last_complete_period, parse_period, period_containing
from models.errors import ReportError

KINDS = ("month", "quarter", "half", "year")


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.sampled_from(KINDS))
def test_a_day_lies_in_its_period_and_the_neighbours_touch_it(day: date, kind: str) -> None:
    period = period_containing(day, kind)
    assert period.kind == kind and period.start <= day <= period.end
    assert period.previous().end == period.start - timedelta(days=1)
    assert period.following().start == period.end + timedelta(days=1)
    assert period.previous().following() == period == parse_period(period.key)
    assert last_complete_period(day, kind) == period.previous()


def test_labels_are_vietnamese_and_keys_normalised() -> None:
    assert parse_period("2026-q2").label == "quý II năm 2026"
    assert parse_period("2026-3").key == "2026-03"
    assert parse_period("2026-H2").label == "6 tháng cuối năm 2026"
    assert parse_period("2026").label == "năm 2026"


@pytest.mark.parametrize("text", ["", "2026-Q5", "2026-H3", "2026-13", "Q2/2026", "hai nghìn"])
def test_anything_else_is_a_clear_error(text: str) -> None:
    with pytest.raises(ReportError, match="2026-Q2"):
        parse_period(text)
