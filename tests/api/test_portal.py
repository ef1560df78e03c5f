"""The portal as its people use it: log in, see my tasks by deadline colour, make my moves with files;
the secretariat approves and reads the report; forged or hostile forms change nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import app
from models.audit import AuditEvent
from models.db import Database
from tests.api.people import LEAD, OFFICE, OUTSIDER, PASSWORD

TASK = "/portal/tasks/vinh-tuy-2026/47"
PDF = b"%PDF-1.7\n% bien ban hoi nghi\n"


def logged_in(email: str) -> TestClient:
    """A browser-like client (its own cookies) logged in as one person."""
    browser = TestClient(app)
    response = browser.post("/portal/login", data={"email": email, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/portal"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    return browser


def form_key(page: str) -> str:
    found = re.search(r'name="key" value="([0-9a-f]{64})"', page)
    assert found, "the page carries the form key"
    return found.group(1)


def audit_count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_pages_need_a_login_and_a_wrong_password_says_so(client: TestClient) -> None:
    anonymous = TestClient(app)
    assert anonymous.get("/portal", follow_redirects=False).headers["location"] == "/portal/login"
    refused = anonymous.post("/portal/login", data={"email": LEAD, "password": "sai mat khau"})
    assert refused.status_code == 401 and "Sai thư điện tử hoặc mật khẩu" in refused.text
    assert 'name="viewport"' in anonymous.get("/portal/login").text  # usable on a phone


def test_my_tasks_are_coloured_by_deadline(client: TestClient) -> None:
    lead_page = logged_in(LEAD).get("/portal").text
    urgencies = re.findall(r'data-urgency="(\w+)"', lead_page)
    assert urgencies and set(urgencies) <= {"overdue", "due_soon", "in_time", "no_date", "closed"}
    assert 'href="/portal/tasks/vinh-tuy-2026/47"' in lead_page
    outsider_page = logged_in(OUTSIDER).get("/portal").text
    assert "vinh-tuy-2026" not in outsider_page
    assert logged_in(OUTSIDER).get(TASK).status_code == 404


def test_the_lead_submits_with_a_file_and_the_secretariat_approves(client: TestClient, planflow_env: Database) -> None:
    lead = logged_in(LEAD)
    page = lead.get(TASK).text
    assert 'data-action="acknowledge"' in page and 'data-action="approve"' not in page
    key = form_key(page)
    assert lead.post(TASK, data={"key": key, "action": "acknowledge"}).status_code == 200
    submitted = lead.post(
        TASK,
        data={"key": key, "action": "submit", "result": "Đã tổ chức hội nghị <script>alert(1)</script>"},
        files={"evidence": ("../Biên bản hội nghị.pdf", PDF, "application/pdf")},
    )
    assert submitted.status_code == 200 and "Đã nộp kết quả." in submitted.text
    assert "<script>alert(1)</script>" not in submitted.text and "&lt;script&gt;" in submitted.text
    link = re.search(r'href="(/portal/tasks/vinh-tuy-2026/47/evidence/[^"]+Bien-ban-hoi-nghi\.pdf)"', submitted.text)
    assert link, "the submission lists its evidence file"

    office = logged_in(OFFICE)
    review = office.get(TASK).text
    assert 'data-action="approve"' in review and 'data-action="return"' in review
    assert office.get(link.group(1)).content == PDF  # the secretariat reads the evidence
    approved = office.post(TASK, data={"key": form_key(review), "action": "approve", "version": _version(review)})
    assert approved.status_code == 200 and "hoàn thành" in approved.text
    history = approved.text[approved.text.index('id="history"') :]
    assert history.index("Vũ Thị Lan") < history.rindex("Phạm Minh Đức")  # named, in order
    assert audit_count(planflow_env) > 0


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def test_forged_stale_and_bad_forms_change_nothing(client: TestClient, planflow_env: Database) -> None:
    lead = logged_in(LEAD)
    page = lead.get(TASK).text
    before = audit_count(planflow_env)
    forged = lead.post(TASK, data={"key": "0" * 64, "action": "acknowledge"})
    assert forged.status_code == 403 and "Biểu mẫu" in forged.text
    stale = lead.post(TASK, data={"key": form_key(page), "action": "acknowledge", "version": "0"})
    assert stale.status_code == 409 and "Không thực hiện được" in stale.text
    unknown = lead.post(TASK, data={"key": form_key(page), "action": "drop_table"})
    assert unknown.status_code == 422
    wrong_file = lead.post(
        TASK,
        data={"key": form_key(page), "action": "acknowledge"},
        files={"evidence": ("bao-cao.exe", b"MZ\x90", "application/octet-stream")},
    )
    assert wrong_file.status_code == 422 and "Chỉ nhận tệp" in wrong_file.text
    assert audit_count(planflow_env) == before
    assert 'id="status">đã giao<' in lead.get(TASK).text


def test_the_secretariat_compiles_and_reads_the_report(client: TestClient) -> None:
    office = logged_in(OFFICE)
    page = office.get("/portal/report").text
    assert "Chưa có báo cáo nào" in page
    compiled = office.post("/portal/report", data={"key": form_key(page), "period": "2026-Q1"})
    assert compiled.status_code == 200 and "Đã tổng hợp báo cáo." in compiled.text
    files = re.findall(r'href="(/portal/reports/\d+/[^"]+)"', compiled.text)
    assert sorted(f.rsplit(".", 1)[1] for f in files) == ["docx", "html", "xlsx"]
    docx = office.get(next(f for f in files if f.endswith(".docx")))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert office.get(files[0].rsplit("/", 1)[0] + "/..%2F..%2Fetc%2Fpasswd").status_code == 404
    lead = logged_in(LEAD)
    assert lead.get("/portal/report").status_code == 403
    assert lead.get(files[0]).status_code == 404


def test_logout_ends_the_session(client: TestClient) -> None:
    lead = logged_in(LEAD)
    page = lead.get("/portal").text
    token = lead.cookies["planflow_session"]
    assert lead.post("/portal/logout", data={"key": form_key(page)}, follow_redirects=False).status_code == 303
    replayed = TestClient(app, cookies={"planflow_session": token})  # the old cookie, kept by an attacker
    assert replayed.get("/portal", follow_redirects=False).status_code == 303


def test_the_explanation_form_appears_when_one_is_asked_for(client: TestClient) -> None:
    office, lead = logged_in(OFFICE), logged_in(LEAD)
    page = office.get(TASK).text
    asked = office.post(
        TASK, data={"key": form_key(page), "action": "request_explanation", "reason": "Chưa đạt", "failing": "on"}
    )
    assert asked.status_code == 200 and "yêu cầu giải trình" in asked.text
    lead_page = lead.get(TASK).text
    assert 'data-action="submit_explanation"' in lead_page and 'data-action="submit"' not in lead_page
    explained = lead.post(
        TASK, data={"key": form_key(lead_page), "action": "submit_explanation", "text": "Do chờ hướng dẫn"}
    )
    assert explained.status_code == 200 and "Do chờ hướng dẫn" in explained.text
    assert 'id="status">đã giải trình<' in explained.text
    empty = lead.post(TASK, data={"key": form_key(lead_page), "action": "submit_explanation", "text": ""})
    assert empty.status_code in (409, 422)  # already explained: refused, and said so on the page
    assert "Không thực hiện được" in empty.text


def test_the_secretariat_sees_the_messages_that_reached_no_one(client: TestClient, planflow_env: Database) -> None:
    from sqlalchemy import update

    from models.lifecycle.moves import MoveRequest, apply_move
    from models.lifecycle.workflow import Action
    from models.org.tables import Agency
    from notifications.channels import SmtpConfig, WebhookConfig
    from notifications.delivery import Channels, deliver_pending
    from tests.notifications.conftest import free_port
    from tests.time import NOW

    with planflow_env.transaction() as session:
        session.execute(update(Agency).where(Agency.name == "Công an phường").values(email=None))
        apply_move(session, MoveRequest("vinh-tuy-2026", "42", Action.ASSIGN, OFFICE), now=NOW)
    nowhere = Channels(
        smtp=SmtpConfig(host="127.0.0.1", port=free_port(), sender="vp@x.example"),
        webhook=WebhookConfig(secret="k", timeout=1),
    )
    assert deliver_pending(planflow_env, nowhere, now=NOW).failed == 1
    office_page = logged_in(OFFICE).get("/portal").text
    assert 'id="undelivered"' in office_page and "Công an phường" in office_page
    assert 'id="undelivered"' not in logged_in(LEAD).get("/portal").text  # only the secretariat is told


def test_the_task_page_shows_everything_stored_for_the_task(client: TestClient, planflow_env: Database) -> None:
    from models.lifecycle.moves import MoveRequest, apply_move
    from models.lifecycle.workflow import Action
    from tests.time import NOW

    moves = [
        (Action.ACKNOWLEDGE, {}),
        (Action.REQUEST_COORDINATION, {"message": "Đề nghị cử cán bộ dự hội nghị quán triệt"}),
        (Action.SUBMIT, {"result": "Đã tổ chức hội nghị", "kpi_values": {"Tỷ lệ đảng viên dự (%)": 85.5}}),
    ]
    with planflow_env.transaction() as session:
        for action, payload in moves:
            apply_move(session, MoveRequest("vinh-tuy-2026", "47", action, LEAD, payload), now=NOW)
    page = logged_in(LEAD).get(TASK).text
    assert "Đề nghị cử cán bộ dự hội nghị quán triệt" in page and "Công an phường" in page
    assert "Tỷ lệ đảng viên dự (%)" in page and "85,5" in page
    meaning = page[page.index('id="deadline-meaning"') :]
    assert "Hạn hoàn thành</dt><dd>31/12/2026" in meaning
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", page)  # no ISO date where a person reads


def test_a_person_creates_a_personal_token_sees_it_once_and_revokes_it(client: TestClient) -> None:
    lead = logged_in(LEAD)
    page = lead.get("/portal/tokens").text
    created = lead.post("/portal/tokens", data={"key": form_key(page), "name": "Duyệt từ Prefect", "days": "30"}).text
    token = re.search(r"<code>(pf_[\w-]+)</code>", created)
    assert token is not None and 'id="new-token"' in created
    again = lead.get("/portal/tokens").text
    assert token.group(1) not in again and "Duyệt từ Prefect" in again and "còn hiệu lực" in again
    assert lead.post("/portal/tokens", data={"key": "0" * 64, "name": "Giả", "days": "30"}).status_code == 403
    revoke_url = re.search(r'action="(/portal/tokens/\d+/revoke)"', again)
    assert revoke_url is not None
    office = logged_in(OFFICE)
    office_key = form_key(office.get("/portal/tokens").text)
    assert office.post(revoke_url.group(1), data={"key": office_key}).status_code == 404  # not theirs to revoke
    revoked = lead.post(revoke_url.group(1), data={"key": form_key(again)}).text
    assert "đã thu hồi" in revoked and "Đã thu hồi mã." in revoked


def test_the_console_assigns_a_plan_and_classifies_as_the_person_and_is_no_one_elses(
    client: TestClient, planflow_env: Database
) -> None:
    from models.audit import AuditEvent
    from models.plan.tables import Plan, PlanTask

    office = logged_in(OFFICE)
    key = form_key(office.get("/portal/console").text)
    assigned = office.post("/portal/console/assign", data={"key": key, "plan": "vinh-tuy-2026"})
    assert "Đã giao các nhiệm vụ" in assigned.text
    classified = office.post(
        "/portal/console/classify", data={"key": key, "plan": "vinh-tuy-2026", "number": "42", "classified": "true"}
    )
    assert "Đã cập nhật đánh dấu" in classified.text
    with planflow_env.session() as session:
        tasks = session.scalars(select(PlanTask).join(Plan).where(Plan.code == "vinh-tuy-2026")).all()
        assert all(t.status != "imported" for t in tasks)
        assert next(t for t in tasks if t.number == "42").classified
        event = session.scalars(select(AuditEvent).where(AuditEvent.entity_key == "vinh-tuy-2026/8")).one()
        assert (event.actor, event.channel) == ("Phạm Minh Đức", "portal")
    lead = logged_in(LEAD)
    lead_key = form_key(lead.get("/portal").text)
    assert lead.get("/portal/console").status_code == 404
    assert lead.post("/portal/console/assign", data={"key": lead_key, "plan": "vinh-tuy-2026"}).status_code == 404
    assert "hai-phong" not in office.get("/portal/console").text  # another organization's plans are not offered
    refused = office.post("/portal/console/assign", data={"key": key, "plan": "hai-phong-2026"})
    assert refused.status_code == 404


def test_the_console_previews_a_directory_file_before_applying_it(client: TestClient, planflow_env: Database) -> None:
    from models.org.tables import Person
    from tests.paths import ORGS

    text = (ORGS / "dang-uy-phuong-vinh-tuy.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "people:\n", "people:\n  - {full_name: Ngô Thị Mai, email: mai@vinhtuy.example, agency: Văn phòng Đảng ủy}\n", 1
    )
    office = logged_in(OFFICE)
    key = form_key(office.get("/portal/console/directory").text)
    preview = office.post("/portal/console/directory", data={"key": key}, files={"file": ("danh-ba.yaml", changed)})
    assert preview.status_code == 200 and "Người thêm mới (1)" in preview.text and "Ngô Thị Mai" in preview.text
    with planflow_env.session() as session:
        assert session.scalars(select(Person).where(Person.email == "mai@vinhtuy.example")).first() is None
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview.text)
    assert digest
    applied = office.post("/portal/console/directory/apply", data={"key": key, "digest": digest.group(1)})
    assert "Đã nạp danh bạ" in applied.text
    with planflow_env.session() as session:
        assert session.scalars(select(Person).where(Person.email == "mai@vinhtuy.example")).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "directory.loaded")).all()[-1]
        assert (event.actor, event.channel) == ("Phạm Minh Đức", "portal")
    other = text.replace("organization: dang-uy-phuong-vinh-tuy", "organization: dang-uy-cac-co-quan-dang-thanh-pho")
    refused = office.post("/portal/console/directory", data={"key": key}, files={"file": ("x.yaml", other)})
    assert refused.status_code == 422 and "không phải của tổ chức này" in refused.text
    broken = office.post("/portal/console/directory", data={"key": key}, files={"file": ("x.yaml", "people: [")})
    assert broken.status_code == 422 and "không đọc được" in broken.text
    assert office.post("/portal/console/directory/apply", data={"key": key, "digest": "0" * 64}).status_code == 404
    assert logged_in(LEAD).get("/portal/console/directory").status_code == 404


def test_the_console_assigns_only_the_chosen_tasks_and_names_those_it_could_not(
    client: TestClient, planflow_env: Database
) -> None:
    from models.plan.tables import Plan, PlanTask

    office = logged_in(OFFICE)
    key = form_key(office.get("/portal/console").text)
    answer = office.post("/portal/console/assign", data={"key": key, "plan": "vinh-tuy-2026", "numbers": "8, 12; 999"})
    assert "999: không có trong kế hoạch hoặc đã được giao" in answer.text
    with planflow_env.session() as session:
        assigned = {
            t.number
            for t in session.scalars(select(PlanTask).join(Plan).where(Plan.code == "vinh-tuy-2026"))
            if t.status != "imported"
        }
    assert assigned == {"8", "12", "47", "29", "15"}  # the chosen two beside the three assigned beforehand
