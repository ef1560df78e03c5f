"""Every plan of the corpus through the door a secretariat uses — `planflow plan import`, which runs the
import-plan flow — lands in the database field-exact; every bad file is one line, a non-zero exit, and
leaves the database as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.audit import AuditEvent
from models.db import Database
from models.plan.tables import Plan, PlanTask
from planflow.cli import main
from tests.documents.test_plan_corpus import CORPUS, FILES, expected_of

pytestmark = pytest.mark.prefect


def _counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Plan)) or 0,
            session.scalar(select(func.count()).select_from(PlanTask)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_every_corpus_plan_imports_through_the_flow(
    planflow_env: Database, prefect_harness: None, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in FILES:
        if path.suffix == ".odt" and shutil.which("soffice") is None:
            continue
        code = path.name.replace(".", "-")
        assert main(["plan", "import", str(path), "--code", code, "--json"]) == 0, capsys.readouterr().err
        result = json.loads(capsys.readouterr().out)
        expected = expected_of(path)
        assert result["tasks"] == expected["tasks_count"], path.name
        with planflow_env.session() as session:
            stored = session.execute(
                select(PlanTask.number, PlanTask.deadline_text, PlanTask.expected_result)
                .join(Plan, PlanTask.plan_id == Plan.id)
                .where(Plan.code == code)
                .order_by(PlanTask.position)
            ).all()
        assert [(n, d, r) for n, d, r in stored] == [
            (t["number"], t["deadline"], t["expected_result"]) for t in expected["tasks"]
        ], path.name


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, a piece of the message it must give)."""
    files: dict[str, tuple[Path, str]] = {}

    def write(name: str, content: bytes, expect: str) -> None:
        path = tmp / name
        path.write_bytes(content)
        files[name] = (path, expect)

    write("rong.docx", b"", "tệp rỗng")
    write("khong-phai-word.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "nội dung không phải DOCX")
    write("hong.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF", "PDF")
    # TCVN3 (.VnTime), the pre-Unicode Vietnamese encoding old files still use
    write(
        "sai-bang-ma.txt", b"K\xd5 HO\xb9CH\n\nPH\xf9 L\xf9C\nTT\tNhi\xd6m v\xf4\tC\xa1 quan ch\xf7 tr\xd7\n", "UTF-8"
    )
    write("khong-co-bang.md", "# KẾ HOẠCH\n\nChỉ có lời văn, không có bảng nhiệm vụ.\n".encode(), "không tìm thấy")
    write("khong-co-bang.html", b"<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>",
          "không tìm thấy bảng nhiệm vụ")  # fmt: skip
    return files


def test_bad_files_are_one_line_and_change_nothing(
    planflow_env: Database, prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "import", str(CORPUS / "vinh-tuy-2026-plan.txt")]) == 0
    capsys.readouterr()
    before = _counts(planflow_env)
    for name, (path, expect) in _bad_files(tmp_path).items():
        for argv in (["plan", "import", str(path)], ["plan", "import", str(path), "--dry-run"]):
            assert main(argv) == 2, name
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and name in err and expect in err and "Traceback" not in err, err
    assert _counts(planflow_env) == before


def test_a_scanned_pdf_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PDF whose pages are pictures has no text to read: the message says to use the original or OCR."""
    from PIL import Image

    path = tmp_path / "ban-quet.pdf"
    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    assert main(["plan", "lint", str(path)]) == 2
    assert "bản quét" in capsys.readouterr().err


def test_dry_run_names_the_table_and_columns_and_writes_nothing(
    planflow_env: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _counts(planflow_env)
    assert main(["plan", "import", str(CORPUS / "vinh-tuy-trang-web.html"), "--dry-run", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["format"] == "html" and view["tasks"] == 58 and view["header_rows"] == 2
    assert view["columns"]["lead_agency"] == "Chủ trì" and view["columns"]["coordinating_agencies"] == "Phối hợp"
    assert len(view["sections"]) == 6 and sum(s["tasks"] for s in view["sections"]) == 58
    assert _counts(planflow_env) == before


def test_columns_override_a_header_too_unusual_to_guess(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "la.md"
    path.write_text(
        "ĐẢNG ỦY XÃ AN BÌNH\n\nKẾ HOẠCH\nthí điểm năm 2026\n\n"
        "| Số | Việc phải làm | Ai làm | Ai giúp | Khi nào xong |\n|---|---|---|---|---|\n"
        "| 1 | Rà soát danh sách đảng viên | Văn phòng Đảng ủy | Các chi bộ | Quý I/2026 |\n",
        encoding="utf-8",
    )
    assert main(["plan", "lint", str(path)]) == 2  # "Việc phải làm" is not a known header
    assert "--columns" in capsys.readouterr().err
    spec = "description=Việc phải làm,lead_agency=3,coordinating_agencies=Ai giúp,deadline=5"
    assert main(["plan", "import", str(path), "--dry-run", "--json", "--columns", spec]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["tasks"] == 1 and view["first_tasks"][0]["lead_agency"] == "Văn phòng Đảng ủy"
    assert view["organization"] == "Đảng ủy xã An Bình"
