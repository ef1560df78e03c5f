"""How close a task is to its deadline, as the portal colours it: in time, due soon, overdue."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from models.calendar.days import working_days_between
from models.lifecycle.workflow import CLOSED, TaskStatus

DUE_SOON_WORKING_DAYS = 7  # the portal's colour and the reports' "sắp đến hạn" both use this window


class Urgency(StrEnum):
    """A task's deadline colour."""

    IN_TIME = "in_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CLOSED = "closed"
    NO_DATE = "no_date"


URGENCY_LABELS_VI = {
    Urgency.IN_TIME: "trong hạn",
    Urgency.DUE_SOON: "sắp đến hạn",
    Urgency.OVERDUE: "quá hạn",
    Urgency.CLOSED: "đã kết thúc",
    Urgency.NO_DATE: "chưa có hạn cụ thể",
}


# most urgent first
URGENCY_ORDER = [Urgency.OVERDUE, Urgency.DUE_SOON, Urgency.IN_TIME, Urgency.NO_DATE, Urgency.CLOSED]


def urgency(status: str, due: date | None, today: date) -> Urgency:
    """Overdue after the due day; due soon within 7 working days of it; closed tasks and undated ones apart."""
    if TaskStatus(status) in CLOSED:
        return Urgency.CLOSED
    if due is None:
        return Urgency.NO_DATE
    if due < today:
        return Urgency.OVERDUE
    if working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return Urgency.DUE_SOON
    return Urgency.IN_TIME
