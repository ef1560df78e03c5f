"""Work longer than a few seconds shows a progress bar on a terminal, and nothing when stderr is a pipe or a file."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT


def _run(arguments: list[str], home: Path, *, terminal: bool) -> tuple[int, str]:
    """Exit code and what the command wrote on stderr (a pseudo-terminal, or a pipe)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANFLOW_")}
    env.update(PLANFLOW_HOME=str(home), COLUMNS="100")
    command = [sys.executable, "-m", "planflow.cli", *arguments]
    if not terminal:
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stderr
    controller, terminal_end = pty.openpty()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=terminal_end)
    os.close(terminal_end)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # the other end closed: the command has finished
            break
        if not data:
            break
        chunks.append(data)
    os.close(controller)
    shown = b"".join(chunks).decode("utf-8", "replace")
    return process.wait(timeout=600), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # the text, without colours


def test_the_generator_shows_its_bars_on_a_terminal_only(tmp_path: Path) -> None:
    arguments = ["bench", "generate", "--orgs", "150", "--db", f"sqlite:///{tmp_path / 'bench.db'}", "--json"]
    code, shown = _run(arguments, tmp_path / "home", terminal=True)
    assert code == 0
    assert "Tạo dữ liệu thử: các phường" in shown and re.search(r"\b\d+/150\b", shown)  # done of all wards
    assert "Ghi dữ liệu thử vào cơ sở dữ liệu" in shown
    arguments[3], arguments[-2] = "10", f"sqlite:///{tmp_path / 'again.db'}"
    code, piped = _run(arguments, tmp_path / "home", terminal=False)
    assert code == 0 and "Tạo dữ liệu thử" not in piped
