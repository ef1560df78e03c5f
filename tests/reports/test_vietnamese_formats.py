"""Numbers, dates, ratios and the report's title as Vietnamese documents write them."""

from __future__ import annotations

from datetime import date

import pytest

from models.reporting.title import plan_subject, report_subject
from models.vn_format import change_text, day_text, measure_text, number_text, percent_text, target_text


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (day_text(date(2026, 5, 15)), "15/5/2026"),
        (day_text("2026-09-30"), "30/9/2026"),
        (day_text(None), "—"),
        (percent_text(0.8), "80,0 %"),
        (percent_text(0.12345), "12,3 %"),
        (percent_text(None), "—"),
        (change_text(3), "+3"),
        (change_text(-2), "-2"),
        (change_text(0), "0"),
        (change_text(None), "—"),
        (number_text(1234.5), "1.234,5"),
        (measure_text(72.0, "%"), "72 %"),
        (measure_text(120, "người"), "120 người"),
        (target_text(">=", 100, "%"), "≥ 100 %"),
        (target_text("<=", 5, " ngày"), "≤ 5 ngày"),
    ],
)
def test_vietnamese_formats(written: str, expected: str) -> None:
    assert written == expected


@pytest.mark.parametrize(
    ("title", "number", "expected"),
    [
        (
            "Tiếp tục đẩy mạnh chuyển đổi số năm 2026",
            "05-KH/ĐU",
            "Kế hoạch số 05-KH/ĐU về tiếp tục đẩy mạnh chuyển đổi số",
        ),
        ("Kế hoạch thực hiện Nghị quyết 57, năm 2026", None, "Kế hoạch về thực hiện Nghị quyết 57"),
        ("IOC thành phố năm 2025", "7-KH/TU", "Kế hoạch số 7-KH/TU về IOC thành phố năm 2025"),  # another year stays
        ("Chuyển đổi số", "  -KH/ĐU", "Kế hoạch số …-KH/ĐU về chuyển đổi số"),  # a draft not yet numbered
        ("Chuyển đổi số", "…-KH/ĐU", "Kế hoạch số …-KH/ĐU về chuyển đổi số"),
    ],
)
def test_a_plan_is_named_by_its_number_and_subject(title: str, number: str | None, expected: str) -> None:
    assert plan_subject({"title": title, "document_number": number}, "quý II năm 2026") == expected


def test_the_report_subject_names_the_period_once() -> None:
    figures = {"period_label": "quý II năm 2026", "plans": [{"title": "Chuyển đổi số năm 2026", "document_number": ""}]}
    assert report_subject(figures) == "kết quả thực hiện Kế hoạch về chuyển đổi số, quý II năm 2026"
