"""Column widths fitted to their content: every column holds its longest word, the page is shared by how much
text each column carries, and the sum is the page (unless the longest words alone need more)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from documents.column_widths import CELL_PADDING_CM, fitted_widths

AGENCIES = [
    ["Ban Xây dựng Đảng", 12, 3, 1, 7, 1, 0, 0],
    ["Ủy ban Kiểm tra Đảng ủy phường", 5, 1, 0, 4, 0, 0, 0],
    ["Văn phòng Đảng ủy", 20, 2, 0, 15, 2, 1, 0],
]
HEADER = ["Cơ quan chủ trì", "Tổng", "Đúng hạn", "Quá hạn (HT)", "Đang làm", "Sắp đến hạn", "Quá hạn", "Chờ cấp trên"]


def test_the_name_column_gets_the_room_and_numbers_stay_narrow() -> None:
    widths = fitted_widths(HEADER, AGENCIES, page_cm=16.5)
    assert abs(sum(widths) - 16.5) < 1e-6
    assert widths[0] == max(widths) and widths[0] > 2 * widths[1]
    assert widths[0] >= len("Ủy ban Kiểm tra Đảng ủy phường") * 11 * 0.52 * 2.54 / 72  # the name on one line


words = st.text(alphabet="abcdeđêôơưĐÂ", min_size=1, max_size=25)
cells = st.lists(words, min_size=1, max_size=12).map(" ".join)


def _table(columns: int) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    row = st.lists(cells, min_size=columns, max_size=columns)
    return st.tuples(row, st.lists(row, max_size=8))


@given(st.integers(min_value=1, max_value=9).flatmap(_table))
def test_every_column_holds_its_longest_word(table: tuple[list[str], list[list[str]]]) -> None:
    header, rows = table
    widths = fitted_widths(header, rows, page_cm=16.5)
    assert len(widths) == len(header)
    for index, width in enumerate(widths):
        longest = max(len(word) for text in [header[index], *(row[index] for row in rows)] for word in text.split())
        assert width >= longest * 11 * 0.52 * 2.54 / 72 + CELL_PADDING_CM - 1e-9
    assert sum(widths) >= 16.5 - 1e-6
