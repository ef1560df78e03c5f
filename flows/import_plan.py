"""Import a plan: read the file, store its tasks, report what the "6 rõ" rule finds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from runtime.prefect_run import label_current_run
from tasks.plans import check_six_clear, read_plan_file, store_plan


def _run_name() -> str:
    parameters = flow_run.parameters
    return f"import {parameters.get('code') or Path(str(parameters['source'])).name}"


@flow(name="import-plan", flow_run_name=_run_name, log_prints=False)
def import_plan(
    source: str,
    code: str | None = None,
    actor: str = "planflow",
    columns: str | None = None,
    organization: str | None = None,
) -> dict[str, Any]:
    """Bring a plan file (Word, PDF, Excel, web page, Markdown, text or YAML) into the database."""
    logger = get_run_logger()
    document = read_plan_file(source, code, columns, organization)
    label_current_run(f"import {document.code}", [f"plan:{document.code}", "step:import"])
    result = store_plan(document, actor)
    findings = check_six_clear(document)
    logger.info(
        "Plan %s: %d tasks (%d new, %d updated, %d removed), %d indicators, %d '6 rõ' findings",
        result.code,
        result.tasks,
        result.tasks_added,
        result.tasks_updated,
        result.tasks_removed,
        result.indicators,
        len(findings),
    )
    return {**result.to_dict(), "six_clear_findings": len(findings)}
