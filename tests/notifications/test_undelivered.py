"""A message with no reachable recipient is shown to the secretariat — in `planflow status`, in a daily digest
sent exactly once, and on its portal page — never dropped silently."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from models.db import Database
from models.escalation.undelivered import DIGEST_TEMPLATE, queue_undelivered_digests, undelivered
from models.lifecycle.moves import MoveRequest, apply_move
from models.lifecycle.workflow import Action
from models.org.tables import Agency, Organization
from models.outbox.tables import Notification
from notifications.channels import SmtpConfig, WebhookConfig
from notifications.delivery import Channels, deliver_pending
from planflow.cli import main
from tests.notifications.conftest import SmtpServer
from tests.time import VIETNAM

VT = "vinh-tuy-2026"
OFFICE = "vanthu@vinhtuy.example"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
DAY = date(2026, 3, 3)


def _channels(smtp: SmtpServer) -> Channels:
    return Channels(
        smtp=SmtpConfig(host="127.0.0.1", port=smtp.port, sender="vanphong@vinhtuy.example"),
        webhook=WebhookConfig(secret="bi-mat", timeout=5),
    )


def _police_without_address_and_task_42_assigned(db: Database) -> None:
    """Công an phường leads task 42; the directory lost its address."""
    with db.transaction() as session:
        session.execute(update(Agency).where(Agency.name == "Công an phường").values(email=None, webhook_url=None))
        apply_move(session, MoveRequest(VT, "42", Action.ASSIGN, OFFICE), now=NOW)


def _ward_id(db: Database) -> int:
    with db.session() as session:
        return session.scalars(select(Organization.id).where(Organization.code == "dang-uy-phuong-vinh-tuy")).one()


def test_a_recipient_without_address_is_listed_for_its_organization_only(db: Database, smtp_server: SmtpServer) -> None:
    _police_without_address_and_task_42_assigned(db)
    report = deliver_pending(db, _channels(smtp_server), now=NOW)
    assert report.failed == 1 and smtp_server.messages == []
    with db.session() as session:
        [failure] = undelivered(session, organization_id=_ward_id(db))
        others = undelivered(session, organization_id=_ward_id(db) + 1)
    assert (failure.recipient, failure.messages) == ("Công an phường", 1)
    assert failure.organization == "dang-uy-phuong-vinh-tuy"
    assert "chưa có địa chỉ" in failure.reason
    assert others == []


def test_the_secretariat_gets_one_digest_a_day_of_what_it_has_not_been_told(
    db: Database, smtp_server: SmtpServer
) -> None:
    _police_without_address_and_task_42_assigned(db)
    deliver_pending(db, _channels(smtp_server), now=NOW)
    at = datetime(2026, 3, 3, 7, 0, tzinfo=VIETNAM)
    with db.transaction() as session:
        assert queue_undelivered_digests(session, day=DAY, now=at) == 1
    with db.transaction() as session:  # the same day again, and the next day with nothing new: nothing more
        assert queue_undelivered_digests(session, day=DAY, now=at) == 0
        assert queue_undelivered_digests(session, day=DAY + timedelta(days=1), now=at + timedelta(days=1)) == 0
    assert deliver_pending(db, _channels(smtp_server), now=at).sent == 1
    [digest] = smtp_server.messages
    assert digest["To"] == "vanphong@vinhtuy.example"
    assert digest["Subject"] == "[planflow] Thông báo chưa gửi được (1 nơi nhận)"
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "Công an phường: 1 thông báo" in text and "chưa có địa chỉ" in text
    with db.session() as session:
        digests = session.scalars(select(Notification).where(Notification.template == DIGEST_TEMPLATE)).all()
    assert len(digests) == 1
    with db.session() as session:  # still listed for status and the portal: told is not solved
        assert [f.recipient for f in undelivered(session, organization_id=_ward_id(db))] == ["Công an phường"]


def test_a_new_failure_after_a_digest_goes_into_the_next_one_only(db: Database, smtp_server: SmtpServer) -> None:
    _police_without_address_and_task_42_assigned(db)
    deliver_pending(db, _channels(smtp_server), now=NOW)
    at = datetime(2026, 3, 3, 7, 0, tzinfo=VIETNAM)
    with db.transaction() as session:
        queue_undelivered_digests(session, day=DAY, now=at)
        apply_move(session, MoveRequest(VT, "42", Action.CANCEL, "bithu@vinhtuy.example", {"reason": "Gộp"}), now=at)
    deliver_pending(db, _channels(smtp_server), now=at)
    with db.transaction() as session:
        assert queue_undelivered_digests(session, day=DAY + timedelta(days=1), now=at + timedelta(days=1)) == 1
        latest = session.scalars(
            select(Notification).where(Notification.template == DIGEST_TEMPLATE).order_by(Notification.id.desc())
        ).first()
        assert latest is not None
        assert [f["messages"] for f in latest.context["failures"]] == [1]  # only the cancellation notice


def test_planflow_status_names_the_unreached(
    planflow_env: Database, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.seeding import seed

    seed(planflow_env)
    _police_without_address_and_task_42_assigned(planflow_env)
    deliver_pending(planflow_env, _channels(smtp_server), now=NOW)
    assert main(["status", "--json"]) == 0
    [failure] = json.loads(capsys.readouterr().out)["undelivered"]
    assert failure["recipient"] == "Công an phường" and failure["messages"] == 1
    assert main(["status"]) == 0
    assert "dang-uy-phuong-vinh-tuy · Công an phường: 1 thông báo" in capsys.readouterr().out
