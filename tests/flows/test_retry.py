"""Work done inside a flow's own run is tried again after a dropped connection, and only then."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from models.errors import ConflictError
from tasks.retry import retrying_on_hiccup


def _dropped() -> OperationalError:
    return OperationalError("UPDATE plan_tasks …", {}, ConnectionResetError("server closed the connection"))


def test_a_dropped_connection_is_tried_again_until_the_work_is_done() -> None:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _dropped()
        return "done"

    assert retrying_on_hiccup(work, delay_seconds=0) == "done"
    assert len(calls) == 3


def test_the_last_dropped_connection_is_raised_and_a_refusal_at_once() -> None:
    calls: list[int] = []

    def always_dropped() -> None:
        calls.append(1)
        raise _dropped()

    with pytest.raises(OperationalError):
        retrying_on_hiccup(always_dropped, attempts=2, delay_seconds=0)
    assert len(calls) == 2

    def refused() -> None:
        calls.append(1)
        raise ConflictError("Nhiệm vụ vừa thay đổi; hãy tải lại.")

    with pytest.raises(ConflictError):
        retrying_on_hiccup(refused, delay_seconds=0)
    assert len(calls) == 3  # one more call: a refusal is never tried again
