"""Charts of a report as PNG bytes: status by section, by lead agency, and the trend over periods.

Drawn with Pillow on a canvas twice the size and halved at the end (smooth edges and lines): a chart costs about
30 ms, where matplotlib's cost 120–175 ms, three times in every one of a nation's thousands of reports. The font
is DejaVu Sans, kept beside this module (documents/fonts, with its licence), so every machine draws the same
Vietnamese text."""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from models.reporting.figures import CATEGORIES, CATEGORY_LABELS

COLOURS = {
    "completed_on_time": "#2e7d32",
    "completed_late": "#9ccc65",
    "in_progress": "#1e88e5",
    "due_soon": "#fbc02d",
    "overdue": "#e53935",
    "waiting_upstream": "#8e24aa",
    "cancelled": "#9e9e9e",
    "not_assigned": "#cfd8dc",
}
FONT_FILE = Path(__file__).parent / "fonts" / "DejaVuSans.ttf"
SCALE = 2  # drawn at twice the size, then halved
TEXT, LABEL, SMALL = 15, 18, 12  # pixel sizes of tick and axis text, the title, the legend
INK = "#000000"
MARGIN = 10
LEGEND_ROW = 20  # the height of a row of the legend


@dataclass(frozen=True)
class Box:
    """The plot area in final pixels: left, top, width, height."""

    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height


class _Canvas:
    """A white image with the drawing calls the charts need, in final pixels (scaled here)."""

    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)

    def text(self, x: float, y: float, words: str, size: int, anchor: str) -> None:
        self.draw.text((x * SCALE, y * SCALE), one_line(words), fill=INK, font=font(size), anchor=anchor)

    def vertical_text(self, x: float, y: float, words: str, size: int) -> None:
        """Text turned a quarter left, centred on (x, y): an axis title."""
        width = math.ceil(text_width(words, size)) * SCALE
        strip = Image.new("RGB", (width, (size + 6) * SCALE), "white")
        ImageDraw.Draw(strip).text((0, 3 * SCALE), one_line(words), fill=INK, font=font(size), anchor="lt")
        turned = strip.rotate(90, expand=True)
        self.image.paste(turned, (int(x * SCALE - turned.width / 2), int(y * SCALE - turned.height / 2)))

    def rectangle(self, left: float, top: float, right: float, bottom: float, colour: str) -> None:
        """Filled, at least one pixel wide and high: one task beside ten thousand is still seen."""
        x0, y0 = left * SCALE, top * SCALE
        self.draw.rectangle((x0, y0, max(right * SCALE - 1, x0), max(bottom * SCALE - 1, y0)), fill=colour)

    def line(self, points: list[tuple[float, float]], colour: str, width: float = 1) -> None:
        self.draw.line([(x * SCALE, y * SCALE) for x, y in points], fill=colour, width=round(width * SCALE))

    def dot(self, x: float, y: float, radius: float, colour: str) -> None:
        r = radius * SCALE
        self.draw.ellipse((x * SCALE - r, y * SCALE - r, x * SCALE + r, y * SCALE + r), fill=colour)

    def frame(self, box: Box) -> None:
        left, top, right, bottom = box.left, box.top, box.left + box.width, box.bottom
        self.line([(left, top), (right, top), (right, bottom), (left, bottom), (left, top)], INK)

    def png(self) -> bytes:
        """Halved and written with zlib's fastest level: a file a few per cent larger, written in three quarters
        of the time (a palette would be smaller still, but could shift a status's colour off its legend)."""
        buffer = io.BytesIO()
        self.image.reduce(SCALE).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


_fonts = threading.local()  # a FreeType face is not shared between threads drawing reports at the same time


def font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at `size` final pixels (loaded once per thread and size)."""
    loaded: dict[int, ImageFont.FreeTypeFont] = _fonts.__dict__.setdefault("by_size", {})
    if size not in loaded:
        loaded[size] = ImageFont.truetype(str(FONT_FILE), size * SCALE)
    return loaded[size]


def text_width(words: str, size: int) -> float:
    """How wide `words` are at `size`, in final pixels."""
    return font(size).getlength(one_line(words)) / SCALE


def one_line(words: str) -> str:
    """Text as a chart draws it: on one line, its spaces single (an agency or section name read from a Word cell
    may hold a line break or a tab, which Pillow's anchored text refuses)."""
    return " ".join(words.split())


def ticks(largest: float) -> list[int]:
    """Whole-number ticks from 0 past `largest`, 1, 2 or 5 times a power of ten apart, at most about eight."""
    if largest <= 0:
        return [0, 1]
    rough = largest / 7
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= rough)
    top = math.ceil(largest / step) * step
    return list(range(0, int(top) + 1, int(step)))


def _legend(canvas: _Canvas, entries: list[tuple[str, str]], top: float, centre: float, columns: int) -> None:
    """Colour swatches with their labels, in rows of `columns`, centred."""
    width = max((text_width(label, SMALL) for label, _ in entries), default=0) + 48
    shown = min(columns, len(entries))
    left = centre - width * shown / 2
    for index, (label, colour) in enumerate(entries):
        x, y = left + width * (index % shown), top + LEGEND_ROW * (index // shown)
        canvas.rectangle(x, y + 3, x + 24, y + 13, colour)
        canvas.text(x + 30, y + 8, label, SMALL, "lm")


def _legend_height(count: int, columns: int) -> int:
    return LEGEND_ROW * math.ceil(count / columns)


def status_bars(groups: list[dict[str, Any]], title: str, *, limit: int = 12) -> bytes:
    """A horizontal stacked bar per group (section or agency), one colour per status, with a legend of the
    statuses that occur."""
    shown = groups[:limit]
    names = [_short(g["name"]) for g in shown]
    present = [(key, label) for key, label in CATEGORIES if any(g[key] for g in shown)]
    scale = ticks(max((sum(g[key] for key, _ in CATEGORIES) for g in shown), default=0))
    labels_width = math.ceil(max((text_width(n, TEXT) for n in names), default=0))
    row = 50
    box = Box(MARGIN + labels_width + 10, MARGIN + 30, 780, row * max(len(shown), 1))
    height = box.bottom + 62 + _legend_height(len(present), 3) + MARGIN
    canvas = _Canvas(box.left + box.width + 20, height)
    canvas.text(box.left + box.width / 2, MARGIN + 12, title, LABEL, "mm")
    per_task = box.width / scale[-1]
    for index, (group, name) in enumerate(zip(shown, names, strict=True)):
        middle = box.top + row * index + row / 2
        canvas.text(box.left - 8, middle, name, TEXT, "rm")
        left = 0
        for key, _ in present:
            if group[key]:
                x = box.left + left * per_task
                canvas.rectangle(x, middle - row * 0.4, x + group[key] * per_task, middle + row * 0.4, COLOURS[key])
                left += group[key]
    _value_axis_below(canvas, box, scale)
    canvas.text(box.left + box.width / 2, box.bottom + 40, "số nhiệm vụ", TEXT, "mm")
    _legend(canvas, [(label, COLOURS[key]) for key, label in present], box.bottom + 58, box.left + box.width / 2, 3)
    return canvas.png()


def _value_axis_below(canvas: _Canvas, box: Box, scale: list[int]) -> None:
    canvas.frame(box)
    for value in scale:
        x = box.left + box.width * value / scale[-1]
        canvas.line([(x, box.bottom), (x, box.bottom + 4)], INK)
        canvas.text(x, box.bottom + 7, f"{value}", TEXT, "mt")


def trend(points: list[dict[str, Any]], title: str) -> bytes:
    """Completed on time, overdue and in progress across consecutive periods."""
    shown = ("completed_on_time", "overdue", "in_progress")
    scale = ticks(max((p["totals"][key] for p in points for key in shown), default=0))
    box = Box(MARGIN + 70, MARGIN + 30, 860, 280)
    canvas = _Canvas(box.left + box.width + 30, box.bottom + 40 + _legend_height(3, 3) + 20 + MARGIN)
    canvas.text(box.left + box.width / 2, MARGIN + 12, title, LABEL, "mm")
    canvas.frame(box)
    for value in scale:
        y = box.bottom - box.height * value / scale[-1]
        canvas.line([(box.left - 4, y), (box.left, y)], INK)
        canvas.text(box.left - 7, y, f"{value}", TEXT, "rm")
    canvas.vertical_text(MARGIN + 12, box.top + box.height / 2, "số nhiệm vụ", TEXT)
    step = box.width / max(len(points), 1)
    xs = [box.left + step * (index + 0.5) for index in range(len(points))]
    for x, point in zip(xs, points, strict=True):
        canvas.line([(x, box.bottom), (x, box.bottom + 4)], INK)
        canvas.text(x, box.bottom + 7, point["period"], TEXT, "mt")
    for key in shown:
        line = [(x, box.bottom - box.height * p["totals"][key] / scale[-1]) for x, p in zip(xs, points, strict=True)]
        if len(line) > 1:
            canvas.line(line, COLOURS[key], width=2)
        for x, y in line:
            canvas.dot(x, y, 4, COLOURS[key])
    _legend(
        canvas, [(CATEGORY_LABELS[key], COLOURS[key]) for key in shown], box.bottom + 36, box.left + box.width / 2, 3
    )
    return canvas.png()


def _short(name: str, width: int = 38) -> str:
    """A name as a chart's row shows it: on one line first, then cut to `width` characters."""
    flat = one_line(name)
    return flat if len(flat) <= width else flat[: width - 1] + "…"
