"""Which door the current action came through, for the audit log: each door says it once, around the flow it
runs (the API and the portal, the command line, the local command line's door in the service); a run started
from a deployment (the Prefect UI, a worker) is known by Prefect itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from models.audit import Channel
from runtime.service_record import local_user

_current: ContextVar[tuple[str, str | None] | None] = ContextVar("planflow_channel", default=None)


@contextmanager
def acting_through(channel: Channel, os_user: str | None = None) -> Iterator[None]:
    """Everything run inside the block is recorded as coming through this door (and this OS account)."""
    token = _current.set((channel.value, os_user))
    try:
        yield
    finally:
        _current.reset(token)


def current_channel(from_deployment: bool) -> tuple[str, str | None]:
    """(channel, OS user) of the action running now: a deployment run is the Prefect UI's; otherwise the door
    that said so, or this process's command line."""
    if from_deployment:
        return Channel.PREFECT_UI.value, None
    said = _current.get()
    return said if said is not None else (Channel.CLI.value, local_user())
