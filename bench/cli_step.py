"""What a clerk feels at the command line: one task step as a whole `planflow` process, while `planflow serve`
runs on the same home (the step runs as its flow inside the service, through the local command line's door) —
the median of five steps."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

CLERK, OFFICE = "cvxd@vinhtuy.example", "vanthu@vinhtuy.example"
TASKS = ("47", "48", "51", "53", "37")  # led by the Ban Xây dựng Đảng of the sample directory


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _planflow(env: dict[str, str], *arguments: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "planflow.cli", *arguments], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _wait_for_service(home: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("planflow serve stopped before it was ready")
        record = home / "service.json"
        if record.exists():
            url = json.loads(record.read_text())["prefect_api_url"]
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.5)
    raise RuntimeError("planflow serve did not become ready within 180 s")


@contextmanager
def running_service(prefix: str, **settings: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """`planflow serve` on a home of its own (plus `settings` in its environment) until the block ends: yields the
    home (with `service.json`) and the environment a command needs to reach it."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PLANFLOW_"))}
    env.update(
        PLANFLOW_HOME=str(home),
        PLANFLOW_PORTAL_PORT=str(_free_port()),  # as `serve` runs by default: the CLI's steps go through it
        PREFECT_SERVER_API_PORT=str(_free_port()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        **settings,
    )
    serve = subprocess.Popen(
        [sys.executable, "-m", "planflow.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_service(home, serve)
        yield home, env
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


def cli_step_with_service() -> dict[str, Any]:
    """Seconds of one `planflow task acknowledge` process (median and each of five) with the service up."""
    with running_service("planflow-bench-cli-") as (_home, env):
        _planflow(env, "task", "assign", "vinh-tuy-2026", "--all", "--as", OFFICE)
        seconds = [_planflow(env, "task", "acknowledge", "vinh-tuy-2026", n, "--as", CLERK) for n in TASKS]
        return {"median_seconds": round(statistics.median(seconds), 3), "seconds": [round(s, 3) for s in seconds]}
