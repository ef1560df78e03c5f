"""A move through the API is answered before Prefect hears of it, and is then shown there once: a run of its
step's flow, named and tagged, in its final state, with its parameters and log line — whatever fails between."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags, LogFilter, LogFilterFlowRunId
from prefect.client.schemas.objects import FlowRun

from models.db import Database
from models.outbox.run_records import RunToRecord, queue_run, unrecorded_count
from runtime.run_recorder import _FlowIds, get_recorder, record_batch
from tests.api.people import LEAD, OFFICE, OUTSIDER
from tests.api.test_api_access import token


def _runs(*tags: str, besides: frozenset[str] = frozenset()) -> list[FlowRun]:
    """The runs with every tag, oldest first, but for those `besides` (an earlier test's, in the same Prefect)."""
    with get_client(sync_client=True) as prefect:
        runs = prefect.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=list(tags))))
    return sorted((run for run in runs if str(run.id) not in besides), key=lambda run: run.created or 0)


def _ids(runs: list[FlowRun]) -> frozenset[str]:
    return frozenset(str(run.id) for run in runs)


def _log_lines(run: FlowRun) -> list[str]:
    with get_client(sync_client=True) as prefect:
        logs = prefect.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    return [log.message for log in logs]


def _flow_name(run: FlowRun) -> str:
    with get_client(sync_client=True) as prefect:
        return prefect.read_flow(run.flow_id).name


def test_a_move_and_a_refusal_are_shown_as_runs_of_the_steps_flow(client: TestClient) -> None:
    url, tags = "/api/tasks/vinh-tuy-2026/29/moves", ("task:vinh-tuy-2026/29", "step:acknowledge", "channel:api")
    earlier = _ids(_runs(*tags))
    unseen = client.post(url, json={"action": "acknowledge"}, headers=token(client, OUTSIDER))
    assert unseen.status_code == 404  # another committee's task: not even a failed run names it
    refused = client.post(url, json={"action": "acknowledge"}, headers=token(client, OFFICE))
    assert refused.status_code == 403  # only the lead agency acknowledges
    moved = client.post(url, json={"action": "acknowledge", "idempotency_key": "ack-29"}, headers=token(client, LEAD))
    assert moved.status_code == 200
    assert get_recorder().wait_until_recorded(60)
    runs = _runs(*tags, besides=earlier)
    assert [run.state_name for run in runs] == ["Failed", "Completed"]
    failed, done = runs
    assert {run.name for run in runs} == {"acknowledge vinh-tuy-2026/29"}
    assert {_flow_name(run) for run in runs} == {"task-acknowledge"}
    assert any(tag.startswith("agency:") and tag != "agency:chua-co-chu-tri" for tag in done.tags)
    given = {"plan": "vinh-tuy-2026", "task": "29", "actor": LEAD, "idempotency_key": "ack-29", "note": ""}
    assert done.parameters == given  # the flow's parameters: who, which task, the step's fields (defaults too)
    assert any("assigned → acknowledged" in line for line in _log_lines(done))
    assert failed.state is not None and "thẩm quyền" in (failed.state.message or "")


def test_a_repeated_move_is_a_second_run_that_did_nothing(client: TestClient) -> None:
    url, lead = "/api/tasks/vinh-tuy-2026/29/moves", token(client, LEAD)
    tags = ("task:vinh-tuy-2026/29", "step:acknowledge")
    earlier = _ids(_runs(*tags))
    body = {"action": "acknowledge", "idempotency_key": "ack-twice"}
    assert client.post(url, json=body, headers=lead).json()["repeated"] is False
    assert client.post(url, json=body, headers=lead).json()["repeated"] is True
    assert get_recorder().wait_until_recorded(60)
    [first, second] = _runs(*tags, besides=earlier)
    assert not any("repeated" in line for line in _log_lines(first))
    assert any("repeated: nothing done" in line for line in _log_lines(second))


class _CrashAfterRuns:
    """Prefect's real client, with the process dying after Prefect created the runs but before the database
    noted them (the log call is where it dies)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def create_flow_from_name(self, name: str) -> Any:
        return self._client.create_flow_from_name(name)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if path == "/logs/":
            raise RuntimeError("the recorder's process was killed here")
        return self._client.request(method, path, **kwargs)


def _queue(database: Database, tag: str, count: int) -> None:
    with database.transaction() as session:
        for number in range(count):
            run = RunToRecord(
                flow_name="task-report-progress",
                run_name=f"report-progress vinh-tuy-2026/{number}",
                tags=[tag],
                parameters={"plan": "vinh-tuy-2026", "task": str(number)},
                completed=True,
                message="report-progress: in_progress → in_progress",
                occurred_at=datetime.now(UTC),
            )
            queue_run(session, run)


def _waiting(database: Database) -> int:
    with database.session() as session:
        return unrecorded_count(session)


def test_a_crash_between_prefect_and_the_database_shows_each_move_once(
    planflow_env: Database, prefect_harness: None
) -> None:
    tag = f"test:{uuid.uuid4().hex}"
    _queue(planflow_env, tag, 3)
    with get_client(sync_client=True) as prefect:
        with pytest.raises(RuntimeError, match="killed"):
            record_batch(planflow_env, _CrashAfterRuns(prefect), _FlowIds(prefect))
        assert _waiting(planflow_env) == 3  # nothing noted: the next recorder sends them all again
        assert len(_runs(tag)) == 3  # … though Prefect holds them already
        assert record_batch(planflow_env, prefect, _FlowIds(prefect)) == 3
    assert _waiting(planflow_env) == 0
    runs = _runs(tag)
    assert len(runs) == 3 and {run.state_name for run in runs} == {"Completed"}  # once each, not twice


def test_moves_wait_in_the_database_while_prefect_is_away(planflow_env: Database, prefect_harness: None) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    _queue(planflow_env, f"test:{uuid.uuid4().hex}", 2)
    away = temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"})
    with away, get_client(sync_client=True) as client, pytest.raises(httpx.HTTPError):
        record_batch(planflow_env, client, _FlowIds(client))
    assert _waiting(planflow_env) == 2
    assert get_recorder().wait_until_recorded(60)
