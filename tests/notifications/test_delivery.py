"""Delivering the outbox through a real SMTP server and a real webhook receiver on loopback."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from models.db import Database
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from models.org.tables import Agency
from models.outbox.tables import Notification
from notifications.channels import SIGNATURE_HEADER, SmtpConfig, WebhookConfig, send_email, signature
from notifications.delivery import Channels, claim, deliver_pending
from notifications.render import render
from tests.notifications.conftest import SmtpServer, WebhookServer
from tests.time import VIETNAM

VT = "vinh-tuy-2026"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
SECRET = "bi-mat-webhook-thu-nghiem"


def channels(smtp: SmtpServer) -> Channels:
    return Channels(
        smtp=SmtpConfig(host="127.0.0.1", port=smtp.port, sender="vanphong@vinhtuy.example"),
        webhook=WebhookConfig(secret=SECRET, timeout=5),
    )


def move(db: Database, number: str, action: Action, actor: str, **payload: object) -> None:
    with db.transaction() as session:
        apply_move(session, MoveRequest(VT, number, action, actor, dict(payload)), now=NOW)


def statuses(db: Database) -> list[tuple[str, int]]:
    with db.session() as session:
        return [(n.status, n.attempts) for n in session.scalars(select(Notification).order_by(Notification.id))]


def give_webhook(db: Database, agency: str, url: str) -> None:
    with db.transaction() as session:
        session.execute(update(Agency).where(Agency.name == agency).values(webhook_url=url))


def test_assignment_arrives_by_email_once(db: Database, smtp_server: SmtpServer) -> None:
    move(db, "47", Action.ASSIGN, "vanthu@vinhtuy.example")
    report = deliver_pending(db, channels(smtp_server), now=NOW)
    again = deliver_pending(db, channels(smtp_server), now=NOW + timedelta(hours=1))
    assert (report.sent, again.sent) == (1, 0)
    [message] = smtp_server.messages
    assert message["To"] == "banxaydung@vinhtuy.example"
    assert message["Subject"] == "[planflow] Giao nhiệm vụ: nhiệm vụ 47"
    message_id = message["Message-ID"].strip()
    assert message_id.startswith("<") and message_id.endswith("@planflow>") and len(message_id) == 43
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Tổ chức phổ biến, quán triệt chủ trương" in text and "ngày 31 tháng 12 năm 2026" in text
    assert statuses(db) == [("sent", 1)]


def test_messages_wait_while_smtp_is_down_and_arrive_exactly_once(db: Database, smtp_server: SmtpServer) -> None:
    smtp_server.stop()
    move(db, "47", Action.ASSIGN, "vanthu@vinhtuy.example")
    move(db, "15", Action.ASSIGN, "vanthu@vinhtuy.example")
    down = deliver_pending(db, channels(smtp_server), now=NOW)
    assert (down.sent, down.retrying) == (0, 2)
    assert statuses(db) == [("pending", 1), ("pending", 1)]
    assert (
        deliver_pending(db, channels(smtp_server), now=NOW + timedelta(seconds=30)).retrying == 0
    )  # back-off: not yet
    smtp_server.start()
    back = deliver_pending(db, channels(smtp_server), now=NOW + timedelta(minutes=2))
    assert back.sent == 2
    assert deliver_pending(db, channels(smtp_server), now=NOW + timedelta(hours=5)).sent == 0
    assert sorted(m["To"] for m in smtp_server.messages) == ["banxaydung@vinhtuy.example", "vanphong@vinhtuy.example"]


def test_webhook_500_is_retried_and_400_is_kept_as_failed(
    db: Database, smtp_server: SmtpServer, webhook_server: WebhookServer
) -> None:
    give_webhook(db, "Ban Xây dựng Đảng", webhook_server.url("/xd"))
    give_webhook(db, "Công an phường", webhook_server.url("/ca"))
    move(db, "47", Action.ASSIGN, "vanthu@vinhtuy.example")  # lead: Ban Xây dựng Đảng
    move(db, "42", Action.ASSIGN, "vanthu@vinhtuy.example")  # lead: Công an phường
    webhook_server.statuses = [500, 400]
    first = deliver_pending(db, channels(smtp_server), now=NOW)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 1)
    second = deliver_pending(db, channels(smtp_server), now=NOW + timedelta(minutes=2))
    assert second.sent == 1
    assert statuses(db) == [("sent", 2), ("failed", 1)]
    with db.session() as session:
        failed = session.scalars(select(Notification).where(Notification.status == "failed")).one()
    assert "400" in (failed.last_error or "")
    for request in webhook_server.received:
        assert request["headers"][SIGNATURE_HEADER] == signature(SECRET, request["body"])
        assert request["headers"]["Idempotency-Key"] == request["json"]["key"]
    assert webhook_server.received[-1]["json"]["task"]["number"] == "47"
    assert smtp_server.messages == []


def test_a_crash_between_send_and_mark_never_sends_twice(db: Database, smtp_server: SmtpServer) -> None:
    move(db, "47", Action.ASSIGN, "vanthu@vinhtuy.example")
    with db.transaction() as session:
        [claimed] = claim(session, now=NOW, limit=10)
    # The process sends, then dies before marking the row.
    send_email(
        channels(smtp_server).smtp,
        "banxaydung@vinhtuy.example",
        render("task_assigned", _context()),
        message_id="<crash@planflow>",
    )
    assert deliver_pending(db, channels(smtp_server), now=NOW + timedelta(minutes=1)).sent == 0  # still claimed
    after = deliver_pending(db, channels(smtp_server), now=NOW + timedelta(minutes=11))
    assert (after.unconfirmed, after.sent) == (1, 0)
    assert len(smtp_server.messages) == 1
    with db.session() as session:
        row = session.get(Notification, claimed)
        assert row is not None and row.status == "failed" and "gián đoạn" in (row.last_error or "")


def test_an_escalation_message_names_the_overdue_days(db: Database, smtp_server: SmtpServer) -> None:
    from models.escalation.sweep import sweep

    move(db, "17", Action.ASSIGN, "vanthu@vinhtuy.example")
    with db.transaction() as session:
        sweep(session, as_of=date(2026, 4, 3), now=datetime(2026, 4, 3, 7, tzinfo=VIETNAM))
    deliver_pending(db, channels(smtp_server), now=datetime(2026, 4, 3, 7, 5, tzinfo=VIETNAM))
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert "[planflow] Quá hạn 3 ngày làm việc: nhiệm vụ 17" in subjects
    assert sorted(m["To"] for m in smtp_server.messages if "Quá hạn" in m["Subject"]) == [
        "bithu@vinhtuy.example",
        "pbttt@vinhtuy.example",
    ]


def test_secrets_never_show_in_reprs() -> None:
    config = SmtpConfig(host="mail", username="vanphong", password="mat-khau-that")
    assert "mat-khau-that" not in repr(config)
    assert SECRET not in repr(WebhookConfig(secret=SECRET))


def test_hostile_task_text_is_escaped_in_html() -> None:
    rendered = render(
        "task_assigned", {**_context(), "task": {**_context()["task"], "description": "<script>x</script>"}}
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text


def _context() -> dict:
    return {
        "recipient": "Ban Xây dựng Đảng",
        "actor": "Phạm Minh Đức",
        "when": "09:00 ngày 2 tháng 3 năm 2026",
        "organization": "Đảng ủy phường Vĩnh Tuy",
        "key": "k",
        "given": {},
        "new_due": None,
        "task": {
            "number": "47",
            "plan_title": "Kế hoạch",
            "description": "Tổ chức phổ biến",
            "lead_agency": "Ban XD",
            "due_text": "ngày 31 tháng 12 năm 2026",
            "upstream_body": "",
        },
    }


def test_a_classified_task_never_reaches_a_webhook_and_its_mail_carries_no_content(
    db: Database, smtp_server: SmtpServer, webhook_server: WebhookServer
) -> None:
    from models.lifecycle.classification import set_classified
    from models.lifecycle.moves import NotAuthorizedError

    give_webhook(db, "Ban Xây dựng Đảng", webhook_server.url("/xd"))
    with db.transaction() as session:
        with pytest.raises(NotAuthorizedError):  # the lead agency cannot decide what is classified
            set_classified(
                session, plan_code=VT, number="47", classified=True, actor_email="cvxd@vinhtuy.example", now=NOW
            )
        assert set_classified(
            session, plan_code=VT, number="47", classified=True, actor_email="vanthu@vinhtuy.example", now=NOW
        )
    move(db, "47", Action.ASSIGN, "vanthu@vinhtuy.example")  # lead: Ban Xây dựng Đảng, which has a webhook
    report = deliver_pending(db, channels(smtp_server), now=NOW)
    assert report.sent == 1 and webhook_server.received == []
    [message] = smtp_server.messages
    assert message["To"] == "banxaydung@vinhtuy.example"
    assert message["Subject"] == "[planflow] Có thông tin mới về một nhiệm vụ mật"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for secret in ("Tổ chức phổ biến", "nhiệm vụ 47", "vinh-tuy-2026", "31 tháng 12", "Chủ trì"):
        assert secret not in message["Subject"] + text + html
    assert "http://127.0.0.1:8080/portal" in text
