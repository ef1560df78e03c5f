"""Each benchmark figure judged against its target, in the JSON itself: what was asked, what was measured, and
whether it was met (None where the run did not measure it at the scale the target names)."""

from __future__ import annotations

from typing import Any

NATIONAL_WARDS = 3300
BATCH_MINUTES, BATCH_MB = 20, 500


def _judged(target: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met}


def targets(steps: dict[str, Any], ratios: dict[str, float | None], wards: int) -> dict[str, dict[str, Any]]:
    """The targets of the steps this run measured (`steps` by name, each with seconds, peak_mb and detail)."""
    judged: dict[str, dict[str, Any]] = {}
    cold, repeat = steps["sweep (cold)"], steps["sweep (repeat: nothing new)"]
    sweep_ratio = ratios["sweep_vs_floor"]
    judged["sweep (cold)"] = _judged(
        "< 5 s and ≤ 3× its floor",
        f"{cold['seconds']} s, {sweep_ratio}× the floor",
        cold["seconds"] < 5 and sweep_ratio is not None and sweep_ratio <= 3,
    )
    judged["sweep (repeat: nothing new)"] = _judged("< 0.5 s", f"{repeat['seconds']} s", repeat["seconds"] < 0.5)
    for scope in ("ward", "province", "national"):
        ratio, group_by = ratios[f"report_{scope}_vs_floor"], ratios[f"report_{scope}_vs_group_by"]
        judged[f"report {scope}"] = _judged(
            "figures ≤ 3× the floor (the same figures by plain SQL)",
            f"{ratio}× the floor ({group_by}× a GROUP BY of stored status)",
            ratio is not None and ratio <= 3,
        )
    national = steps["report national"]
    judged["report national (size)"] = _judged(
        f"< 5 s and < 300 MB at {NATIONAL_WARDS:,} wards",
        f"{national['seconds']} s, {national['peak_mb']} MB at {wards:,} wards",
        national["seconds"] < 5 and national["peak_mb"] < 300 if wards >= NATIONAL_WARDS else None,
    )
    load = next((step for name, step in steps.items() if name.startswith("moves under load")), None)
    if load is not None:
        detail = load["detail"]
        judged["moves under load"] = _judged(
            "p50 < 250 ms, p95 < 600 ms, no error, each move audited and run once",
            f"p50 {detail['p50_ms']} ms, p95 {detail['p95_ms']} ms, {detail['errors']} errors",
            bool(
                detail["p50_ms"] is not None
                and detail["p50_ms"] < 250
                and detail["p95_ms"] < 600
                and detail["errors"] == 0
                and detail["audited_once"]
                and detail["prefect_runs_once"]
            ),
        )
    batch = steps.get("report batch (every ward's quarterly report)")
    if batch is not None:
        detail, whole = batch["detail"], batch["detail"]["organizations"] >= NATIONAL_WARDS
        judged["report batch"] = _judged(
            f"{NATIONAL_WARDS:,} wards' reports in < {BATCH_MINUTES} min, < {BATCH_MB} MB",
            f"{detail['compiled']} reports in {batch['seconds']} s ({detail['per_minute']} a minute), "
            f"{batch['peak_mb']} MB",
            batch["seconds"] < 60 * BATCH_MINUTES and batch["peak_mb"] < BATCH_MB if whole else None,
        )
    return judged
