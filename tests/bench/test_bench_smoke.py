"""The benchmark runs end to end on small data and reports every figure (targets are read from its output,
not asserted here: timings belong in the benchmark, not in tests)."""

from __future__ import annotations

import pytest

from bench.run import run
from runtime.environment import reset_runtime


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_bench_run_reports_every_step(kind: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    if kind == "postgresql":
        from tests.conftest import _postgres_problem

        problem = _postgres_problem()
        if problem:
            pytest.skip(problem)
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", "set-by-the-benchmark")
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path))
    try:
        result = run(
            wards=20,
            kind=kind,
            flow_runs=2,
            moves=20,
            clerks=3,
            load_seconds=3 if kind == "postgresql" else 0,
            batch=3,
        )
    finally:
        reset_runtime()
    steps = {step["name"]: step for step in result["steps"]}
    assert result["tasks"] == 20 * 58
    assert set(steps) >= {
        "generate",
        "sweep (cold)",
        "sweep (repeat: nothing new)",
        "sweep floor (plain SQL)",
        "report ward",
        "report national",
        "transitions (domain)",
        "transitions (Prefect flow runs)",
        "transitions (HTTP API)",
    }
    assert steps["sweep (cold)"]["detail"]["notifications"] > 0
    assert steps["sweep (repeat: nothing new)"]["detail"]["notifications"] == 0
    assert steps["report national"]["detail"]["tasks"] == 20 * 58  # the imported plan belongs to its own organization
    assert steps["transitions (domain)"]["detail"]["moves"] == 20
    assert steps["transitions (HTTP API)"]["detail"]["moves"] == 2
    assert steps["transitions (HTTP API)"]["detail"]["runs_recorded_within_s"] is not None  # shown in Prefect
    assert all(step["peak_mb"] > 0 for step in result["steps"])
    assert set(result["ratios"]) == {
        "sweep_vs_floor",
        "report_ward_vs_floor",
        "report_province_vs_floor",
        "report_national_vs_floor",
        "report_ward_vs_group_by",
        "report_province_vs_group_by",
        "report_national_vs_group_by",
    }
    assert all(result["ratios"][f"report_{scope}_vs_group_by"] for scope in ("ward", "province", "national"))
    if kind == "postgresql":  # the report's floor is PostgreSQL's SQL
        assert all(result["ratios"][f"report_{scope}_vs_floor"] for scope in ("ward", "province", "national"))
        assert steps["report ward floor (plain SQL)"]["detail"]["tasks"] == 58
    else:
        assert result["ratios"]["report_ward_vs_floor"] is None
    assert {"report ward files (Word, Excel, HTML)", "report national files (Word, Excel, HTML)"} <= set(steps)
    targets = result["targets"]
    assert {"sweep (cold)", "report national (size)", "report batch"} <= set(targets)
    assert all(judged["met"] in (True, False, None) and judged["target"] for judged in targets.values())
    assert targets["report national (size)"]["met"] is None  # 20 wards say nothing of the nation
    assert targets["report batch"]["met"] is None  # 3 reports say nothing of 3,300
    batch = steps["report batch (every ward's quarterly report)"]["detail"]
    assert (batch["organizations"], batch["compiled"], batch["failed"]) == (3, 3, 0)
    if kind == "postgresql":  # clerks moving at once against the running service: each move accounted for once
        load = steps["moves under load (3 clerks, 3 s)"]["detail"]
        assert load["errors"] == 0 and load["moves"] > 0
        assert load["audited_once"] and load["prefect_runs_once"]
        assert set(load["cpu_ms_per_move"]) >= {"portal_api", "prefect_server", "postgresql"}
        assert load["cpu_ms_per_move"]["portal_api"] > 0 and load["cpu_ms_per_move"]["prefect_server"] > 0
