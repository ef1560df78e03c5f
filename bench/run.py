"""`planflow bench run`: every figure measured in one run on the same generated data.

Steps: generate, import a plan, the escalation sweep (cold, repeat) and its plain-SQL floor,
report compilation (a ward, a province, the nation) and the floor of its counts, lifecycle
transitions through the domain layer and through Prefect flow runs. Peak memory of each
step is the process's resident high-water mark (VmHWM), reset before the step.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bench.batch import report_batch, use_database
from bench.cli_step import cli_step_with_service
from bench.fresh import in_fresh_process, reset_peak, rss_peak_mb
from bench.generate import generate
from bench.load import moves_under_load
from bench.plan_files import read_large_plans
from bench.report_floor import report_floor
from bench.sweep_floor import sweep_floor
from bench.targets import targets
from documents.reader import read_plan
from documents.report_docx import ReportLayout
from documents.report_files import charts, write_report_files
from models.calendar.period import parse_period
from models.db import Database
from models.escalation.sweep import sweep
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from models.org.tables import Agency
from models.plan.store import save_plan
from models.plan.tables import Plan, PlanTask
from models.reporting.figures import compile_figures
from runtime.prefect_database import sibling_database_name
from runtime.samples import SEED_PLAN

SWEEP_DAY = date(2026, 6, 22)
SWEEP_AT = datetime(2026, 6, 22, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
REPORT_PERIOD = "2026-Q2"  # the period the timed reports and their floors compile
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Step:
    """One measured step."""

    name: str
    seconds: float
    peak_mb: float
    detail: dict[str, Any] = field(default_factory=dict)


def measure(name: str, action: Callable[[], Any], steps: list[Step]) -> Any:
    """Run one step, recording its wall time and peak memory."""
    reset_peak()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    steps.append(Step(name, round(seconds, 3), round(rss_peak_mb(), 1), result if isinstance(result, dict) else {}))
    return result


def measure_fresh(
    name: str,
    function: Callable[..., tuple[dict[str, Any], Any]],
    steps: list[Step],
    *args: Any,
    warm_up: Callable[..., Any] | None = None,
) -> Any:
    """Run one step in a new process (see bench/fresh.py), recording its detail; returns what else it gave."""
    seconds, peak_mb, (detail, value) = in_fresh_process(function, *args, warm_up=warm_up)
    steps.append(Step(name, round(seconds, 3), round(peak_mb, 1), detail))
    return value


@contextmanager
def bench_database(kind: str) -> Iterator[str]:
    """A new database for the run (PostgreSQL: created and dropped; SQLite: a temporary file)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    admin = os.environ.get("PLANFLOW_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    name = f"planflow_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            for database in (name, sibling_database_name(name)):  # and Prefect's, made by the load step
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def status_group_by(database: Database, organization_ids: list[int]) -> dict[str, Any]:
    """The report's first floor, kept for comparison: one GROUP BY of the tasks' stored status and lateness (it
    reads no deadline history and names no task, so it does a small part of a report's work)."""
    ids = ", ".join(str(i) for i in organization_ids)
    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT t.status, t.due_date < :as_of, t.deadline_kind, count(*) FROM plan_tasks t "
                f"JOIN plans p ON t.plan_id = p.id WHERE p.organization_id IN ({ids}) GROUP BY 1, 2, 3"
            ),
            {"as_of": TODAY},
        ).all()
    return {"groups": len(rows)}


def _organizations(database: Database) -> dict[str, Any]:
    with database.engine.connect() as connection:
        wards = [
            r[0] for r in connection.execute(text("SELECT id FROM organizations WHERE level = 'ward' ORDER BY id"))
        ]
        province = connection.execute(
            text("SELECT code, id FROM organizations WHERE level = 'province' ORDER BY id LIMIT 1")
        ).one()
        province_wards = [
            r[0]
            for r in connection.execute(text("SELECT id FROM organizations WHERE parent_id = :p"), {"p": province[1]})
        ]
        everything = [r[0] for r in connection.execute(text("SELECT id FROM organizations"))]
        ward_code = connection.execute(text("SELECT code FROM organizations WHERE id = :i"), {"i": wards[0]}).scalar()
    return {
        "ward": (ward_code, wards[:1]),
        "province": (province[0], province_wards),
        "national": ("bench-trung-uong", everything),
    }


@cache
def _worker_database(database_url: str) -> Database:
    """The database of a report's process, opened once as a worker's is (runtime.environment.get_database): the
    schema check, the engine's pool and its cache of compiled SQL are the warm-up's, not the timed report's."""
    return Database(database_url)


def _compile(database_url: str, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A report's figures as the compile-report flow makes them (with its trend of three earlier quarters), in
    a process of its own after its warm-up: the figures' detail and the figures."""
    database = _worker_database(database_url)
    with database.session() as session:
        figures = compile_figures(
            session, organization_code=code, period=parse_period(REPORT_PERIOD), today=TODAY, history=3
        )
    # not disposed: the timed report reuses the warm-up's connection, as the floor reuses the benchmark's (the
    # process's end closes it)
    detail = {"tasks": sum(figures.totals.values()), "overdue": figures.totals["overdue"], "rollup": figures.rollup}
    return detail, figures.to_dict()


def _warm_up(database_url: str, code: str) -> None:
    """The same report once, untimed, as its floor is run once untimed before it is timed: what a worker pays
    for its first report of a kind (the connection, SQL compiled for the first time) is not the report's, and
    both read the same data from PostgreSQL's cache."""
    _compile(database_url, code)


def _report_files(figures: dict[str, Any]) -> dict[str, Any]:
    """Word, Excel and HTML with their charts, written from the figures (timed apart from them)."""
    layout = ReportLayout(
        number="01-BC/ĐU",
        place="Hà Nội",
        issued_on=TODAY,
        signer_name="Bench",
        charts=charts(figures, figures["history"]),
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = write_report_files(figures, layout, Path(folder))
        return {"files": len(paths), "kilobytes": sum(p.stat().st_size for p in paths) // 1024}


def _report_batch(database_url: str, limit: int | None) -> tuple[dict[str, Any], None]:
    """The batch in a process of its own, as a scheduled run has: its peak is the batch's, not what the
    benchmark's earlier steps left (the Prefect server it starts is a process apart, as `planflow serve`'s is)."""
    return report_batch(database_url, limit), None


def _transitions(database: Database, count: int) -> dict[str, Any]:
    """Acknowledge-and-submit moves through the domain layer, each in its own transaction."""
    tasks = _office_tasks(database, count)
    started = time.perf_counter()
    for plan_code, number in tasks:
        ward = plan_code.split("-")[1].lstrip("0")
        with database.transaction() as session:
            apply_move(
                session,
                MoveRequest(
                    plan_code,
                    number,
                    Action.SUBMIT_PROGRESS,
                    f"chanhvp.{ward}@bench.example",
                    {"period": "2026-Q2", "text": "tiến độ"},
                ),
                now=datetime.now(UTC),
            )
    seconds = time.perf_counter() - started
    return {"moves": len(tasks), "per_second": round(len(tasks) / seconds, 1) if seconds else None}


def _flow_transitions(database_url: str, count: int) -> dict[str, Any]:
    """The same move through Prefect flow runs (ephemeral API, heartbeat off), start-up excluded."""
    use_database(database_url)
    from flows.lifecycle import submit_progress
    from runtime.prefect_run import run_flow

    database = Database(database_url)
    tasks = _office_tasks(database, count + 1)
    first, rest = tasks[0], tasks[1:]
    run_flow(submit_progress, plan=first[0], task=first[1], actor=_clerk(first[0]), period="2026-Q2", text="tiến độ")
    started = time.perf_counter()
    for plan_code, number in rest:
        run_flow(
            submit_progress, plan=plan_code, task=number, actor=_clerk(plan_code), period="2026-Q2", text="tiến độ"
        )
    seconds = time.perf_counter() - started
    database.dispose()
    return {"runs": len(rest), "per_second": round(len(rest) / seconds, 2) if seconds else None}


def _api_transitions(database_url: str, count: int) -> dict[str, Any]:
    """The same move asked over HTTP (in-process ASGI client), and `GET /api/tasks`, log-ins excluded: what an
    agency's clerk waits for in the portal; then how long until the recorder had shown every move in Prefect."""
    use_database(database_url)
    from fastapi.testclient import TestClient

    from api.app import app
    from models.accounts.login import set_password
    from runtime.run_recorder import get_recorder, stop_recorder

    database = Database(database_url)
    tasks = _office_tasks(database, count + 1)
    clerks = {_clerk(plan_code) for plan_code, _ in tasks}
    with database.transaction() as session:
        for clerk in clerks:
            set_password(session, email=clerk, password="bench-password", now=datetime.now(UTC))
    client = TestClient(app)
    tokens: dict[str, dict[str, str]] = {}
    for clerk in clerks:
        token = client.post("/api/login", json={"email": clerk, "password": "bench-password"}).json()["token"]
        tokens[clerk] = {"Authorization": f"Bearer {token}"}
    body = {"action": "submit_progress", "payload": {"period": "2026-Q2", "text": "tiến độ"}}
    first, rest = tasks[0], tasks[1:]
    client.post(f"/api/tasks/{first[0]}/{first[1]}/moves", json=body, headers=tokens[_clerk(first[0])])
    started = time.perf_counter()
    for plan_code, number in rest:
        answer = client.post(f"/api/tasks/{plan_code}/{number}/moves", json=body, headers=tokens[_clerk(plan_code)])
        assert answer.status_code == 200, answer.text
    moves_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for plan_code, _ in rest:
        assert client.get("/api/tasks", headers=tokens[_clerk(plan_code)]).status_code == 200
    list_seconds = time.perf_counter() - started
    started = time.perf_counter()
    recorded = get_recorder().wait_until_recorded(300)  # every move in Prefect before the next step counts runs
    recording_seconds = time.perf_counter() - started
    stop_recorder()
    database.dispose()
    return {
        "moves": len(rest),
        "per_second": round(len(rest) / moves_seconds, 2) if moves_seconds else None,
        "list_my_tasks_ms": round(1000 * list_seconds / len(rest), 1) if rest else None,
        "runs_recorded_within_s": round(recording_seconds, 1) if recorded else None,
    }


def _office_tasks(database: Database, count: int) -> list[Any]:
    """Open tasks led by the Văn phòng (whose chief acts in the benchmark), one per ward first."""
    with database.session() as session:
        return list(
            session.execute(
                select(Plan.code, PlanTask.number)
                .join(Plan, PlanTask.plan_id == Plan.id)
                .join(Agency, PlanTask.lead_agency_id == Agency.id)
                .where(
                    PlanTask.status == "acknowledged", Agency.name_key == "văn phòng đảng ủy", Plan.code.like("bench-%")
                )
                .order_by(PlanTask.id)
                .limit(count)
            ).all()
        )


def _clerks_work(database_url: str, clerks: int) -> dict[str, list[tuple[str, str]]]:
    """Each of `clerks` wards' Văn phòng chief with up to ten of the tasks their unit leads (no two share one)."""
    database = Database(database_url)
    work: dict[str, list[tuple[str, str]]] = {}
    for plan_code, number in _office_tasks(database, 20 * clerks):
        clerk = _clerk(plan_code)
        if clerk in work or len(work) < clerks:
            work.setdefault(clerk, [])
            if len(work[clerk]) < 10:
                work[clerk].append((plan_code, number))
    database.dispose()
    return work


def _clerk(plan_code: str) -> str:
    return f"chanhvp.{plan_code.split('-')[1].lstrip('0')}@bench.example"


def _import(database: Database) -> dict[str, Any]:
    document = read_plan(SEED_PLAN)
    document.code = "bench-import-2026"
    with database.transaction() as session:
        result = save_plan(session, document=document, actor="bench", now=datetime.now(UTC))
    return {"tasks": result.tasks}


def run(
    *,
    wards: int,
    kind: str,
    flow_runs: int = 10,
    moves: int = 300,
    clerks: int = 10,
    load_seconds: float = 60,
    batch: int | None = None,
) -> dict[str, Any]:
    """Every step on one generated database; the result is the JSON of `planflow bench run --json`."""
    steps: list[Step] = []
    with bench_database(kind) as url:
        database = Database(url)
        generated = measure("generate", lambda: generate(database, wards=wards).to_dict(), steps)
        measure("import a plan (58 tasks)", lambda: _import(database), steps)
        measure("read a 150-task plan (Word, then PDF)", read_large_plans, steps)
        measure("CLI task step with the service running (median of 5)", cli_step_with_service, steps)

        def one_sweep() -> dict[str, Any]:
            with database.transaction() as session:
                return sweep(session, as_of=SWEEP_DAY, now=SWEEP_AT).to_dict()

        measure("sweep (cold)", one_sweep, steps)
        measure("sweep floor (plain SQL)", lambda: sweep_floor(database, SWEEP_AT), steps)  # the rows it wrote
        measure("sweep (repeat: nothing new)", one_sweep, steps)
        organizations = _organizations(database)
        for scope in ("ward", "province", "national"):
            code, ids = organizations[scope]
            figures = measure_fresh(f"report {scope}", _compile, steps, url, code, warm_up=_warm_up)
            if kind == "postgresql":  # the floor's SQL is PostgreSQL's (LATERAL, arrays, ON COMMIT DROP)
                floor = partial(report_floor, database, ids, parse_period(REPORT_PERIOD), TODAY)
                floor()  # untimed, as the report's own warm-up
                measure(f"report {scope} floor (plain SQL)", floor, steps)
            measure(f"report {scope} GROUP BY of stored status", partial(status_group_by, database, ids), steps)
            measure(f"report {scope} files (Word, Excel, HTML)", partial(_report_files, figures), steps)
        measure("transitions (domain)", lambda: _transitions(database, moves), steps)
        database.dispose()
        measure("transitions (Prefect flow runs)", lambda: _flow_transitions(url, flow_runs), steps)
        measure("transitions (HTTP API)", lambda: _api_transitions(url, flow_runs), steps)
        if batch != 0:
            measure_fresh("report batch (every ward's quarterly report)", _report_batch, steps, url, batch)
        if load_seconds:
            work = _clerks_work(url, clerks)
            measure(
                f"moves under load ({len(work)} clerks, {load_seconds:g} s)",
                lambda: moves_under_load(url, work, load_seconds),
                steps,
            )
    by_name = {s.name: s for s in steps}

    def ratio(step: str, floor: str) -> float | None:
        return _ratio(by_name[step], by_name[floor]) if floor in by_name else None

    ratios = {
        "sweep_vs_floor": ratio("sweep (cold)", "sweep floor (plain SQL)"),
        **{
            f"report_{scope}_vs_floor": ratio(f"report {scope}", f"report {scope} floor (plain SQL)")
            for scope in ("ward", "province", "national")
        },
        **{
            f"report_{scope}_vs_group_by": ratio(f"report {scope}", f"report {scope} GROUP BY of stored status")
            for scope in ("ward", "province", "national")
        },
    }
    return {
        "database": kind,
        "wards": wards,
        "tasks": generated["tasks"],
        "steps": [s.__dict__ for s in steps],
        "ratios": ratios,
        "targets": targets({s.name: s.__dict__ for s in steps}, ratios, wards),
        "peak_mb": max(s.peak_mb for s in steps),
    }


def _ratio(step: Step, floor: Step) -> float | None:
    return round(step.seconds / floor.seconds, 1) if floor.seconds else None
