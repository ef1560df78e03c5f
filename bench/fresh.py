"""A step run in a new Python process: its time and peak memory measured there, without what the benchmark's
earlier steps left in this one (a report compiled by a worker starts from a process of its own)."""

from __future__ import annotations

import atexit
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


def in_fresh_process(
    function: Callable[..., Any], *args: Any, warm_up: Callable[..., Any] | None = None
) -> tuple[float, float, Any]:
    """`function(*args)` in a new process (spawned, so nothing is inherited): seconds, peak MB and its value.
    `warm_up(*args)` runs first, untimed; the peak counts the process's imports and the warm-up as well, as
    a worker's would."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_timed, (function, warm_up, *args))


def _timed(function: Callable[..., Any], warm_up: Callable[..., Any] | None, *args: Any) -> tuple[float, float, Any]:
    reset_peak()
    if warm_up is not None:
        warm_up(*args)
    started = time.perf_counter()
    try:
        value = function(*args)
        return time.perf_counter() - started, rss_peak_mb(), value
    finally:
        _exit_handlers()


def _exit_handlers() -> None:
    """What an interpreter runs as it exits, run now: a pool's worker is ended without it, which left the Prefect
    server a step had started (stopped by an exit handler) running after the benchmark."""
    atexit._run_exitfuncs()
