"""Tasks' deadlines as an iCalendar file (RFC 5545) that Outlook and phone calendars import: one all-day
event per dated task, a repeating event (its RRULE) per recurring duty. Classified tasks are left out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vRecur

from models.plan.deadlines import DeadlineKind


def tasks_calendar(tasks: list[dict[str, Any]], *, name: str, year: int | None = None) -> bytes:
    """An .ics of the tasks (the shape of `planflow tasks list --json`); `year` starts recurring duties."""
    calendar = Calendar()
    calendar.add("prodid", "-//planflow//Nhiệm vụ kế hoạch//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", " ".join(name.split()))  # one line: a header cannot hold a line break
    stamp = datetime.now(UTC)
    for task in tasks:
        if task.get("classified"):
            continue  # a "mật" task's content never leaves planflow
        event = _event(task, stamp, year)
        if event is not None:
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def _event(task: dict[str, Any], stamp: datetime, year: int | None) -> Event | None:
    deadline = task["deadline"]
    rule = deadline.get("rule")
    if deadline.get("due_date"):
        start = date.fromisoformat(deadline["due_date"])
    elif rule:  # the first occurrence from the plan's (or the range's) start: DTSTART must be one
        begin = datetime.combine(date.fromisoformat(deadline.get("start") or f"{year or stamp.year}-01-01"), time())
        first = rrulestr(f"RRULE:{rule}", dtstart=begin).after(begin, inc=True)
        if first is None:
            return None
        start = first.date()
    else:
        return None  # upstream or event deadlines have no date to put in a calendar yet
    event = Event()
    event.add("uid", f"{task['plan']}-{task['number']}@planflow")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("summary", f"[{task['plan']} / {task['number']}] {task['description'][:90]}")
    lead = task.get("lead_agency") or "chưa rõ cơ quan chủ trì"
    event.add("description", f"Chủ trì: {lead}\nThời hạn: {deadline['text']}\n{task['description']}")
    if rule and deadline.get("kind") == DeadlineKind.RECURRING.value:
        event.add("rrule", vRecur.from_ical(rule))
    return event
