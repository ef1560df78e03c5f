"""The escalation-sweep and deliver-notifications flows from the CLI against a real Prefect API and SMTP server."""

from __future__ import annotations

import json

import pytest

from models.db import Database
from planflow.cli import main
from runtime.environment import reset_runtime
from tests.notifications.conftest import SmtpServer
from tests.seeding import seed

pytestmark = pytest.mark.prefect


@pytest.fixture
def smtp_server() -> SmtpServer:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_sweep_then_deliver_from_the_cli(
    prefect_harness: None,
    planflow_env: Database,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PLANFLOW_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLANFLOW_SMTP_PORT", str(smtp_server.port))
    reset_runtime()
    seed(planflow_env)
    assert (
        main(
            [
                "task",
                "assign",
                "vinh-tuy-2026",
                "17",
                "--as",
                "vanthu@vinhtuy.example",
                "--at",
                "2026-03-02T09:00+07:00",
                "--json",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["sweep", "--as-of", "2026-04-01", "--json"]) == 0
    swept = json.loads(capsys.readouterr().out)
    assert (swept["escalations"], swept["upstream_checks"]) == (1, 0)  # only task 17 was assigned
    again = main(["sweep", "--as-of", "2026-04-01", "--json"])
    assert again == 0 and json.loads(capsys.readouterr().out)["notifications"] == 0
    assert main(["notify", "deliver", "--json"]) == 0
    delivered = json.loads(capsys.readouterr().out)
    assert delivered["sent"] == 2 and delivered["failed"] == 0  # the assignment and the first overdue notice
    assert sorted(str(m["Subject"]) for m in smtp_server.messages) == [
        "[planflow] Giao nhiệm vụ: nhiệm vụ 17",
        "[planflow] Quá hạn 1 ngày làm việc: nhiệm vụ 17",
    ]
    assert main(["sweep", "--as-of", "2026-04-04", "--json"]) == 0  # a Saturday
    assert json.loads(capsys.readouterr().out)["working_day"] is False
