"""Starting a deployment's run through a real Prefect API and waiting for its end, as the UI's "Run" does."""

from __future__ import annotations

import time
from typing import Any

import httpx


def create_run(api: str, deployment_id: str, parameters: dict[str, Any], auth: httpx.Auth | None = None) -> str:
    """The new flow run's id; asks again while the server's own SQLite answers 503 (busy), as a person would."""
    created = httpx.Response(503)
    for _attempt in range(30):
        created = httpx.post(
            f"{api}/deployments/{deployment_id}/create_flow_run",
            json={"parameters": parameters},
            auth=auth,
            timeout=30,
        )
        if created.status_code != 503:
            break
        time.sleep(1)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def wait_for_run(api: str, run_id: str, auth: httpx.Auth | None = None, seconds: float = 180) -> str:
    """The run's final state type (COMPLETED, FAILED, CRASHED, CANCELLED), or the last seen when time ran out."""
    deadline = time.monotonic() + seconds
    state = ""
    while time.monotonic() < deadline:
        answer = httpx.get(f"{api}/flow_runs/{run_id}", auth=auth, timeout=30)
        if answer.status_code == 200:
            state = answer.json()["state"]["type"]
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                return state
        time.sleep(1)
    return state
