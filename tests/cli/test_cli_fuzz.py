"""Every command of the CLI, each argument in turn replaced by hostile input: the answer is an exit code and at
most a line of error, never a traceback.

The commands are read from the parser itself, so a new command or option is fuzzed without a new test.
Long-running commands (serve, api, demo, bench) are left to their own tests.
"""

from __future__ import annotations

import argparse
import io
import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import Database
from planflow.cli import build_parser, main
from tests.paths import PLANS
from tests.seeding import seed

HOSTILE = [
    "",
    "-5",
    "nan",
    "1e400",
    "x" * 400,
    "0001-01-01T00:00",
    "9999-12-31",
    "2026-02-30",
    "dòng 1\r\ndòng 2",
    "sai\udcffutf8",  # what Linux hands over for bytes that are not UTF-8 (surrogateescape)
    "../../../etc/passwd",
    "=85",
]
LONG_RUNNING = {"serve", "api", "demo", "bench"}
# The options every task step shares are fuzzed on two steps; each step's own options on every step.
SHARED_STEP_OPTIONS = {"plan", "number", "actor", "idempotency_key", "key", "at", "json"}
SHARED_FUZZED_ON = {"acknowledge", "submit"}
# A valid value for each argument, so that one hostile value at a time reaches the code behind it.
VALID = {
    "plan": "vinh-tuy-2026",
    "code": "vinh-tuy-2026",
    "number": "47",
    "actor": "vanthu@vinhtuy.example",
    "email": "cvxd@vinhtuy.example",
    "period": "2026-Q2",
    "text": "Quý II/2026",
    "org": "dang-uy-phuong-vinh-tuy",
    "organization": "dang-uy-phuong-vinh-tuy",
    "due": "2026-06-26",
    "position": "1",
    "value": "85",
    "limit": "5",
    "notification_id": "1",
    "id": "1",
    "status": "pending",
}


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command words, its parser) for every leaf command of the tree."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from _commands(child, (*prefix, name))


def _value(action: argparse.Action, tmp: Path) -> str:
    if action.choices:
        return str(next(iter(action.choices)))
    if action.dest in ("file",):
        return str(PLANS / "vinh-tuy-2026.yaml")
    if action.dest in ("output", "out", "directory"):
        return str(tmp / "ra.yaml")
    return VALID.get(action.dest, "1")


def _invocations(tmp: Path) -> Iterator[list[str]]:
    for words, parser in _commands(build_parser()):
        if words[0] in LONG_RUNNING:
            continue
        arguments = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
        valued = [a for a in arguments if a.nargs != 0]
        base: list[tuple[argparse.Action, str]] = [
            (a, _value(a, tmp)) for a in valued if not a.option_strings or a.required
        ]
        for target in valued:
            if words[0] == "task" and target.dest in SHARED_STEP_OPTIONS and words[1] not in SHARED_FUZZED_ON:
                continue
            for hostile in HOSTILE:
                argv = list(words)
                chosen = dict(base)
                chosen[target] = hostile
                for action, value in chosen.items():
                    argv += [value] if not action.option_strings else [action.option_strings[-1], value]
                yield argv


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite only: the arguments are what is fuzzed here; both databases are fuzzed through the API."""
    path = tmp_path / "planflow.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    yield f"sqlite:///{path}"


@pytest.fixture
def seeded(planflow_env: Database) -> Database:
    seed(planflow_env)
    return planflow_env


def test_no_argument_of_any_command_gives_a_traceback(
    seeded: Database,
    prefect_harness: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failures: list[str] = []
    tried = 0
    monkeypatch.chdir(tmp_path)  # relative output paths among the hostile values land here, not in the checkout
    for argv in itertools.islice(_invocations(tmp_path), 5000):
        tried += 1
        monkeypatch.setattr("sys.stdin", io.StringIO("mot-mat-khau-du-dai\n"))  # set-password reads it
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse refusing a value: its usage line and exit 2
            code = int(exit_.code or 0)
        except BaseException as exc:  # anything else escaping main is the bug this test looks for
            failures.append(f"{argv!r}: {type(exc).__name__}: {exc}"[:300])
            continue
        err = capsys.readouterr().err
        if "Traceback" in err or code not in (0, 1, 2):
            failures.append(f"{argv!r}: exit {code}: {err[-300:]}")
    assert tried > 300
    assert not failures, f"{len(failures)} of {tried}:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize(
    "url", ["postgresql://nobody@127.0.0.1:1/khong-co", "khong-phai-url://", "sqlite:////proc/khong/co/planflow.db"]
)
def test_a_database_that_cannot_be_opened_is_one_line(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runtime.environment import reset_runtime

    monkeypatch.setenv("PLANFLOW_DATABASE_URL", url)
    reset_runtime()
    try:
        assert main(["plan", "show", "vinh-tuy-2026"]) == 2
    finally:
        reset_runtime()
    err = capsys.readouterr().err
    assert err.startswith("planflow: ") and err.count("\n") == 1 and "Traceback" not in err
