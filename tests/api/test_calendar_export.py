"""A unit's deadlines as an iCalendar file, from the portal and from the command line: a calendar parser
(the icalendar package) reads it, with one event per dated task and a repeating event per recurring duty."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from icalendar import Calendar

from models.db import Database
from planflow.cli import main
from tests.api.people import LEAD, PASSWORD


def test_the_portal_gives_a_unit_its_deadlines_as_a_calendar(client: TestClient) -> None:
    client.post("/portal/login", data={"email": LEAD, "password": PASSWORD}, follow_redirects=False)
    response = client.get("/portal/lich.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    uids = {str(event["UID"]) for event in events}
    assert "vinh-tuy-2026-47@planflow" in uids  # Ban Xây dựng Đảng leads task 47 ("2026")
    assert all(event.decoded("DTSTART").year == 2026 for event in events)
    recurring = [event for event in events if "RRULE" in event]
    assert recurring and all(event["RRULE"]["FREQ"] for event in recurring)


def test_the_command_line_writes_the_same_calendar(planflow_env: Database, tmp_path: Path) -> None:
    from tests.seeding import seed

    seed(planflow_env)
    path = tmp_path / "bxd.ics"
    assert main(["tasks", "ics", "--plan", "vinh-tuy-2026", "--agency", "Ban Xây dựng Đảng", "-o", str(path)]) == 0
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Nhiệm vụ Ban Xây dựng Đảng"
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any(summary.startswith("[vinh-tuy-2026 / 47]") for summary in summaries)
