"""Where the tests find the seed plans and the canonical plan files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PLANS = ROOT / "planflow" / "plans"
ORGS = ROOT / "planflow" / "orgs"
