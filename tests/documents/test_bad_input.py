"""Bad plan files are refused with a message naming the row and the problem; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from sqlalchemy import func, select

from documents.reader import read_plan
from models.audit import AuditEvent
from models.db import Database
from models.plan.document import PlanImportError
from models.plan.store import save_plan
from models.plan.tables import Plan, PlanTask
from tests.paths import PLANS
from tests.time import NOW


def _counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Plan)) or 0,
            session.scalar(select(func.count()).select_from(PlanTask)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def _canonical() -> dict:
    return yaml.safe_load((PLANS / "vinh-tuy-2026.yaml").read_text(encoding="utf-8"))


def _write_yaml(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _import(database: Database, path: Path) -> None:
    document = read_plan(path)
    with database.transaction() as session:
        save_plan(session, document=document, actor="test", now=NOW)


def test_impossible_date_names_task_and_date_and_writes_nothing(database: Database, tmp_path: Path) -> None:
    data = _canonical()
    data["tasks"][4]["deadline"] = "31/2/2026"
    before = _counts(database)
    with pytest.raises(
        PlanImportError, match=r"nhiệm vụ 5: Thời hạn '31/2/2026': ngày 31, tháng 2, năm 2026 không có thật"
    ):
        _import(database, _write_yaml(tmp_path, data))
    assert _counts(database) == before


def test_empty_task_is_refused(database: Database, tmp_path: Path) -> None:
    data = _canonical()
    data["tasks"][9]["description"] = "   "
    with pytest.raises(PlanImportError, match=r"nhiệm vụ 10: nhiệm vụ trống"):
        _import(database, _write_yaml(tmp_path, data))
    assert _counts(database) == (0, 0, 0)


def test_duplicated_task_number_names_both_rows(database: Database, tmp_path: Path) -> None:
    data = _canonical()
    data["tasks"][11]["number"] = "11"
    with pytest.raises(PlanImportError, match=r"nhiệm vụ 11: số thứ tự nhiệm vụ bị trùng"):
        _import(database, _write_yaml(tmp_path, data))
    assert _counts(database) == (0, 0, 0)


def test_bad_reimport_leaves_the_stored_plan_as_it_was(database: Database, tmp_path: Path) -> None:
    _import(database, PLANS / "vinh-tuy-2026.yaml")
    before = _counts(database)
    data = _canonical()
    data["tasks"][0]["description"] = "Nội dung mới của nhiệm vụ một, đã sửa"
    data["tasks"][30]["deadline"] = "30/2/2026"
    with pytest.raises(PlanImportError):
        _import(database, _write_yaml(tmp_path, data))
    assert _counts(database) == before
    with database.session() as session:
        first = session.scalars(select(PlanTask).where(PlanTask.number == "1")).one()
        assert first.description.startswith("Lãnh đạo cơ quan, trước hết là người đứng đầu")


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "plan.xlsx"
    broken.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(PlanImportError, match="nội dung không phải XLSX"):
        read_plan(broken)
    binary = tmp_path / "plan.txt"
    binary.write_bytes(b"\xff\xfe\x00PH\xe1")
    with pytest.raises(PlanImportError, match="UTF-8"):
        read_plan(binary)
    with pytest.raises(PlanImportError, match="không tìm thấy tệp"):
        read_plan(tmp_path / "missing.yaml")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(PlanImportError, match="không đọc được YAML"):
        read_plan(bad_yaml)


def test_wrong_columns_name_the_missing_ones(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["STT", "Tên nhiệm vụ", "Ghi chú"])
    sheet.append([1, "Một nhiệm vụ có nội dung rõ ràng", ""])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    with pytest.raises(
        PlanImportError,
        match=r"không tìm thấy bảng nhiệm vụ.*Cơ quan chủ trì.*Thời gian hoàn thành.*STT \| Tên nhiệm vụ",
    ):
        read_plan(path)


def test_yaml_missing_fields_are_named(tmp_path: Path) -> None:
    data = _canonical()
    del data["tasks"][2]["description"]
    del data["year"]
    with pytest.raises(PlanImportError) as caught:
        read_plan(_write_yaml(tmp_path, data))
    message = str(caught.value)
    assert "year" in message
    assert "nhiệm vụ thứ 3 (số 3)" in message and "description" in message


def test_table_row_with_a_bad_number_is_reported_with_its_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Kết quả", "Thời gian hoàn thành"])
    sheet.append([1, "Nhiệm vụ thứ nhất có nội dung", "Văn phòng Đảng ủy", "Báo cáo", "Quý I/2026"])
    sheet.append(["x7", "Nhiệm vụ có số thứ tự sai", "Văn phòng Đảng ủy", "Báo cáo", "Quý I/2026"])
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    with pytest.raises(PlanImportError, match=r"dòng 3: số thứ tự 'x7' không phải số nhiệm vụ"):
        read_plan(path)


ALIAS_BOMB = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 400
    with pytest.raises(PlanImportError, match="bí danh YAML"):
        read_plan(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from documents import reader

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "lon.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(PlanImportError, match="quá giới hạn"):
        read_plan(path)


def test_a_plan_over_the_task_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from documents import reader

    monkeypatch.setattr(reader, "MAX_TASKS", 10)
    with pytest.raises(PlanImportError, match="58 nhiệm vụ, quá giới hạn 10"):
        read_plan(PLANS / "vinh-tuy-2026.yaml")


def test_an_eight_megabyte_text_dump_is_read_in_one_pass(tmp_path: Path) -> None:
    """The PDF text dump with its appendix's continuation lines repeated to 8 MB: the reader joins each
    cell's lines once (appending to a string per line made this take 101 s; it now takes a few)."""
    from tests.paths import SEEDS

    source = (SEEDS / "vinh-tuy-2026-plan.txt").read_text(encoding="utf-8")
    head, _, appendix = source.partition("PHỤ LỤC")
    lines = appendix.splitlines()
    body = head + "PHỤ LỤC" + "\n".join(lines + lines[20:] * 300)
    path = tmp_path / "vinh-tuy-lon.txt"
    path.write_text(body, encoding="utf-8")
    assert path.stat().st_size > 7.5 * 2**20
    assert len(read_plan(path).tasks) == 58
