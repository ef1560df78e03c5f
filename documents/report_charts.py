"""Charts of a report as PNG bytes: status by section, by lead agency, and the trend over periods."""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure

from models.reporting.figures import CATEGORIES

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


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def status_bars(groups: list[dict[str, Any]], title: str, *, limit: int = 12) -> bytes:
    """A horizontal stacked bar per group (section or agency), one colour per status."""
    shown = groups[:limit]
    figure = Figure(figsize=(9, 0.45 * len(shown) + 1.4))  # not pyplot: reports are drawn in parallel threads
    axes = figure.subplots()
    names = [_short(g["name"]) for g in shown][::-1]
    left = [0] * len(shown)
    for key, label in CATEGORIES:
        values = [g[key] for g in shown][::-1]
        if any(values):
            axes.barh(names, values, left=left, color=COLOURS[key], label=label)
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_title(title)
    axes.set_xlabel("số nhiệm vụ")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    return _png(figure)


def trend(points: list[dict[str, Any]], title: str) -> bytes:
    """Completed on time, overdue and in progress across consecutive periods."""
    figure = Figure(figsize=(9, 3.2))
    axes = figure.subplots()
    labels = [p["period"] for p in points]
    for key in ("completed_on_time", "overdue", "in_progress"):
        axes.plot(
            labels, [p["totals"][key] for p in points], marker="o", color=COLOURS[key], label=dict(CATEGORIES)[key]
        )
    axes.set_title(title)
    axes.set_ylabel("số nhiệm vụ")
    axes.legend(fontsize=8, frameon=False)
    return _png(figure)


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
