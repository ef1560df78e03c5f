"""When work may be tried again: only when the database connection failed, not on bad data."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError


def database_hiccup(_task: Any, _run: Any, state: Any) -> bool:
    """Retry condition for tasks that write: a dropped connection, never a refused move."""
    try:
        state.result()
    except OperationalError:
        return True
    except Exception:
        return False
    return False


R = TypeVar("R")


def retrying_on_hiccup(work: Callable[[], R], *, attempts: int = 3, delay_seconds: float = 2.0) -> R:
    """Do `work`, again after a dropped connection (up to `attempts` times in all): the plain-code twin of
    `database_hiccup` for work done inside a flow's own run. Any other error is raised at once."""
    for _ in range(attempts - 1):
        try:
            return work()
        except OperationalError:
            time.sleep(delay_seconds)
    return work()
