"""Running a flow from the command line: the API when one is configured, else ephemeral."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from models.errors import UnavailableError

if TYPE_CHECKING:
    from prefect import Flow

R = TypeVar("R")


@contextmanager
def quiet_console() -> Iterator[None]:
    """Keep Prefect's console log (and a failed run's traceback) off the terminal; the API still gets it.

    The CLI reports a refused step as one line; the flow run in the UI keeps the full log.
    """
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict))]
    handlers = list(
        {
            id(handler): handler
            for logger in loggers
            for handler in logger.handlers
            if type(handler).__name__ == "PrefectConsoleHandler"
        }.values()
    )
    levels = [handler.level for handler in handlers]
    for handler in handlers:
        handler.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for handler, level in zip(handlers, levels, strict=True):
            handler.setLevel(level)


class PrefectUnavailableError(UnavailableError):
    """No Prefect API could be reached to record the run; the message says what to start."""


_heartbeat_off: tuple[Any, Any] | None = None  # (the settings in force, the same with the heartbeat off)


def _without_heartbeat() -> Any:
    """Prefect's settings in force with the flow heartbeat off, built once per settings object: building them
    (what `temporary_settings` does on every call) cost ~90 ms of CPU per move, measured."""
    global _heartbeat_off
    from prefect.context import SettingsContext, get_settings_context
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    current = get_settings_context()
    known = _heartbeat_off
    if known is None or known[0] is not current.settings:
        heartbeat_off = current.settings.copy_with_update(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
        known = (current.settings, heartbeat_off)
        _heartbeat_off = known
    return SettingsContext(profile=current.profile, settings=known[1])


def run_flow(flow: Flow[..., R], **parameters: Any) -> R:
    """Call a flow in this process with the heartbeat thread off (it costs ~1 s per run to stop)."""
    import httpx

    try:
        with _without_heartbeat(), quiet_console():
            return cast(R, flow(**parameters))
    except httpx.TransportError as exc:
        raise PrefectUnavailableError(_UNREACHABLE.format(reason=type(exc).__name__)) from exc
    except RuntimeError as exc:
        if "ephemeral Prefect API" in str(exc):
            raise PrefectUnavailableError(_UNREACHABLE.format(reason="Prefect tạm thời không khởi động kịp")) from exc
        if str(exc).startswith("Failed to reach API"):
            raise PrefectUnavailableError(_UNREACHABLE.format(reason=str(exc).split(" at ")[-1])) from exc
        raise


_UNREACHABLE = (
    "không kết nối được Prefect để ghi lượt chạy ({reason}); hãy chạy './run.sh serve' ở một cửa sổ khác "
    "(hoặc đặt PREFECT_API_URL tới máy chủ Prefect đang chạy) rồi chạy lại lệnh"
)


def label_current_run(name: str, tags: list[str]) -> None:
    """Rename and tag the running flow run once its subject is known (filterable in the UI)."""
    from prefect.client.orchestration import get_client
    from prefect.context import get_run_context

    context = get_run_context()
    flow_run = getattr(context, "flow_run", None)
    if flow_run is None:
        return
    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, name=name, tags=sorted({*flow_run.tags, *tags}))


def started_from_deployment() -> bool:
    """Whether the running flow was started from a deployment (the Prefect UI, a schedule, a program): read from
    the run in hand; `prefect.runtime.deployment.id` asks the API for the run again when it has none."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return bool(context and context.flow_run and context.flow_run.deployment_id)
