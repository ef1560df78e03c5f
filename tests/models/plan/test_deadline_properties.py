"""Deadline phrases generated from the grammar's parts — a lead word, a date, month, quarter, a range, a
recurrence — read as what they say, leap years and year ends included; impossible dates stay errors."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan.deadlines import DeadlineKind, InvalidDeadlineError, parse_deadline, quarter_end

ROMAN = ("I", "II", "III", "IV")
years = st.integers(min_value=1990, max_value=2099)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
date_leads = st.sampled_from(["", "Trước ngày ", "trước ", "Chậm nhất ngày ", "Hoàn thành trước ngày ", "đến ngày "])
period_leads = st.sampled_from(["", "Trong ", "hoàn thành trong ", "Đến hết ", "Dự kiến "])


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[str, date]:
    day = draw(dates)
    form = draw(st.sampled_from(["{d}/{m}/{y}", "{d:02d}/{m:02d}/{y}", "ngày {d} tháng {m} năm {y}", "{d}.{m}.{y}"]))
    return draw(date_leads) + form.format(d=day.day, m=day.month, y=day.year), day


@given(written_dates())
@settings(max_examples=300, deadline=None)
def test_a_date_with_any_lead_word_is_that_date(case: tuple[str, date]) -> None:
    text, day = case
    spec = parse_deadline(text)
    assert (spec.kind, spec.due_date) == (DeadlineKind.FIXED_DATE, day)


@given(years, st.integers(min_value=1, max_value=12), st.sampled_from(["Tháng {m}/{y}", "{m}/{y}", "{m:02d}/{y}",
                                                                       "tháng {m} năm {y}"]), period_leads)  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_a_month_is_due_on_its_last_day(year: int, month: int, form: str, lead: str) -> None:
    spec = parse_deadline(lead + form.format(m=month, y=year))
    assert spec.due_date == date(year, month, calendar.monthrange(year, month)[1])  # 29/2 in leap years
    assert spec.tentative is (lead == "Dự kiến ")


@given(years, st.integers(min_value=1, max_value=4), st.booleans(), st.sampled_from(["/", " năm "]), period_leads)
@settings(max_examples=200, deadline=None)
def test_a_quarter_roman_or_arabic_is_due_at_its_end(year: int, q: int, roman: bool, joiner: str, lead: str) -> None:
    spec = parse_deadline(f"{lead}Quý {ROMAN[q - 1] if roman else q}{joiner}{year}")
    assert (spec.kind, spec.due_date) == (DeadlineKind.END_OF_QUARTER, quarter_end(year, q))


@given(years, st.integers(min_value=0, max_value=5), st.sampled_from(["{a}-{b}", "{a} - {b}", "Giai đoạn {a}-{b}",
                                                                       "từ năm {a} đến năm {b}"]))  # fmt: skip
@settings(max_examples=100, deadline=None)
def test_a_range_of_years_means_its_end_and_keeps_its_start(first: int, length: int, form: str) -> None:
    last = min(first + length, 2099)
    spec = parse_deadline(form.format(a=first, b=last))
    assert (spec.due_date, spec.start) == (date(last, 12, 31), date(first, 1, 1))


@given(st.integers(min_value=1, max_value=28), st.sampled_from(["trước ngày {d} hằng tháng", "ngày {d} hàng tháng"]))
@settings(max_examples=50, deadline=None)
def test_a_day_of_every_month_recurs_twelve_times_a_year(day: int, form: str) -> None:
    spec = parse_deadline(form.format(d=day))
    occurrences = spec.occurrences(date(2026, 1, 1), date(2026, 12, 31))
    assert spec.kind is DeadlineKind.RECURRING and len(occurrences) == 12 and {o.day for o in occurrences} == {day}


@given(years)
@settings(max_examples=100, deadline=None)
def test_the_29th_of_february_exists_only_in_leap_years(year: int) -> None:
    if calendar.isleap(year):
        assert parse_deadline(f"29/2/{year}").due_date == date(year, 2, 29)
    else:
        with pytest.raises(InvalidDeadlineError):
            parse_deadline(f"29/2/{year}")


def test_impossible_dates_stay_errors() -> None:
    for text in ("31/2/2026", "31/4/2026", "0/5/2026", "15/13/2026", "ngày 31 tháng 6 năm 2026"):
        with pytest.raises(InvalidDeadlineError):
            parse_deadline(text)


def test_a_quarterly_duty_yields_the_quarter_ends() -> None:
    spec = parse_deadline("hằng quý")
    assert spec.occurrences(date(2026, 1, 1), date(2026, 12, 31)) == [quarter_end(2026, q) for q in (1, 2, 3, 4)]
