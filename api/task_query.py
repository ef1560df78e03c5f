"""The portal list's query string read into a `TaskQuery`: unknown values fall back to "no filter", never 500."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode

from models.lifecycle.task_list import Tab, TaskQuery, Window
from models.lifecycle.workflow import TaskStatus

MAX_TEXT = 200
E = TypeVar("E", bound=StrEnum)


def _choice(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def read_query(params: Mapping[str, str]) -> TaskQuery:
    """The tab, filters, search text and page the person asked for (the first tab when none)."""
    try:
        page = int(params.get("page") or 1)
    except ValueError:
        page = 1
    return TaskQuery(
        tab=_choice(Tab, params.get("tab")) or Tab.MINE,
        status=_choice(TaskStatus, params.get("status")),
        window=_choice(Window, params.get("window")),
        section=(params.get("section") or "").strip()[:20] or None,
        text=(params.get("q") or "").strip()[:MAX_TEXT],
        page=max(1, min(page, 10_000)),
    )


def link(query: TaskQuery, **changes: object) -> str:
    """The portal URL of this list with some parts changed (a tab resets the page, the filters stay)."""
    values: dict[str, object] = {
        "tab": query.tab.value,
        "status": query.status.value if query.status else "",
        "window": query.window.value if query.window else "",
        "section": query.section or "",
        "q": query.text,
        "page": query.page,
    }
    values.update(changes)
    kept = {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}
    return "/portal?" + urlencode(kept) if kept else "/portal"
