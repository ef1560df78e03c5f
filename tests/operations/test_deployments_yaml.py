"""The production recipe's deployments are the ones `planflow serve` runs: deployments/prefect.yaml is exactly
what `planflow deployments yaml` generates from the catalog, and every task step is in it."""

from __future__ import annotations

import yaml

from deployments.catalog import prefect_yaml, specs
from flows.lifecycle import STEP_FLOWS
from tests.paths import ROOT


def test_the_recipe_file_is_the_generated_one() -> None:
    assert (ROOT / "deployments" / "prefect.yaml").read_text(encoding="utf-8") == prefect_yaml()


def test_every_task_step_can_be_run_from_the_work_pool() -> None:
    recipe = yaml.safe_load(prefect_yaml())
    entrypoints = {d["entrypoint"] for d in recipe["deployments"]}
    for flow in STEP_FLOWS.values():
        assert f"flows/lifecycle.py:{flow.fn.__name__}" in entrypoints
    assert len(recipe["deployments"]) == len(specs()) >= 22
    assert all((ROOT / d["entrypoint"].split(":")[0]).is_file() for d in recipe["deployments"])
