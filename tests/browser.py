"""Debian's Chromium driven by Playwright, headless, for the browser checks; screenshots in $PLANFLOW_SCREENSHOTS."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("PLANFLOW_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))


def need_browser() -> None:
    """Skip where no browser can be had; on CI, where .ci/run installs one, fail instead."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = "Chromium is not installed (Debian package 'chromium')"
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "the Python package 'playwright' is not installed"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the browser check: {missing}")
        pytest.skip(missing)
