"""A planflow command run as its own process for a test, waited on until it answers, stopped afterwards."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from tests.paths import ROOT


@contextmanager
def planflow_process(arguments: list[str], env: dict[str, str], ready: Callable[[], bool]) -> Iterator[None]:
    """`python -m planflow.cli ARGUMENTS` until `ready()` holds (fails with its output if it stops first)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "planflow.cli", *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if ready():
                    break
            except (httpx.HTTPError, ValueError):
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else "the process stopped"
            time.sleep(0.5)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
