"""The compile-report flow against a real Prefect API: Word in the Party layout, Excel, HTML, artifacts, roll-up."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlalchemy import update

from documents.reader import read_plan
from models.db import Database
from models.plan.store import save_plan
from models.plan.tables import PlanTask
from planflow import demo
from planflow.cli import main
from runtime.environment import reset_runtime
from tests.paths import PLANS

pytestmark = pytest.mark.prefect
ORG = "dang-uy-phuong-vinh-tuy"


@pytest.fixture
def quarter(prefect_harness: None, planflow_env: Database) -> Database:
    demo.run_quarter(planflow_env)
    with planflow_env.transaction() as session:  # hostile text typed into a task by someone
        session.execute(
            update(PlanTask)
            .where(PlanTask.number == "9")
            .values(description="<script>alert('x')</script> Xây dựng quy chế")
        )
    return planflow_env


def _compile(capsys: pytest.CaptureFixture[str], org: str, out: Path) -> dict:
    assert main(["report", "compile", "--period", "2026-Q2", "--org", org, "-o", str(out), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_quarterly_report_files_and_artifacts(quarter: Database, tmp_path: Path, capsys) -> None:
    result = _compile(capsys, ORG, tmp_path)
    docx, xlsx, html = (Path(f) for f in result["files"])
    assert result["figures"]["completed_on_time"] == 4 and result["figures"]["overdue"] == 1

    text = _docx_text(docx)
    for part in [
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "ĐẢNG ỦY PHƯỜNG VĨNH TUY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "-BC/ĐU",
        "BÁO CÁO",
        "quý II năm 2026",
        "I. KẾT QUẢ THỰC HIỆN",
        "Theo lãnh đạo phụ trách",
        "II. ĐÁNH GIÁ CHUNG",
        "III. NHIỆM VỤ TRỌNG TÂM QUÝ III NĂM 2026",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Thiếu nhân sự chuyên trách",
        "Nơi nhận:",
        "Lưu: VPĐU",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Trần Thị Thu",
        "không xem xét",
    ]:
        assert part in text, part
    assert "Vĩnh Tuy, ngày " in text  # the place-and-date line
    [subject] = [line for line in text.splitlines() if line.startswith("kết quả thực hiện")]
    assert subject.endswith(", quý II năm 2026") and subject.count("2026") == 1  # the year once, no capital inside
    assert re.search(r"Tỷ lệ hoàn thành đúng hạn \d+,\d %", text)  # 80,0 %, not 80.0%
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)  # no ISO date where a person reads
    section = Document(str(docx)).sections[0]
    assert (round(section.page_width.cm), round(section.page_height.cm)) == (21, 30)  # A4 (29.7 cm)

    sheet = load_workbook(xlsx)["Phụ lục"]
    assert sheet.max_row == 1 + 58
    assert sheet.auto_filter.ref == "A1:L59" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    overdue_row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == 29)  # a number cell
    assert overdue_row[7] == "quá hạn"
    assert isinstance(overdue_row[6], datetime) and overdue_row[6].date() < date(2026, 6, 30)  # a date cell
    overdue_cells = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == 29)
    assert overdue_cells[6].number_format == "d/m/yyyy"
    assert overdue_cells[3].fill.fgColor.rgb == "00FFCDD2" and overdue_cells[3].alignment.wrap_text

    page = html.read_text(encoding="utf-8")
    assert f"<small>{subject}</small>" in page  # the same title in Word and HTML
    assert not re.search(r">[^<]*\b20\d\d-\d\d-\d\d\b[^<]*<", page)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert page.count('src="data:image/png;base64,') == 3

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[f"report-{ORG}-2026-q2-summary", f"report-{ORG}-2026-q2-table"])
            )
        )
    assert {a.type for a in artifacts} == {"markdown", "table"}


def _second_ward(planflow_env: Database, tmp_path: Path) -> None:
    """The demo's quarter in Vĩnh Tuy and a second ward of the city that has done nothing yet."""
    demo.run_quarter(planflow_env)
    data = yaml.safe_load((PLANS / "vinh-tuy-2026.yaml").read_text(encoding="utf-8"))
    data["code"] = "vinh-hung-2026"
    data["organization"].update(
        code="dang-uy-phuong-vinh-hung", name="Đảng ủy phường Vĩnh Hưng", place_name="Vĩnh Hưng"
    )
    second = tmp_path / "vinh-hung.yaml"
    second.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with planflow_env.transaction() as session:
        save_plan(session, document=read_plan(second), actor="test", now=demo.at(demo.date(2026, 2, 27)))


def test_a_city_rolls_up_its_wards(prefect_harness: None, planflow_env: Database, tmp_path: Path, capsys) -> None:
    _second_ward(planflow_env, tmp_path)
    ward = _compile(capsys, ORG, tmp_path / "ward")["figures"]
    city = _compile(capsys, "dang-bo-thanh-pho-ha-noi", tmp_path / "city")
    assert city["figures"]["tasks"] == 116
    assert city["figures"]["completed_on_time"] == ward["completed_on_time"]  # the new ward has done nothing yet
    assert city["figures"]["not_assigned"] == 58
    assert "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI" in _docx_text(Path(city["files"][0]))


def test_demo_ends_with_the_report_on_disk(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", "replaced-by-the-demo")
    reset_runtime()
    try:
        assert main(["demo", "-o", str(tmp_path / "out")]) == 0
    finally:
        reset_runtime()
    printed = capsys.readouterr().out
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"bao-cao-{ORG}-2026-Q2.{ext}" for ext in ("docx", "html", "xlsx")]
    assert all(str(tmp_path / "out" / name) in printed for name in files)


def test_word_excel_and_html_show_the_same_figures_and_definitions(quarter: Database, tmp_path: Path, capsys) -> None:
    from html.parser import HTMLParser

    from models.reporting.figures import CATEGORIES, RATIO_DEFINITIONS

    result = _compile(capsys, ORG, tmp_path)
    docx, xlsx, html = (Path(f) for f in result["files"])
    word = {
        row.cells[0].text: int(row.cells[1].text)
        for table in Document(str(docx)).tables
        for row in table.rows[1:]
        if table.rows[0].cells[0].text == "Trạng thái"
    }
    workbook = load_workbook(xlsx)
    excel = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=3, values_only=True) if row[0] in word}

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag == "td" and self.rows:
                self.rows[-1].append("")

        def handle_data(self, data: str) -> None:
            if self.rows and self.rows[-1]:
                self.rows[-1][-1] += data

    cells = Cells()
    page = html.read_text(encoding="utf-8")
    cells.feed(page)
    web = {row[0]: int(row[1]) for row in cells.rows if len(row) == 3 and row[0] in word}
    assert word == excel == web == {label: result["figures"][key] for key, label in CATEGORIES}
    assert {"Tổng hợp", "Theo cơ quan chủ trì", "Theo mục", "Định nghĩa", "Phụ lục"} <= set(workbook.sheetnames)
    agencies = workbook["Theo cơ quan chủ trì"]
    assert agencies.freeze_panes == "B2" and agencies.auto_filter.ref
    first = next(agencies.iter_rows(min_row=2))
    assert isinstance(first[1].value, int) and first[-1].number_format == "0.0%"
    meanings = {row[0]: row[1] for row in workbook["Định nghĩa"].iter_rows(min_row=2, values_only=True)}
    text = _docx_text(docx)
    for name, meaning in RATIO_DEFINITIONS.values():  # one definition, printed the same in all three
        assert meanings[name] == meaning and f"{name} = {meaning}." in text and f"{name} = {meaning}." in page


def test_a_roll_up_summarises_its_units_and_exports_the_full_list_apart(
    prefect_harness: None, planflow_env: Database, tmp_path: Path, capsys
) -> None:
    _second_ward(planflow_env, tmp_path)
    city = "dang-bo-thanh-pho-ha-noi"
    args = ["report", "compile", "--period", "2026-Q2", "--org", city, "-o", str(tmp_path / "city"), "--top", "1"]
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    docx, xlsx, html = (Path(f) for f in result["files"])
    stored = json.loads(json.dumps(result["figures"]))
    assert stored["tasks"] == 116
    workbook = load_workbook(xlsx)
    assert "Phụ lục" not in workbook.sheetnames  # no reader of a roll-up wants every task in it
    units = [row for row in workbook["Theo đơn vị trực thuộc"].iter_rows(min_row=2, values_only=True)]
    assert [(rank, name, tasks) for rank, name, tasks, *_ in units] == [
        (1, "Đảng ủy phường Vĩnh Hưng", 58),  # nothing overdue yet ranks first
        (2, "Đảng ủy phường Vĩnh Tuy", 58),
    ]
    page = html.read_text(encoding="utf-8")
    assert 'id="units"' in page and "Phụ lục: các nhiệm vụ" not in page
    assert "1 nhiệm vụ quá hạn nhiều ngày nhất, trong tổng số 2" in page  # --top 1 of the overdue and late
    text = _docx_text(docx)
    assert "Theo đơn vị trực thuộc (xếp hạng)" in text and "trong tổng số 2" in text
    export = tmp_path / "ds.xlsx"
    assert main(["report", "tasks", "--period", "2026-Q2", "--org", city, "-o", str(export), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tasks"] == 116
    rows = list(load_workbook(export)["Nhiệm vụ"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 116 and {row[0] for row in rows} == {"vinh-tuy-2026", "vinh-hung-2026"}
    refused = tmp_path / "khong-co.xlsx"  # an unknown organization: one line, and no file left behind
    assert main(["report", "tasks", "--period", "2026-Q2", "--org", "khong-co", "-o", str(refused)]) != 0
    assert "Không có tổ chức đảng mã 'khong-co'" in capsys.readouterr().err and not refused.exists()
