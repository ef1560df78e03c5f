"""What a clerk feels while others are moving too: `planflow serve` on the benchmark's database, and N clerks
(each the Văn phòng chief of a ward) reporting progress on their own tasks over HTTP at the same time for a fixed
time — a bounded loop on loopback. Reports moves per second, p50 and p95 latency, errors, and that every move
is in the audit log once and in Prefect's runs once — counted after the recorder has shown every move there,
how long after the last answer that took being reported too."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.cli_step import running_service
from models.accounts.login import set_password
from models.audit import AuditEvent
from models.db import Database
from models.outbox.run_records import unrecorded_count

PASSWORD = "bench-password"
BODY = {"action": "submit_progress", "payload": {"period": "2026-Q2", "text": "tiến độ trong kỳ"}}


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _clerk(base: str, email: str, tasks: list[tuple[str, str]], until: float) -> tuple[list[float], int]:
    """One clerk's loop: log in, then move their own tasks in turn until the time is up."""
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        try:
            token = (await client.post("/api/login", json={"email": email, "password": PASSWORD})).json()["token"]
        except httpx.TimeoutException:  # the service did not let this clerk in within a minute
            return latencies, 1
        headers = {"Authorization": f"Bearer {token}"}
        turn = 0
        while time.monotonic() < until:
            plan, number = tasks[turn % len(tasks)]
            turn += 1
            body = {**BODY, "idempotency_key": f"load-{uuid.uuid4().hex}"}
            started = time.perf_counter()
            try:
                answer = await client.post(f"/api/tasks/{plan}/{number}/moves", json=body, headers=headers)
                errors += answer.status_code != 200
            except httpx.TimeoutException:  # no answer within the client's minute: an error the clerk felt
                errors += 1
            latencies.append(time.perf_counter() - started)
    return latencies, errors


async def _all_clerks(
    base: str, work: dict[str, list[tuple[str, str]]], seconds: float
) -> tuple[list[tuple[list[float], int]], float]:
    """Every clerk's loop at once; with the time until the last answer came (the last move may end late)."""
    started = time.monotonic()
    results = await asyncio.gather(*(_clerk(base, email, tasks, started + seconds) for email, tasks in work.items()))
    return list(results), time.monotonic() - started


def _runs_of_progress(prefect_api: str) -> int:
    """Flow runs of the report-progress step that Prefect holds."""
    body = {"flow_runs": {"tags": {"all_": ["step:report-progress"]}}}
    return int(httpx.post(f"{prefect_api}/flow_runs/count", json=body, timeout=30).json())


def moves_under_load(database_url: str, work: dict[str, list[tuple[str, str]]], seconds: float) -> dict[str, Any]:
    """Start the service on the database, let every clerk move for `seconds`, and account for each move."""
    database = Database(database_url)
    with database.transaction() as session:
        for email in work:
            set_password(session, email=email, password=PASSWORD, now=datetime.now(UTC))
    try:
        with running_service("planflow-bench-load-", PLANFLOW_DATABASE_URL=database_url) as (home, env):
            prefect_api = json.loads((home / "service.json").read_text())["prefect_api_url"]
            base = f"http://127.0.0.1:{env['PLANFLOW_PORTAL_PORT']}"
            before = cpu_seconds_by_process(home)
            result = _moves_accounted(database, prefect_api, base, work, seconds)
            spent = {role: used - before.get(role, 0.0) for role, used in cpu_seconds_by_process(home).items()}
            moved = max(result["moves"], 1)
            result["cpu_ms_per_move"] = {role: round(1000 * used / moved, 1) for role, used in sorted(spent.items())}
            return result
    finally:
        database.dispose()


def _role(command: str) -> str:
    """Which of the service's processes a command line is."""
    if "prefect server start" in command or "prefect.server" in command:
        return "prefect_server"
    return "portal_api" if " api " in f"{command} " else "planflow_serve"


def cpu_seconds_by_process(home: Path) -> dict[str, float]:
    """CPU seconds used so far by the service's processes on `home` (portal and API, Prefect server, `serve`
    itself) and by every PostgreSQL backend of the machine: where a move's time goes when clerks queue."""
    used: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    marker = f"PLANFLOW_HOME={home}".encode()
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if command.startswith("postgres"):
                role = "postgresql"
            elif marker in (folder / "environ").read_bytes().split(b"\0"):
                role = _role(command)
            else:
                continue
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        used[role] = used.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def _progress_audited(database: Database) -> int:
    """Progress reports in the audit log."""
    with database.session() as session:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "task.submit_progress")
        return session.scalar(query) or 0


def _unrecorded(database: Database) -> int:
    """Moves not yet shown in Prefect (the recorder's backlog)."""
    with database.session() as session:
        return unrecorded_count(session)


def _seconds_until_recorded(database: Database, limit: float = 600.0) -> float | None:
    """How long after the last answer every move was in Prefect (None: not within `limit`)."""
    started = time.monotonic()
    while _unrecorded(database):
        if time.monotonic() - started > limit:
            return None
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def _moves_accounted(
    database: Database, prefect_api: str, base: str, work: dict[str, list[tuple[str, str]]], seconds: float
) -> dict[str, Any]:
    """Every clerk moves through the running service; the answered moves are then looked for in the audit log
    and among Prefect's runs."""
    _seconds_until_recorded(database)  # moves an earlier step left unshown are not this step's
    runs_before, audited_before = _runs_of_progress(prefect_api), _progress_audited(database)
    results, elapsed = asyncio.run(_all_clerks(base, work, seconds))
    behind = _unrecorded(database)
    drained = _seconds_until_recorded(database)
    latencies = [latency for clerk, _errors in results for latency in clerk]
    errors = sum(errors for _latencies, errors in results)
    moved = len(latencies) - errors
    return {
        "clerks": len(work),
        "seconds": round(elapsed, 1),
        "moves": moved,
        "per_second": round(moved / elapsed, 2),
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * (_percentile(latencies, 0.95) or 0), 1) if latencies else None,
        "errors": errors,
        "runs_waiting_at_end": behind,
        "runs_recorded_within_s": drained,
        "audited_once": _progress_audited(database) - audited_before == moved,
        "prefect_runs_once": _runs_of_progress(prefect_api) - runs_before == moved,
    }
