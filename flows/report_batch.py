"""Every organization's report for a period, compiled in parallel and resumable: one Prefect task per
organization (mapped, at most `workers` at once on Prefect's thread pool, or spread over a Dask cluster when
`PLANFLOW_DASK_ADDRESS` names one), the database as the record (an organization that already has its report for
the period is skipped), progress as an artifact on the run."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, unmapped
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.futures import as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from runtime.prefect_run import label_current_run
from runtime.settings import get_settings
from tasks.reports import compile_organization_report, reports_to_compile


def task_runner(workers: int) -> TaskRunner[Any]:
    """Prefect's thread pool of `workers`, or the Dask cluster at PLANFLOW_DASK_ADDRESS when one is configured."""
    address = get_settings().dask_address
    if address:
        from prefect_dask.task_runners import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=workers)


@flow(name="compile-period-reports", flow_run_name="reports {period}")
def compile_period_reports(
    period: str, organizations: list[str] | None = None, recompile: bool = False
) -> dict[str, Any]:
    """Compile the period's report of every organization with a plan (or those named) that has none yet."""
    label_current_run(f"reports {period}", [f"period:{period}", "step:report"])
    codes, done = reports_to_compile(period, organizations, recompile)
    todo = [code for code in codes if code not in done]
    logger = get_run_logger()
    logger.info("%s: %d organizations, %d already compiled, %d to compile", period, len(codes), len(done), len(todo))
    description = f"Báo cáo {period}: đã tổng hợp / cần tổng hợp"
    progress = cast(UUID, create_progress_artifact(0.0, description=description))  # a sync flow: the id itself
    compiled: list[dict[str, Any]] = []
    failed: dict[str, str] = {}
    futures = compile_organization_report.map(todo, period=unmapped(period))
    organization_of = {future.task_run_id: code for future, code in zip(futures, todo, strict=True)}
    for finished, future in enumerate(as_completed(futures), start=1):
        try:
            compiled.append(future.result())
        except Exception as error:  # one organization's failure is reported; the others go on
            failed[organization_of[future.task_run_id]] = str(error)
        update_progress_artifact(progress, 100.0 * finished / max(len(todo), 1))
    if failed:
        logger.error("%d reports failed: %s", len(failed), "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:5]))
    return {
        "period": period,
        "organizations": len(codes),
        "skipped": len(done & set(codes)),
        "compiled": len(compiled),
        "failed": len(failed),
    }


def run_period_reports(
    period: str, *, workers: int, organizations: list[str] | None = None, recompile: bool = False
) -> dict[str, Any]:
    """The batch on the configured task runner (threads, or Dask when configured)."""
    runner = compile_period_reports.with_options(task_runner=task_runner(workers))
    result: dict[str, Any] = runner(period=period, organizations=organizations, recompile=recompile)
    return result
