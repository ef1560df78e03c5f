"""Column widths fitted to what a table holds: every column at least as wide as its longest word (so no word is
ever broken), the rest of the page shared by how much text each column carries. Widths are estimated from the
characters (an average glyph of Times New Roman at the table's size), which is what a word processor will do
with them give or take a few percent; the PDF check in the tests holds it to the printed result."""

from __future__ import annotations

from collections.abc import Sequence

CM_PER_POINT = 2.54 / 72
AVERAGE_GLYPH = 0.52  # of the font size, Times New Roman body text with Vietnamese marks
BOLD_GLYPH = 0.58
CELL_PADDING_CM = 0.45  # both sides' margins and the borders


def _text_cm(text: str, size: float, glyph: float) -> float:
    return len(text) * size * glyph * CM_PER_POINT


def fitted_widths(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, page_cm: float, size: float = 11
) -> list[float]:
    """Widths in centimetres, summing to `page_cm` (or more, when the longest words alone need more)."""
    columns = len(header)
    floors: list[float] = []
    weights: list[float] = []
    for index in range(columns):
        cells = ["" if row[index] is None else str(row[index]) for row in rows]
        longest_word = max(
            [_text_cm(word, size, BOLD_GLYPH) for word in header[index].split()]
            + [_text_cm(word, size, AVERAGE_GLYPH) for cell in cells for word in cell.split()]
            or [0.0]
        )
        floors.append(longest_word + CELL_PADDING_CM)
        longest_cell = max((_text_cm(cell, size, AVERAGE_GLYPH) for cell in cells), default=0.0)
        weights.append(max(longest_cell, _text_cm(header[index], size, BOLD_GLYPH) / 2) + CELL_PADDING_CM)
    spare = page_cm - sum(floors)
    if spare <= 0:
        return floors
    wanted = [max(weight - floor, 0.0) for weight, floor in zip(weights, floors, strict=True)]
    total_wanted = sum(wanted)
    if total_wanted <= spare:  # everything fits on one line: give the rest to the widest texts
        extra = spare - total_wanted
        share = sum(weights) or 1.0
        parts = zip(floors, wanted, weights, strict=True)
        return [floor + want + extra * weight / share for floor, want, weight in parts]
    return [floor + spare * want / total_wanted for floor, want in zip(floors, wanted, strict=True)]
