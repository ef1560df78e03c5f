"""The report's charts: readable PNGs that show each status that occurs in its own colour, the same picture
whichever thread draws it, and whole-number scales that cover the largest bar."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageColor

from documents.report_charts import COLOURS, _short, one_line, status_bars, ticks, trend
from models.reporting.figures import CATEGORIES


def _group(name: str, **counts: int) -> dict[str, object]:
    return {"name": name, **{key: counts.get(key, 0) for key, _ in CATEGORIES}}


def _colours(png: bytes, least: int = 100) -> set[tuple[int, int, int]]:
    """The colours that fill an area (a bar, a swatch, a line), not a stray edge pixel of smoothed text."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return {colour for count, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or [] if count >= least}


def _rgb(key: str) -> tuple[int, int, int]:
    red, green, blue = ImageColor.getrgb(COLOURS[key])[:3]
    return red, green, blue


GROUPS = [
    _group("Ban Tuyên giáo và Dân vận Đảng ủy phường Vĩnh Tuy", completed_on_time=3, overdue=2),
    _group("Văn phòng Đảng ủy", in_progress=7, waiting_upstream=1),
]


def test_status_bars_show_each_status_that_occurs_in_its_colour_and_no_other() -> None:
    colours = _colours(status_bars(GROUPS, "Trạng thái nhiệm vụ theo cơ quan chủ trì"))
    for key in ("completed_on_time", "overdue", "in_progress", "waiting_upstream"):
        assert _rgb(key) in colours, key
    for key in ("completed_late", "cancelled", "not_assigned", "due_soon"):
        assert _rgb(key) not in colours, key


def test_a_chart_grows_with_its_groups_and_keeps_at_most_twelve() -> None:
    def height(count: int) -> int:
        groups = [_group(f"Mục {i}", in_progress=1) for i in range(count)]
        return Image.open(io.BytesIO(status_bars(groups, "x"))).height

    assert height(1) < height(6) < height(12) == height(30)


def test_an_empty_chart_is_still_a_picture() -> None:
    assert _colours(status_bars([], "Không có nhiệm vụ"))
    assert _colours(trend([], "Diễn biến"))


def test_trend_draws_its_three_lines() -> None:
    points = [
        {"period": f"2026-Q{q}", "totals": {"completed_on_time": q, "overdue": 4 - q, "in_progress": 10}}
        for q in range(1, 5)
    ]
    colours = _colours(trend(points, "Diễn biến qua các kỳ"))
    for key in ("completed_on_time", "overdue", "in_progress"):
        assert _rgb(key) in colours, key


def test_threads_drawing_at_once_draw_the_same_picture_as_one_alone() -> None:
    alone = status_bars(GROUPS, "Trạng thái")
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: status_bars(GROUPS, "Trạng thái"), range(16)))
    assert all(picture == alone for picture in together)


def test_long_names_are_shortened_with_an_ellipsis() -> None:
    assert _short("Ủy ban Kiểm tra Đảng ủy phường Vĩnh Tuy, thành phố Hà Nội") == (
        "Ủy ban Kiểm tra Đảng ủy phường Vĩnh T…"
    )
    assert _short("Văn phòng") == "Văn phòng"


def test_a_name_is_put_on_one_line_before_it_is_cut() -> None:
    """Line breaks and runs of spaces from a Word cell do not use up the characters a row can show."""
    assert (
        _short("Ban Tuyên giáo\n\n\n\n    và Dân vận\tĐảng ủy phường")
        == "Ban Tuyên giáo và Dân vận Đảng ủy phường"[:37] + "…"
    )
    assert _short("Văn\n  phòng") == "Văn phòng"


@given(st.integers(min_value=0, max_value=10_000_000))
def test_ticks_are_whole_evenly_spaced_from_zero_and_cover_the_largest(largest: int) -> None:
    scale = ticks(largest)
    steps = {b - a for a, b in pairwise(scale)}
    assert scale[0] == 0 and scale[-1] >= largest and len(steps) == 1
    assert 2 <= len(scale) <= 9
    (step,) = steps
    assert str(step).strip("0") in ("1", "2", "5")


@given(st.lists(st.lists(st.integers(min_value=0, max_value=200_000), min_size=8, max_size=8), max_size=14))
def test_any_counts_draw_a_chart(rows: list[list[int]]) -> None:
    """A national roll-up puts one task beside a hundred thousand: every bar is drawn, however thin."""
    groups = [
        _group(f"Mục {i}", **dict(zip([k for k, _ in CATEGORIES], counts, strict=True)))
        for i, counts in enumerate(rows)
    ]
    assert Image.open(io.BytesIO(status_bars(groups, "Trạng thái"))).format == "PNG"


def test_one_task_beside_ten_thousand_is_seen() -> None:
    colours = _colours(status_bars([_group("Cả nước", in_progress=10_000, overdue=1)], "Trạng thái"), least=1)
    assert _rgb("overdue") in colours


@pytest.mark.parametrize(
    "name", ["Ban Tuyên giáo\nvà Dân vận", "Văn phòng\tĐảng ủy", "\r\n", "", "Ủy ban 😀", "x" * 200]
)
def test_names_as_they_come_from_a_plan_draw(name: str) -> None:
    """A name read from a Word cell may hold a line break or a tab; every chart draws it on one line."""
    assert Image.open(io.BytesIO(status_bars([_group(name, in_progress=2)], f"Theo mục\n{name}"))).format == "PNG"
    point = {"period": f"2026\n{name}", "totals": {"completed_on_time": 1, "overdue": 0, "in_progress": 3}}
    assert Image.open(io.BytesIO(trend([point], name))).format == "PNG"
    assert not set(one_line(name)) & set("\n\r\t") and "  " not in one_line(name)
