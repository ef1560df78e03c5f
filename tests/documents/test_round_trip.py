"""Export → import gives the same plan, in every format; the committed YAML is the importer's output."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.reader import read_plan
from documents.writer import write_plan
from documents.yaml_plan import dump_yaml
from tests.paths import PLANS, SEEDS

SEED_FILES = {"vinh-tuy-2026": SEEDS / "vinh-tuy-2026-plan.txt", "hai-phong-2026": SEEDS / "hai-phong-2026-plan.txt"}


@pytest.mark.parametrize("code", list(SEED_FILES))
def test_committed_canonical_yaml_is_what_the_importer_produces(code: str) -> None:
    fresh = read_plan(SEED_FILES[code])
    assert dump_yaml(fresh) == (PLANS / f"{code}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", list(SEED_FILES))
@pytest.mark.parametrize("suffix", [".yaml", ".xlsx", ".docx"])
def test_export_then_import_gives_the_same_plan(code: str, suffix: str, tmp_path: Path) -> None:
    original = read_plan(PLANS / f"{code}.yaml")
    exported = write_plan(original, tmp_path / f"{code}{suffix}")
    again = read_plan(exported)
    assert again.to_dict() == original.to_dict()


def test_excel_export_has_one_row_per_task_and_section(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    plan = read_plan(PLANS / "vinh-tuy-2026.yaml")
    workbook = load_workbook(write_plan(plan, tmp_path / "p.xlsx"))
    sheet = workbook["Phụ lục"]
    assert sheet.max_row == 1 + len(plan.tasks) + len(plan.sections)
    assert sheet["A1"].value == "STT"
    assert sheet.auto_filter.ref is not None


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx", ".docx"])
def test_a_classified_task_stays_classified_through_every_format(suffix: str, tmp_path: Path) -> None:
    from dataclasses import replace

    original = read_plan(PLANS / "vinh-tuy-2026.yaml")
    marked = replace(original, tasks=[replace(t, classified=t.number == "42") for t in original.tasks])
    again = read_plan(write_plan(marked, tmp_path / f"plan{suffix}"))
    assert [t.number for t in again.tasks if t.classified] == ["42"]
    assert again.to_dict() == marked.to_dict()
