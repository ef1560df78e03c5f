"""When a Prefect task may retry: only when the database connection failed, not on bad data."""

from __future__ import annotations

from typing import Any

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
