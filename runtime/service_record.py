"""Where a running `planflow serve` is, read without loading settings, the database or Prefect: the command
line looks here first, so a step sent to the running service costs the time of a small HTTP call."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from models.errors import PlanflowError

CLI_TOKEN_VARIABLE = "PLANFLOW_CLI_TOKEN"
STEP_TIMEOUT_SECONDS = 600.0


def planflow_home() -> Path:
    """planflow's folder: PLANFLOW_HOME, else ~/.planflow (the settings object reads the same)."""
    configured = os.environ.get("PLANFLOW_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".planflow"


def service_file(home: Path | None = None) -> Path:
    """The record `planflow serve` keeps while it runs (owner-readable only: it holds the command line's secret)."""
    return (home or planflow_home()) / "service.json"


def running_service_record(home: Path | None = None) -> dict[str, Any] | None:
    """The record of a service whose process is alive on this home, else None."""
    try:
        record = json.loads(service_file(home).read_text())
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record, dict) else None


class StepRefusedError(PlanflowError):
    """The service ran the step's checks and refused it; the message is the person's one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def step_through_service(step: str, parameters: dict[str, Any]) -> dict[str, Any] | None:
    """Run a task step as its flow in the running service; None when no service takes it (the caller runs it
    itself). Only a refused connection falls back: a step that may have run is never run a second time."""
    record = running_service_record() or {}
    portal, token = record.get("portal_url"), record.get("cli_token")
    if not portal or not token or os.environ.get("PREFECT_API_URL") not in (None, "", record.get("prefect_api_url")):
        return None  # no service here, or the person points this command at another Prefect
    import httpx

    port = httpx.URL(str(portal)).port
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/internal/cli/step",
            json={"step": step, "parameters": parameters, "os_user": local_user()},
            headers={"X-Planflow-Cli-Token": str(token)},
            timeout=httpx.Timeout(STEP_TIMEOUT_SECONDS, connect=2.0),
        )
    except httpx.ConnectError:
        return None
    if response.status_code == 200:
        result: dict[str, Any] = response.json()
        return result
    if response.status_code in (403, 404) and "detail" not in response.text:
        return None  # an older service without this door
    detail = response.json().get("detail") if "json" in response.headers.get("content-type", "") else None
    raise StepRefusedError(response.status_code, str(detail or response.text[:300]))


def local_user() -> str | None:
    """The operating-system account running this process (None where it has no name)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
