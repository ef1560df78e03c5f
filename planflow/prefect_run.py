"""Running a flow from the command line: the API when one is configured, else ephemeral."""

from __future__ import annotations

from typing import Any, TypeVar

from prefect import Flow
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

R = TypeVar("R")


def run_flow(flow: Flow[..., R], **parameters: Any) -> R:
    """Call a flow in this process with the heartbeat thread off (it costs ~1 s per run to stop)."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(**parameters)
