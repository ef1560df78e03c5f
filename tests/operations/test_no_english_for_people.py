"""No stored English value (a status, an action, a deadline kind, a decision, a role) reaches what a person reads:
the CLI's help and its human output, the three report formats, every portal page. `--json` keeps them."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import app
from models.accounts.login import set_password
from models.db import Database
from models.labels import ENGLISH_VALUES
from planflow import demo
from planflow.cli import build_parser, main
from tests.time import NOW

pytestmark = pytest.mark.prefect
ENGLISH = re.compile(
    r"(?<![\w/.=-])(" + "|".join(sorted(map(re.escape, ENGLISH_VALUES), key=len, reverse=True)) + r")(?![\w/-])"
)
PEOPLE = ("vanthu@vinhtuy.example", "cvxd@vinhtuy.example", "bithu@vinhtuy.example")
PASSWORD = "mat-khau-kiem-tra-tieng-viet"


def english_in(text: str) -> set[str]:
    """The stored English values standing as words in a text."""
    return set(ENGLISH.findall(text))


def test_the_finder_finds_what_it_looks_for() -> None:
    assert english_in("Trạng thái: in_progress → submitted") == {"in_progress", "submitted"}
    assert english_in("hạn 30/9/2026, đang thực hiện, /portal?tab=lead") == set()


def _help_texts(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, str]]:
    """Every text argparse shows from the words we gave it: descriptions, option help, metavars, choices."""
    yield path, parser.description or ""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:  # the commands' one-line help
                yield f"{path} {choice.dest}", choice.help or ""
            for name, sub in action.choices.items():  # command names are typed words, like --json
                yield from _help_texts(sub, f"{path} {name}")
            continue
        yield path, " ".join([action.help or "", str(action.metavar or ""), " ".join(map(str, action.choices or []))])


def test_cli_help_is_vietnamese() -> None:
    leaks = {
        f"{where}: {sorted(found)}"
        for where, text in _help_texts(build_parser(), "planflow")
        if (found := english_in(text))
    }
    assert leaks == set()


class _Visible(HTMLParser):
    """The text a browser shows: no tags, attributes, styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _Visible()
    reader.feed(html)
    return " ".join(reader.parts)


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def _xlsx_text(path: Path) -> str:
    workbook = load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.fixture
def quarter(prefect_harness: None, planflow_env: Database) -> Database:
    """The demo's quarter: moves of every kind on the Vĩnh Tuy plan, people with passwords."""
    demo.run_quarter(planflow_env)
    with planflow_env.transaction() as session:
        for email in PEOPLE:
            set_password(session, email=email, password=PASSWORD, now=NOW)
    return planflow_env


def test_reports_and_cli_output_and_portal_pages_are_vietnamese(
    quarter: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaks: dict[str, set[str]] = {}

    def check(where: str, text: str) -> None:
        assert text.strip(), f"{where} shows nothing"
        if found := english_in(text):
            leaks[where] = found

    assert main(["report", "compile", "--period", "2026-Q2", "--org", "dang-uy-phuong-vinh-tuy", "-o", str(tmp_path),
                 "--json"]) == 0  # fmt: skip
    files = [Path(f) for f in json.loads(capsys.readouterr().out)["files"]]
    readers = {".docx": _docx_text, ".xlsx": _xlsx_text, ".html": lambda p: visible_text(p.read_text())}
    assert sorted(f.suffix for f in files) == [".docx", ".html", ".xlsx"]
    for file in files:
        check(file.name, readers[file.suffix](file))

    for command in (["task", "show", "vinh-tuy-2026", "47"], ["tasks", "list", "--plan", "vinh-tuy-2026"],
                    ["plan", "show", "vinh-tuy-2026"], ["status"], ["deadline", "parse", "hằng quý"]):  # fmt: skip
        assert main(command) == 0
        check(" ".join(command), capsys.readouterr().out)

    for email in PEOPLE:
        browser = TestClient(app)
        browser.post("/portal/login", data={"email": email, "password": PASSWORD})
        home = browser.get("/portal").text
        assert "Cần tôi xử lý" in home, f"{email} is logged in"
        pages = {f"/portal?tab={tab}" for tab in ("mine", "lead", "coordinating", "all")} | {"/portal/report"}
        pages |= set(re.findall(r'href="(/portal/tasks/[^"]+)"', browser.get("/portal?tab=all").text)[:15])
        check(f"{email} /portal", visible_text(home))
        for url in sorted(pages):
            response = browser.get(url)
            if response.status_code == 200:
                check(f"{email} {url}", visible_text(response.text))
    check("/portal/login", visible_text(TestClient(app).get("/portal/login").text))
    assert leaks == {}
