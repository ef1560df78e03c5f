"""Every plan of the corpus (tests/fixtures/plans) reads field-exact against the expected file beside it:
count, sections, and each task's number, section, lead agency, coordinating agencies, result and deadline
text; the same plan as Word, PDF, web page and Markdown gives the same tasks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from documents.reader import read_plan, read_plan_with_details
from tests.paths import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "plans"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.endswith((".yaml", ".py")))


def expected_of(path: Path) -> dict[str, Any]:
    return yaml.safe_load((CORPUS / f"{path.name}.expected.yaml").read_text(encoding="utf-8"))


def reading(path: Path) -> dict[str, Any]:
    """The fields the expected files hold, as planflow reads them."""
    document = read_plan(path)
    return {
        "organization": document.organization.name,
        "tasks_count": len(document.tasks),
        "sections": [[s.number, s.title] for s in document.sections],
        "tasks": [
            {
                "number": t.number,
                "section": t.section,
                "lead_agency": t.lead_agency,
                "coordinating_agencies": t.coordinating_agencies,
                "expected_result": t.expected_result,
                "deadline": t.deadline,
            }
            for t in document.tasks
        ],
    }


def test_the_corpus_covers_every_format() -> None:
    suffixes = {p.suffix for p in FILES}
    assert {".docx", ".pdf", ".xlsx", ".html", ".md", ".txt", ".odt"} <= suffixes
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_corpus_plan_reads_field_exact(path: Path) -> None:
    if path.suffix == ".odt" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed: .odt is read through its conversion to .docx")
    expected = expected_of(path)
    got = reading(path)
    assert got["tasks_count"] == expected["tasks_count"]
    assert got["sections"] == expected["sections"]
    for mine, theirs in zip(got["tasks"], expected["tasks"], strict=True):
        assert mine == theirs, mine["number"]
    assert got["organization"] == expected["organization"]


def test_the_same_plan_in_four_formats_gives_the_same_tasks() -> None:
    names = ["vinh-tuy-word.docx", "vinh-tuy-in.pdf", "vinh-tuy-trang-web.html", "vinh-tuy-markdown.md"]
    readings = [[_fields(t) for t in read_plan(CORPUS / name).tasks] for name in names]
    for other in readings[1:]:
        assert other == readings[0]


def _fields(task: Any) -> tuple[Any, ...]:
    """A task's fields; the description without spaces (a PDF's text layer spaces "lớp, …" as it draws it)."""
    description = "".join(task.description.split())
    return (task.number, task.section, description, task.leaders, task.lead_agency, task.coordinating_agencies,
            task.expected_result, task.deadline)  # fmt: skip


def test_unknown_columns_are_kept_as_notes_and_sub_items_stay_with_their_task() -> None:
    excel = read_plan(CORPUS / "hai-phong-excel.xlsx")
    assert all("Kinh phí: Ngân sách thành phố" in t.notes for t in excel.tasks)
    word = read_plan(CORPUS / "hai-phong-word.docx")
    first_of_iv = next(t for t in word.tasks if t.section == "IV")
    assert " a) " in first_of_iv.description and " - Báo cáo kết quả về Văn phòng" in first_of_iv.description


def test_an_indicators_table_becomes_the_plans_indicators() -> None:
    path = CORPUS / "hai-phong-bang.txt"
    assert len(read_plan(path).indicators) == expected_of(path)["indicators_count"]


def test_the_reading_says_which_table_and_columns_it_used() -> None:
    details = read_plan_with_details(CORPUS / "hai-phong-excel.xlsx")
    assert details.format == "xlsx" and details.task_table is not None
    columns = details.task_table.columns
    assert columns.header_rows == 2
    assert {name: columns.titles[i] for name, i in columns.fields.items()} == {
        "number": "Số TT",
        "deadline": "Thời gian hoàn thành",
        "description": "Tên nhiệm vụ",
        "lead_agency": "Chủ trì",
        "coordinating_agencies": "Phối hợp",
        "expected_result": "Kết quả",
    }
