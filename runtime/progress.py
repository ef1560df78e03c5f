"""Progress bars on work longer than a few seconds (a big plan's import, a whole plan's assignment, a national
report, the benchmark's generator), drawn on the terminal's stderr by rich, and nothing anywhere else.

The command line turns them on (`show_progress_on_terminal`) when stderr is a terminal; flows run in the same
process, so a task reports its steps through `steps(...)` and the person watching sees them. In a worker, a
test or a pipe nothing is drawn and nothing is slower.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Report = Callable[[int, int | None], None]  # (steps done, steps in all when known)
_lock = threading.Lock()
_state: dict[str, Any] = {"enabled": False, "progress": None, "bars": 0}


def _nothing(_done: int, _total: int | None = None) -> None:
    return None


@contextmanager
def show_progress_on_terminal() -> Iterator[bool]:
    """Draw the bars of everything this process does inside the block (when stderr is a terminal)."""
    enabled = sys.stderr.isatty()
    with _lock:
        _state["enabled"] = enabled
    try:
        yield enabled
    finally:
        with _lock:
            _state["enabled"] = False


def _progress() -> Any:
    """The process's rich Progress, started with its first bar (so nothing is drawn until there is work)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if _state["progress"] is None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        progress = Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        progress.start()
        _state["progress"] = progress
    return _state["progress"]


@contextmanager
def steps(description: str, total: int | None = None) -> Iterator[Report]:
    """One bar (a spinner while the total is unknown); the block reports (done, total) as it goes."""
    with _lock:
        if not _state["enabled"]:
            progress = None
        else:
            progress = _progress()
            _state["bars"] += 1
    if progress is None:
        yield _nothing
        return
    bar = progress.add_task(description, total=total)

    def report(done: int, in_all: int | None = None) -> None:
        progress.update(bar, completed=done, total=in_all if in_all is not None else total)

    try:
        yield report
    finally:
        progress.remove_task(bar)
        with _lock:
            _state["bars"] -= 1
            if _state["bars"] == 0:
                progress.stop()
                _state["progress"] = None
