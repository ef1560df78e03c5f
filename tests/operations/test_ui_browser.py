"""The Prefect UI in a real browser (Debian's Chromium, headless, driven by Playwright).

Starts `planflow serve` on a fresh home, finds the planflow deployments, triggers a review
cycle with Run → Quick run, and sees its flow run complete with its artifact. Screenshots
go to $PLANFLOW_SCREENSHOTS (default: test-artifacts/screenshots).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import CHROMIUM, FLAGS, SHOTS, need_browser
from tests.notifications.conftest import free_port
from tests.processes import planflow_process

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`planflow serve` on a fresh home: (Prefect UI address, portal address)."""
    need_browser()
    port, portal_port = free_port(), free_port()
    env = {
        **os.environ,
        "PLANFLOW_HOME": str(tmp_path_factory.mktemp("serve") / "home"),
        "PREFECT_SERVER_API_PORT": str(port),
        "PLANFLOW_PORTAL_PORT": str(portal_port),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    env.pop("PLANFLOW_DATABASE_URL", None)
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    ui = f"http://127.0.0.1:{port}"

    def deployments_served() -> bool:
        return len(httpx.post(f"{ui}/api/deployments/filter", json={}, timeout=2).json()) >= 20

    with planflow_process(["serve"], env, deployments_served):
        yield ui, f"http://127.0.0.1:{portal_port}"


def test_serve_also_serves_the_portal_and_its_api(service: tuple[str, str]) -> None:
    _ui, portal = service
    login = httpx.get(f"{portal}/portal/login", timeout=10)
    assert login.status_code == 200 and "Đăng nhập cổng nhiệm vụ" in login.text
    assert "/api/tasks" in httpx.get(f"{portal}/openapi.json", timeout=10).json()["paths"]


def test_secretariat_runs_a_review_cycle_from_the_ui(service: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    ui, _portal = service

    SHOTS.mkdir(parents=True, exist_ok=True)
    deployment = httpx.get(f"{ui}/api/deployments/name/review-cycle/on-demand", timeout=10).json()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{ui}/deployments")
        page.get_by_text("escalation-sweep").first.wait_for(timeout=30000)
        listing = page.inner_text("body")
        for name in ("escalation-sweep", "deliver-notifications", "review-cycle", "compile-report", "import-plan"):
            assert name in listing, name
        assert "At 07:00 AM every day" in listing  # the daily sweep's schedule is active
        page.screenshot(path=str(SHOTS / "deployments.png"))

        page.goto(f"{ui}/deployments/deployment/{deployment['id']}")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Quick run").first.click()
        run = _wait_for_run(ui, deployment["id"])
        assert run["state_type"] == "COMPLETED", run
        page.goto(f"{ui}/runs/flow-run/{run['id']}")
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
