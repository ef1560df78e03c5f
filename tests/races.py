"""Two processes that make moves at the same instant: each waits on a shared barrier, then applies its move in
its own transaction, as two people pressing the button together would."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.lifecycle.moves import MoveRequest


@dataclass(frozen=True)
class Outcome:
    """What one side of a race got: a result, a refusal (the state machine's own), or an error (a bug)."""

    kind: str  # "won" | "repeated" | "refused" | "error"
    detail: str
    result: dict[str, Any] | None = None


def _racer(url: str, barrier: Any, jobs: Any, outcomes: Any) -> None:
    from models.db import Database
    from models.lifecycle.moves import MoveError, apply_move_once
    from models.lifecycle.steps import InvalidMoveError

    database = Database(url, migrate=False)
    while True:
        job = jobs.get()
        if job is None:
            break
        request, now = job
        barrier.wait()
        try:
            result = apply_move_once(database, request, now=now)
            kind = "repeated" if result.repeated else "won"
            outcomes.put(Outcome(kind, result.to_status, result.to_dict()))
        except (MoveError, InvalidMoveError) as refusal:
            outcomes.put(Outcome("refused", f"{type(refusal).__name__}: {refusal}"))
        except Exception as exc:  # the race tests look for exactly these
            outcomes.put(Outcome("error", f"{type(exc).__name__}: {exc}"[:500]))
    database.dispose()


class RacingPair:
    """Two long-lived processes on one database; `race(a, b)` makes both moves at once."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._barrier = context.Barrier(2)
        self._jobs = [context.Queue(), context.Queue()]
        self._outcomes = [context.Queue(), context.Queue()]
        self._processes = [
            context.Process(target=_racer, args=(url, self._barrier, jobs, outcomes), daemon=True)
            for jobs, outcomes in zip(self._jobs, self._outcomes, strict=True)
        ]
        for process in self._processes:
            process.start()

    def race(self, first: tuple[MoveRequest, datetime], second: tuple[MoveRequest, datetime]) -> list[Outcome]:
        """Both moves released together; their outcomes in the same order."""
        self._jobs[0].put(first)
        self._jobs[1].put(second)
        return [outcomes.get(timeout=120) for outcomes in self._outcomes]

    def close(self) -> None:
        for jobs in self._jobs:
            jobs.put(None)
        for process in self._processes:
            process.join(timeout=30)
