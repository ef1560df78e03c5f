"""A step run in a fresh process ends as a process does: what it set to run at exit (the Prefect server a batch
started is stopped that way) runs before the step's value comes back."""

from __future__ import annotations

import atexit
from pathlib import Path

from bench.fresh import in_fresh_process


def _leave_a_note_at_exit(folder: str) -> str:
    atexit.register(Path(folder, "exited").write_text, "yes")
    return "done"


def test_exit_handlers_of_a_fresh_step_run(tmp_path: Path) -> None:
    seconds, peak_mb, value = in_fresh_process(_leave_a_note_at_exit, str(tmp_path))
    assert value == "done" and seconds >= 0 and peak_mb > 0
    assert (tmp_path / "exited").read_text() == "yes"
