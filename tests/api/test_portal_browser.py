"""The portal in a real browser (headless Chromium): a lead-agency member, on a phone-sized screen, logs in,
acknowledges task 47 and submits its result with a PDF; the secretariat then opens the evidence and approves.

`planflow api` runs as its own process on the test database, its moves running as flows on the session's
Prefect API. Screenshots go to $PLANFLOW_SCREENSHOTS (default: test-artifacts/screenshots).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from models.db import Database
from tests.api.people import LEAD, OFFICE, PASSWORD, seed_people
from tests.browser import CHROMIUM, FLAGS, SHOTS, need_browser
from tests.notifications.conftest import free_port
from tests.processes import planflow_process

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def portal(database: Database, tmp_path: Path, prefect_harness: None) -> Iterator[str]:
    """`planflow api` serving the seeded test database; yields its address."""
    from prefect.settings import PREFECT_API_URL

    need_browser()
    seed_people(database)
    port = free_port()
    env = {
        **os.environ,
        "PLANFLOW_HOME": str(tmp_path / "home"),
        "PLANFLOW_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
    }
    address = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        return httpx.get(f"{address}/portal/login", timeout=2).status_code == 200

    with planflow_process(["api", "--port", str(port)], env, answering):
        yield address


def _log_in(page: object, address: str, email: str) -> None:
    page.goto(f"{address}/portal/login")  # type: ignore[attr-defined]
    page.fill("#email", email)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Đăng nhập").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{address}/portal")  # type: ignore[attr-defined]


def test_lead_submits_with_a_file_and_the_secretariat_approves(portal: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    evidence = tmp_path / "Biên bản hội nghị.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% bien ban hoi nghi quan triet\n")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        lead = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
        _log_in(lead, portal, LEAD)
        expect(lead.locator('a[href="/portal/tasks/vinh-tuy-2026/47"]')).to_be_visible()
        lead.screenshot(path=str(SHOTS / "portal-lead-tasks-phone.png"), full_page=True)
        lead.locator('a[href="/portal/tasks/vinh-tuy-2026/47"]').click()
        lead.locator('form[data-action="acknowledge"] button[type="submit"]').click()
        expect(lead.locator("#message")).to_have_text("Đã tiếp nhận.")
        lead.locator("summary", has_text="Nộp kết quả").click()
        submit = lead.locator('form[data-action="submit"]')
        submit.locator("textarea[name=result]").fill(
            "Đã tổ chức hội nghị quán triệt ngày 20/11/2026, 120 đảng viên dự."
        )
        submit.locator("input[name=evidence]").set_input_files(str(evidence))
        submit.locator('button[type="submit"]').click()
        expect(lead.locator("#message")).to_have_text("Đã nộp kết quả.")
        expect(lead.locator("#status")).to_have_text("chờ duyệt kết quả")
        lead.screenshot(path=str(SHOTS / "portal-lead-submitted-phone.png"), full_page=True)

        office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _log_in(office, portal, OFFICE)
        office.goto(f"{portal}/portal/tasks/vinh-tuy-2026/47")
        evidence_link = office.get_by_role("link", name="Bien-ban-hoi-nghi.pdf")
        expect(evidence_link).to_be_visible()
        with office.expect_download() as download:
            evidence_link.click()
        assert Path(download.value.path()).read_bytes() == evidence.read_bytes()
        office.locator('form[data-action="approve"] button[type="submit"]').click()
        expect(office.locator("#message")).to_have_text("Đã duyệt kết quả.")
        expect(office.locator("#status")).to_have_text("hoàn thành")
        history = office.locator("#history").inner_text()
        assert "Vũ Thị Lan" in history and "Phạm Minh Đức" in history
        office.screenshot(path=str(SHOTS / "portal-secretariat-approved.png"), full_page=True)
        browser.close()
