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


def _numbers(page: object) -> list[str]:
    return page.locator("a.task").evaluate_all("cards => cards.map(c => c.dataset.number)")  # type: ignore[attr-defined]


def test_each_person_sees_their_own_work_first_and_filters_narrow_it(portal: str, database: Database) -> None:
    """The lead member's first tab holds only tasks they can act on; the secretariat's holds the review waiting
    for it; the status filter and the search narrow the list."""
    from playwright.sync_api import expect, sync_playwright

    from models.lifecycle.moves import MoveRequest, apply_move
    from models.lifecycle.workflow import Action
    from tests.time import NOW

    with database.transaction() as session:
        for action, payload in ((Action.ACKNOWLEDGE, {}), (Action.SUBMIT, {"result": "Đã tổ chức hội nghị"})):
            apply_move(session, MoveRequest("vinh-tuy-2026", "47", action, LEAD, payload), now=NOW)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        lead = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
        _log_in(lead, portal, LEAD)
        expect(lead.locator('.tabs a[aria-current="page"]')).to_contain_text("Cần tôi xử lý")
        mine = _numbers(lead)
        assert "47" not in mine  # submitted: it waits on the secretariat now, not on the lead
        for number in mine:  # every task of the first tab offers the lead a move
            lead.goto(f"{portal}/portal/tasks/vinh-tuy-2026/{number}")
            assert lead.locator("form.move").count() > 0, number
        lead.goto(f"{portal}/portal")
        lead.locator('.tabs a[data-tab="lead"]').click()
        led = _numbers(lead)
        lead.locator('.tabs a[data-tab="coordinating"]').click()
        assert "47" in led and set(mine) <= set(led) | set(_numbers(lead))
        lead.screenshot(path=str(SHOTS / "portal-lead-tabs-phone.png"), full_page=True)

        office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _log_in(office, portal, OFFICE)
        office.select_option('select[name="status"]', "submitted")
        office.get_by_role("button", name="Lọc").click()
        assert _numbers(office) == ["47"]  # the review waiting for the secretariat
        expect(office.locator("#counts .total")).to_have_text("1 nhiệm vụ")
        office.select_option('select[name="status"]', "")
        office.fill('input[name="q"]', "chuyen doi so")  # without tone marks, as people type on a phone
        office.get_by_role("button", name="Lọc").click()
        found = _numbers(office)
        assert found, "the search finds the digital-transformation tasks"
        office.locator('.tabs a[data-tab="all"]').click()
        assert office.locator('input[name="q"]').input_value() == "chuyen doi so"  # the filters follow the tab
        office.screenshot(path=str(SHOTS / "portal-secretariat-search.png"), full_page=True)
        for number in _numbers(office):  # each one found says it, in full, on its own page
            office.goto(f"{portal}/portal/tasks/vinh-tuy-2026/{number}")
            assert "chuyển đổi số" in office.locator("main .card").first.inner_text().lower(), number
        browser.close()


def test_the_secretariat_runs_its_own_jobs_from_the_console(portal: str, database: Database) -> None:
    """The secretariat opens a review cycle and compiles a report in the portal; a lead member has no console."""
    from playwright.sync_api import expect, sync_playwright
    from sqlalchemy import select

    from models.reporting.figures import StoredReport
    from models.reporting.review_cycle import ReviewCycle

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _log_in(office, portal, OFFICE)
        office.get_by_role("link", name="Văn phòng", exact=True).click()
        office.fill("#cycle-period", "2026-Q4")
        office.fill("#cycle-due", "2026-12-15")
        office.locator("#review-cycle button[type=submit]").click()
        expect(office.locator("#message")).to_have_text("Đã mở kỳ rà soát.")
        expect(office.locator("#cycles")).to_contain_text("Kỳ 2026-Q4: hạn 15/12/2026, đang mở")
        office.get_by_role("link", name="Tổng hợp và gửi báo cáo kỳ →").click()
        office.fill("#period", "2026-Q4")
        office.get_by_role("button", name="Tổng hợp").click()
        expect(office.locator("main")).to_contain_text("quý IV năm 2026")
        office.screenshot(path=str(SHOTS / "portal-secretariat-console.png"), full_page=True)

        lead = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
        _log_in(lead, portal, LEAD)
        assert lead.get_by_role("link", name="Văn phòng", exact=True).count() == 0
        assert lead.goto(f"{portal}/portal/console").status == 404
        browser.close()
    with database.session() as session:
        [cycle] = session.scalars(select(ReviewCycle)).all()
        assert (cycle.period, cycle.started_by) == ("2026-Q4", "Phạm Minh Đức")  # as the person, not "Văn phòng"
        assert session.scalars(select(StoredReport.period)).all() == ["2026-Q4"]
