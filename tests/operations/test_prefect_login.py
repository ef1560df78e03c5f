"""The Prefect UI and API behind a login: `serve` refuses to listen beyond this machine without one; with one,
an anonymous call is refused, a logged-in one works, the deployments still run, and every command that finds
the service logs in as it does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.notifications.conftest import free_port
from tests.paths import ROOT
from tests.prefect_runs import create_run, wait_for_run
from tests.processes import planflow_process

pytestmark = pytest.mark.prefect
LOGIN = ("van-phong", "mat-khau-prefect-thu-nghiem-dai")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "PLANFLOW_"))}
    env.update(PLANFLOW_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def test_serve_refuses_to_listen_beyond_this_machine_without_a_login(tmp_path: Path) -> None:
    env = _env(tmp_path, PREFECT_SERVER_API_HOST="0.0.0.0", PREFECT_SERVER_API_PORT=str(free_port()))
    done = subprocess.run(
        [sys.executable, "-m", "planflow.cli", "serve"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "PREFECT_SERVER_API_AUTH_STRING" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "service.json").exists()


def _deployment(api: str, auth: httpx.BasicAuth, name: str) -> dict:
    """The deployment once `serve` has registered it (it does right after announcing itself)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = httpx.post(f"{api}/deployments/filter", json={"limit": 200}, auth=auth, timeout=30)
        assert answer.status_code in (200, 503), answer.text  # 503: the server's SQLite is busy, ask again
        found = [d for d in answer.json() if d["name"] == name] if answer.status_code == 200 else []
        if found:
            return found[0]
        time.sleep(1)
    raise AssertionError(f"deployment {name} never registered")


def test_with_a_login_only_the_logged_in_get_in_and_everything_still_runs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = _env(
        home,
        PREFECT_SERVER_API_AUTH_STRING=":".join(LOGIN),
        PREFECT_SERVER_API_PORT=str(free_port()),
        PLANFLOW_PORTAL_PORT=str(free_port()),
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    with planflow_process(["serve"], env, lambda: (home / "service.json").exists()):
        record = json.loads((home / "service.json").read_text())
        api, auth = record["prefect_api_url"], httpx.BasicAuth(*LOGIN)
        assert httpx.post(f"{api}/flows/filter", json={"limit": 1}, timeout=10).status_code == 401
        assert (
            httpx.post(
                f"{api}/flows/filter", json={"limit": 1}, auth=httpx.BasicAuth("x", "sai"), timeout=10
            ).status_code
            == 401
        )
        deliver = _deployment(api, auth, "every-minute")
        run_id = create_run(api, deliver["id"], {}, auth)
        assert wait_for_run(api, run_id, auth) == "COMPLETED"  # the deployments' runner logs in too

        cli_env = _env(home)  # a second terminal: no Prefect setting of its own
        status = subprocess.run(
            [sys.executable, "-m", "planflow.cli", "status", "--json"],
            env=cli_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        prefect = json.loads(status.stdout)["prefect"]
        assert prefect["healthy"] and prefect["login"] is True and prefect["deployments"]
        step = subprocess.run(
            [
                sys.executable,
                "-m",
                "planflow.cli",
                "task",
                "assign",
                "vinh-tuy-2026",
                "47",
                "--as",
                "vanthu@vinhtuy.example",
            ],
            env=cli_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert step.returncode == 0, step.stderr
