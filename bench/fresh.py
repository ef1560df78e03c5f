"""A step run in a new Python process: its time and peak memory measured there, without what the benchmark's
earlier steps left in this one (a report compiled by a worker starts from a process of its own)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any


def rss_peak_mb() -> float:
    """This process's resident high-water mark (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    """Start the high-water mark again from the current resident size."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def in_fresh_process(function: Callable[..., Any], *args: Any) -> tuple[float, float, Any]:
    """`function(*args)` in a new process (spawned, so nothing is inherited): seconds, peak MB and its value.
    The peak counts the process's imports as well, as a worker's would."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_timed, (function, *args))


def _timed(function: Callable[..., Any], *args: Any) -> tuple[float, float, Any]:
    reset_peak()
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, rss_peak_mb(), value
