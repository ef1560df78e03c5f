"""Every ward's quarterly report as the schedule compiles it: the compile-period-reports flow (one mapped task per
organization, Prefect's thread pool of PLANFLOW_REPORT_WORKERS) over the benchmark's wards, writing Word, Excel and
HTML for each into a scratch home that is removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from typing import Any

from models.db import Database
from models.reporting.store import organizations_with_plans


def use_database(database_url: str) -> None:
    """Point planflow's own settings (read by flows and the API) at the benchmark database."""
    os.environ["PLANFLOW_DATABASE_URL"] = database_url
    from runtime.environment import configure_prefect_environment, reset_runtime

    reset_runtime()
    configure_prefect_environment()


def report_batch(database_url: str, limit: int | None) -> dict[str, Any]:
    """Compile the 2026-Q2 report of every organization with a plan (or the first `limit`); reports per minute."""
    database = Database(database_url)
    with database.session() as session:
        codes = organizations_with_plans(session)[:limit]
    database.dispose()
    home, earlier_home = tempfile.mkdtemp(prefix="planflow-bench-batch-"), os.environ.get("PLANFLOW_HOME")
    os.environ["PLANFLOW_HOME"] = home  # thousands of report files: not in the user's own home
    try:
        use_database(database_url)
        from flows.report_batch import compile_period_reports, task_runner
        from runtime.prefect_run import run_flow
        from runtime.settings import get_settings

        workers = get_settings().report_workers
        batch = compile_period_reports.with_options(task_runner=task_runner(workers))
        started = time.perf_counter()
        result = run_flow(batch, period="2026-Q2", organizations=codes)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if earlier_home is None:
            os.environ.pop("PLANFLOW_HOME", None)
        else:
            os.environ["PLANFLOW_HOME"] = earlier_home
    return {
        "organizations": len(codes),
        "compiled": result["compiled"],
        "failed": result["failed"],
        "workers": workers,
        "per_minute": round(60 * result["compiled"] / seconds, 1) if seconds else None,
    }
