"""Shows queued moves in Prefect: one flow run per move, created in its final state under its step's flow, with
its name, tags, parameters and log line, by one thread per process that batches while clerks keep moving.

The clerk's request only commits the move with its record (models.outbox.run_records); Prefect's cost (one API
call per move and one per batch for the log lines, where running the step's flow in the request cost about
170 ms of CPU a move between the two processes, measured) is paid here, after the answer. A record is marked
only after Prefect holds its run, and the run is created under the record's own idempotency key, so a crash
between the two shows the move once, not twice.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from models.db import Database
from models.outbox.run_records import RunRecord, claim_unrecorded, mark_recorded, unrecorded_count

BATCH = 50
IDLE_SECONDS = 10.0  # a record left by a process that stopped is picked up this often, moves or not
RETRY_SECONDS = 5.0  # after Prefect did not answer

logger = logging.getLogger("planflow.run_recorder")


class _FlowIds:
    """Each step flow's id in Prefect, asked for once per flow name and client."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._known: dict[str, UUID] = {}

    def __call__(self, name: str) -> UUID:
        if name not in self._known:
            self._known[name] = self._client.create_flow_from_name(name)
        return self._known[name]


def _run_body(record: RunRecord, flow_id: UUID) -> dict[str, Any]:
    """The API's FlowRunCreate for one record: its final state at once, under the record's idempotency key."""
    from prefect.client.schemas.actions import FlowRunCreate, StateCreate
    from prefect.client.schemas.objects import StateType

    state = StateCreate(
        type=StateType.COMPLETED if record.state == "COMPLETED" else StateType.FAILED,
        name="Completed" if record.state == "COMPLETED" else "Failed",
        message=record.message,
    )
    body = FlowRunCreate(
        flow_id=flow_id,
        name=record.run_name,
        parameters=record.parameters,
        tags=list(record.tags),
        state=state,
        idempotency_key=f"planflow-move-{record.run_key}",
    )
    return body.model_dump(mode="json")


def _log_body(record: RunRecord, flow_run_id: str) -> dict[str, Any]:
    """The run's one log line, at the moment of the move."""
    return {
        "name": "planflow.moves",
        "level": logging.INFO if record.state == "COMPLETED" else logging.ERROR,
        "message": record.message,
        "timestamp": record.occurred_at.isoformat(),
        "flow_run_id": flow_run_id,
    }


def record_batch(database: Database, client: Any, flow_ids: Callable[[str], UUID], limit: int = BATCH) -> int:
    """Create the flow runs of up to `limit` waiting records and mark them; how many were recorded. A Prefect
    error leaves the whole batch waiting (the next try creates nothing twice: same idempotency keys)."""
    with database.transaction() as session:
        records = claim_unrecorded(session, limit)
        created: dict[int, str] = {}
        logs = []
        for record in records:
            answer = client.request("POST", "/flow_runs/", json=_run_body(record, flow_ids(record.flow_name)))
            answer.raise_for_status()
            created[record.id] = str(answer.json()["id"])
            logs.append(_log_body(record, created[record.id]))
        if logs:
            client.request("POST", "/logs/", json=logs).raise_for_status()
        mark_recorded(session, created, datetime.now(UTC))
        return len(records)


class Recorder:
    """A process's recording thread on one database: started by the first move, woken by each move and every
    IDLE_SECONDS anyway; it runs in the Prefect settings of the context that started it."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """A move was queued: record it soon (starting the thread in this context the first time)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                context = contextvars.copy_context()
                self._thread = threading.Thread(
                    target=context.run, args=(self._loop,), name="planflow-run-recorder", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def wait_until_recorded(self, seconds: float) -> bool:
        """Whether every queued move was in Prefect within `seconds` (tests, the benchmark, a clean stop)."""
        self.nudge()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.database.session() as session:
                if unrecorded_count(session) == 0:
                    return True
            time.sleep(0.1)
        return False

    def stop(self, seconds: float = 10.0) -> None:
        """End the thread after its current batch (what is left waits in the database for the next start)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(seconds)

    def _loop(self) -> None:
        from prefect.client.orchestration import get_client

        while not self._stopping.is_set():
            try:
                with get_client(sync_client=True) as client:
                    flow_ids = _FlowIds(client)
                    while not self._stopping.is_set():
                        while record_batch(self.database, client, flow_ids) == BATCH:
                            pass
                        self._wake.wait(IDLE_SECONDS)
                        self._wake.clear()
            except Exception:  # Prefect or the database away: the records wait, nothing is lost
                logger.warning("Chưa ghi được lượt chạy vào Prefect; thử lại sau %s giây", RETRY_SECONDS, exc_info=True)
                self._stopping.wait(RETRY_SECONDS)


_recorder: Recorder | None = None


def get_recorder() -> Recorder:
    """This process's recorder, on its database."""
    global _recorder
    if _recorder is None:
        from runtime.environment import get_database

        _recorder = Recorder(get_database())
    return _recorder


def stop_recorder() -> None:
    """Stop and forget this process's recorder (the database it wrote to is being closed or switched)."""
    global _recorder
    if _recorder is not None:
        _recorder.stop()
        _recorder = None
