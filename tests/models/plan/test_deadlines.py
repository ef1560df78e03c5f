"""Every distinct deadline text of both seed plans, and the forms the architecture names."""

from __future__ import annotations

from datetime import date

import pytest

from models.plan.deadlines import DeadlineKind, InvalidDeadlineError, parse_deadline

K = DeadlineKind

SEED_DEADLINES = [
    # Vĩnh Tuy (as the PDF dump breaks them across lines)
    ("Thường \nxuyên", K.RECURRING, None, (), False, None, None),
    ("Thực hiện \nthường xuyên", K.RECURRING, None, (), False, None, None),
    ("Tháng\n2/2026", K.END_OF_MONTH, date(2026, 2, 28), (), False, None, None),
    ("Năm 2026", K.END_OF_YEAR, date(2026, 12, 31), (), False, None, None),
    ("2026", K.END_OF_YEAR, date(2026, 12, 31), (), False, None, None),
    ("Khi IOC đi vào \nhoạt động 2026", K.EVENT, date(2026, 12, 31), (), False, None, "IOC đi vào hoạt động"),
    ("Quý I/2026", K.END_OF_QUARTER, date(2026, 3, 31), (), False, None, None),
    ("Quý II/2026", K.END_OF_QUARTER, date(2026, 6, 30), (), False, None, None),
    ("Dự kiến quý \nIV/2026", K.END_OF_QUARTER, date(2026, 12, 31), (), True, None, None),
    (
        "Quý III, \nIV/2026",
        K.QUARTER_SPAN,
        date(2026, 12, 31),
        (date(2026, 9, 30), date(2026, 12, 31)),
        False,
        None,
        None,
    ),
    ("Theo tiến độ \nTrung ương, \nThành ủy", K.UPSTREAM, None, (), False, "Trung ương, Thành ủy", None),
    ("Theo tiến độ \ncủa Thành \nphố, Trung \nương", K.UPSTREAM, None, (), False, "Thành phố, Trung ương", None),
    # Hải Phòng
    ("Thường xuyên", K.RECURRING, None, (), False, None, None),
    ("Nhiệm vụ thường xuyên", K.RECURRING, None, (), False, None, None),
    ("30/4/2026", K.FIXED_DATE, date(2026, 4, 30), (), False, None, None),
    ("30/6/2026", K.FIXED_DATE, date(2026, 6, 30), (), False, None, None),
    ("30/6/2026.", K.FIXED_DATE, date(2026, 6, 30), (), False, None, None),
    ("31/12/2026", K.FIXED_DATE, date(2026, 12, 31), (), False, None, None),
]

ARCHITECTURE_FORMS = [
    ("Trước ngày 30/6/2026", K.FIXED_DATE, date(2026, 6, 30)),
    ("Trước năm 2027", K.END_OF_YEAR, date(2026, 12, 31)),
    ("đến năm 2026", K.END_OF_YEAR, date(2026, 12, 31)),
    ("Theo kế hoạch của Trung ương", K.UPSTREAM, None),
    ("Tháng 12/2026", K.END_OF_MONTH, date(2026, 12, 31)),
    ("Tháng 2/2028", K.END_OF_MONTH, date(2028, 2, 29)),
    ("Quý 3/2026", K.END_OF_QUARTER, date(2026, 9, 30)),
]


@pytest.mark.parametrize(("text", "kind", "due", "checkpoints", "tentative", "upstream", "event"), SEED_DEADLINES)
def test_every_seed_deadline_has_its_meaning(
    text: str,
    kind: DeadlineKind,
    due: date | None,
    checkpoints: tuple[date, ...],
    tentative: bool,
    upstream: str | None,
    event: str | None,
) -> None:
    spec = parse_deadline(text)
    assert (spec.kind, spec.due_date, spec.checkpoints, spec.tentative) == (kind, due, checkpoints, tentative)
    assert spec.upstream_body == upstream
    assert spec.event == event
    assert spec.text == " ".join(text.split())


@pytest.mark.parametrize(("text", "kind", "due"), ARCHITECTURE_FORMS)
def test_other_forms_named_by_the_architecture(text: str, kind: DeadlineKind, due: date | None) -> None:
    spec = parse_deadline(text)
    assert (spec.kind, spec.due_date) == (kind, due)


@pytest.mark.parametrize("text", ["31/2/2026", "29/2/2026", "0/5/2026", "15/13/2026", "Tháng 13/2026"])
def test_impossible_dates_are_errors_that_name_the_text(text: str) -> None:
    with pytest.raises(InvalidDeadlineError, match=text.split()[-1].split("/")[0]):
        parse_deadline(text)


@pytest.mark.parametrize("text", ["Sớm nhất có thể", "Khi có điều kiện", "", "  "])
def test_unknown_text_is_kept_and_flagged_not_dropped(text: str) -> None:
    spec = parse_deadline(text)
    if text.strip() == "Khi có điều kiện":
        assert spec.kind is K.EVENT and spec.due_date is None
        return
    assert spec.kind is K.UNKNOWN
    assert spec.text == text.strip()
    assert spec.due_date is None


def test_theo_yeu_cau_before_a_year_is_not_an_upstream_body() -> None:
    assert parse_deadline("theo yêu cầu 2026").kind is K.UNKNOWN
    assert parse_deadline("Theo yêu cầu của Thành ủy").kind is K.UPSTREAM


def test_json_view_uses_iso_dates_and_vietnamese_label() -> None:
    view = parse_deadline("Quý III, IV/2026").to_dict()
    assert view["due_date"] == "2026-12-31"
    assert view["checkpoints"] == ["2026-09-30", "2026-12-31"]
    assert view["kind_vi"] == "nhiều quý"
