"""The Prefect UI in a real browser (Debian's Chromium, headless, driven by Playwright).

Starts `planflow serve` on a fresh home, finds the planflow deployments, triggers a review
cycle with Run → Quick run, and sees its flow run complete with its artifact. Screenshots
go to $PLANFLOW_SCREENSHOTS (default: test-artifacts/screenshots).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser import CHROMIUM, FLAGS, SHOTS, need_browser
from tests.notifications.conftest import free_port
from tests.paths import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    need_browser()
    port = free_port()
    env = {
        **os.environ,
        "PLANFLOW_HOME": str(tmp_path / "home"),
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    env.pop("PLANFLOW_DATABASE_URL", None)
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "planflow.cli", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ui = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                deployments = httpx.post(f"{ui}/api/deployments/filter", json={}, timeout=2).json()
                if len(deployments) >= 20:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else "serve stopped"
            time.sleep(1)
        yield ui
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_secretariat_runs_a_review_cycle_from_the_ui(service: str) -> None:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    deployment = httpx.get(f"{service}/api/deployments/name/review-cycle/on-demand", timeout=10).json()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{service}/deployments")
        page.get_by_text("escalation-sweep").first.wait_for(timeout=30000)
        listing = page.inner_text("body")
        for name in ("escalation-sweep", "deliver-notifications", "review-cycle", "compile-report", "import-plan"):
            assert name in listing, name
        assert "At 07:00 AM every day" in listing  # the daily sweep's schedule is active
        page.screenshot(path=str(SHOTS / "deployments.png"))

        page.goto(f"{service}/deployments/deployment/{deployment['id']}")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Quick run").first.click()
        run = _wait_for_run(service, deployment["id"])
        assert run["state_type"] == "COMPLETED", run
        page.goto(f"{service}/runs/flow-run/{run['id']}")
        page.get_by_text("Completed").first.wait_for(timeout=30000)
        page.get_by_role("tab", name="Artifacts").click() if page.get_by_role(
            "tab", name="Artifacts"
        ).count() else page.get_by_text("Artifacts", exact=True).first.click()
        page.get_by_text("review-cycle-dang-uy-phuong-vinh-tuy").first.wait_for(timeout=30000)
        page.screenshot(path=str(SHOTS / "review-cycle-run.png"))
        browser.close()
    assert run["name"].startswith("review cycle dang-uy-phuong-vinh-tuy")


def _wait_for_run(service: str, deployment_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = httpx.post(
            f"{service}/api/flow_runs/filter", json={"deployments": {"id": {"any_": [deployment_id]}}}, timeout=10
        ).json()
        if runs and runs[0]["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return runs[0]
        time.sleep(2)
    return {"state_type": "TIMED OUT"}
