"""The sample plan and directory that `planflow serve`, the demo and the benchmark start from."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "planflow"
SEED_PLAN = PACKAGE / "plans" / "vinh-tuy-2026.yaml"
SEED_DIRECTORY = PACKAGE / "orgs" / "dang-uy-phuong-vinh-tuy.yaml"
