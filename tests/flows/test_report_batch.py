"""Every organization's report for a period, in parallel and resumable: the compile process killed half way and
run again leaves every organization exactly one report; the same batch runs on a two-worker Dask cluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.generate import generate
from models.db import Database
from models.reporting.figures import StoredReport
from runtime.environment import reset_runtime
from tests.paths import ROOT
from tests.seeding import seed

pytestmark = pytest.mark.prefect
PERIOD = "2026-Q2"


@pytest.fixture
def postgres_env(postgres_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """planflow's settings on a PostgreSQL database (the batch's processes share it), the Prefect API in the
    environment so that processes started from here (the CLI, Dask's workers) find it too."""
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PLANFLOW_DATABASE_URL", postgres_database.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    reset_runtime()
    yield postgres_database
    reset_runtime()


def _reports_per_organization(database: Database) -> dict[int, int]:
    with database.session() as session:
        query = select(StoredReport.organization_id, func.count()).group_by(StoredReport.organization_id)
        return dict(session.execute(query).tuples().all())


def test_a_batch_killed_half_way_and_run_again_gives_each_organization_one_report(
    prefect_harness: None, postgres_env: Database
) -> None:
    from flows.report_batch import run_period_reports

    generate(postgres_env, wards=10)
    command = [sys.executable, "-m", "planflow.cli", "report", "compile-all", "--period", PERIOD, "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while sum(_reports_per_organization(postgres_env).values()) < 2:
            assert process.poll() is None and time.monotonic() < deadline, "the batch stopped before two reports"
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # a crash: no clean-up, whatever it was doing
        process.wait(timeout=30)
    before = _reports_per_organization(postgres_env)
    assert 2 <= sum(before.values()) < 10, "killed half way"

    result = run_period_reports(PERIOD, workers=2)

    after = _reports_per_organization(postgres_env)
    assert len(after) == 10 and set(after.values()) == {1}  # every ward, exactly once
    assert result["skipped"] == len(before) and result["compiled"] == 10 - len(before) and result["failed"] == 0
    again = run_period_reports(PERIOD, workers=2)
    assert again["compiled"] == 0 and again["skipped"] == 10 and _reports_per_organization(postgres_env) == after


def test_the_batch_runs_on_a_two_worker_dask_cluster(prefect_harness: None, postgres_env: Database) -> None:
    from prefect_dask import DaskTaskRunner

    from flows.report_batch import compile_period_reports

    seed(postgres_env)
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True})
    result = compile_period_reports.with_options(task_runner=runner)(period=PERIOD)
    assert result["compiled"] == 2 and result["failed"] == 0
    assert (
        set(_reports_per_organization(postgres_env).values()) == {1}
        and len(_reports_per_organization(postgres_env)) == 2
    )


def test_the_scheduled_compilation_runs_the_batch_for_the_quarter_just_ended(
    prefect_harness: None, postgres_env: Database
) -> None:
    from datetime import UTC, datetime

    from flows.reports import compile_due_reports
    from models.calendar.days import local_date
    from models.calendar.period import last_complete_period

    seed(postgres_env)
    result = compile_due_reports(kind="quarter", organization="dang-uy-phuong-vinh-tuy")
    assert result["period"] == last_complete_period(local_date(datetime.now(UTC)), "quarter").key
    assert (result["organizations"], result["compiled"], result["failed"]) == (1, 1, 0)
    assert compile_due_reports(kind="quarter", organization="dang-uy-phuong-vinh-tuy")["skipped"] == 1
