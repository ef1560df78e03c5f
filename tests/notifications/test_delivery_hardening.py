"""Delivery as an attacker or a broken row would test it: keys that are not header-safe, a message that
cannot be rendered in the middle of a batch, a webhook that redirects, no signing key, a classified task's
headers and footer."""

from __future__ import annotations

from sqlalchemy import select, update

from models.db import Database
from models.lifecycle.workflow import Action
from models.outbox.tables import Notification
from notifications.channels import WebhookConfig
from notifications.delivery import Channels, deliver_pending
from tests.notifications.conftest import SmtpServer, WebhookServer
from tests.notifications.test_delivery import NOW, VT, channels, give_webhook, move, statuses

OFFICE = "vanthu@vinhtuy.example"


def _set_keys(db: Database, *keys: str) -> None:
    """Rows whose stored keys hold what a careless client once sent (Vietnamese letters, CR/LF)."""
    with db.transaction() as session:
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
        for row, key in zip(rows, keys, strict=False):
            row.idempotency_key = key


def test_no_key_ever_reaches_a_header_and_odd_keys_deliver(db: Database, smtp_server: SmtpServer) -> None:
    for number in ("47", "15", "42"):
        move(db, number, Action.ASSIGN, OFFICE)
    _set_keys(db, "move:khóa-có-dấu:task_assigned", "move:a\r\nBcc: ke-gian@x.example:task_assigned")
    report = deliver_pending(db, channels(smtp_server), now=NOW)
    assert (report.sent, report.failed) == (3, 0)
    for message in smtp_server.messages:
        message_id = message["Message-ID"].strip()
        assert message_id.startswith("<") and message_id.endswith("@planflow>")
        assert all(c in "0123456789abcdef" for c in message_id[1:-10])  # a hash, nothing the client typed
        assert message["Bcc"] is None


def test_one_message_that_cannot_be_rendered_fails_alone(db: Database, smtp_server: SmtpServer) -> None:
    for number in ("47", "15", "42"):
        move(db, number, Action.ASSIGN, OFFICE)
    with db.transaction() as session:  # the middle row names a template that does not exist
        middle = sorted(session.scalars(select(Notification.id)))[1]
        session.execute(update(Notification).where(Notification.id == middle).values(template="khong_co_mau"))
    report = deliver_pending(db, channels(smtp_server), now=NOW)
    assert (report.sent, report.failed) == (2, 1)
    assert [status for status, _ in statuses(db)] == ["sent", "failed", "sent"]  # nothing left 'sending'
    with db.session() as session:
        failed = session.get(Notification, middle)
        assert failed is not None and "lỗi khi soạn hoặc gửi" in (failed.last_error or "")


def test_a_webhook_that_answers_with_a_redirect_has_not_received_it(
    db: Database, smtp_server: SmtpServer, webhook_server: WebhookServer
) -> None:
    give_webhook(db, "Ban Xây dựng Đảng", webhook_server.url("/xd"))
    move(db, "47", Action.ASSIGN, OFFICE)
    webhook_server.statuses = [302]
    report = deliver_pending(db, channels(smtp_server), now=NOW)
    assert (report.sent, report.failed) == (0, 1)
    with db.session() as session:
        row = session.scalars(select(Notification)).one()
    assert row.status == "failed" and "chuyển hướng" in (row.last_error or "")


def test_webhooks_never_go_out_unsigned(db: Database, smtp_server: SmtpServer, webhook_server: WebhookServer) -> None:
    give_webhook(db, "Ban Xây dựng Đảng", webhook_server.url("/xd"))
    move(db, "47", Action.ASSIGN, OFFICE)
    unsigned = Channels(smtp=channels(smtp_server).smtp, webhook=WebhookConfig(secret=None))
    report = deliver_pending(db, unsigned, now=NOW)
    assert (report.sent, report.retrying) == (0, 1) and webhook_server.received == []
    with db.session() as session:
        assert "khóa ký webhook" in (session.scalars(select(Notification.last_error)).one() or "")


def test_a_classified_message_carries_no_task_number_kind_or_key(db: Database, smtp_server: SmtpServer) -> None:
    from models.lifecycle.classification import set_classified

    with db.transaction() as session:
        set_classified(session, plan_code=VT, number="47", classified=True, actor_email=OFFICE, now=NOW)
    move(db, "47", Action.ASSIGN, OFFICE)
    _set_keys(db, "move:nhiem-vu-47-mat:task_assigned:agency:2")
    deliver_pending(db, channels(smtp_server), now=NOW)
    [message] = smtp_server.messages
    message_id = message["Message-ID"].strip()
    assert all(c in "0123456789abcdef" for c in message_id[1:-10])
    readable = (
        message["Subject"]
        + message.get_body(preferencelist=("plain",)).get_content()
        + message.get_body(preferencelist=("html",)).get_content()
    )
    for leak in ("47", "task_assigned", "nhiem-vu", "mã thông báo", "move"):
        assert leak not in readable, leak
