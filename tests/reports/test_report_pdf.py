"""The quarterly Word report as LibreOffice prints it: one title naming the plan's number, the signature block
on one page, and no table column narrower than its longest word (no word broken across lines)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from models.db import Database
from tests.reports.test_report_documents import ORG, _compile, quarter  # noqa: F401 (the prepared quarter)

pytestmark = pytest.mark.prefect
SOFFICE = shutil.which("soffice")
if SOFFICE is None and os.environ.get("CI"):
    pytest.fail("LibreOffice (soffice) is missing: .ci/run installs libreoffice-writer-nogui", pytrace=False)
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")


def _printed(docx: Path, out: Path) -> list[str]:
    """Each page's text as LibreOffice prints the document."""
    assert SOFFICE is not None
    profile = out / "lo-profile"
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(out / f"{docx.stem}.pdf") as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _words(text: str) -> set[str]:
    return set(text.split())


@needs_libreoffice
def test_the_printed_report_keeps_its_title_signature_and_words_whole(
    quarter: Database,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if quarter.engine.dialect.name == "sqlite":
        pytest.skip("the printed document is the same from either database; printed once, from PostgreSQL")
    result = _compile(capsys, ORG, tmp_path)
    docx = next(Path(f) for f in result["files"] if f.endswith(".docx"))
    pages = _printed(docx, tmp_path)
    flat = [" ".join(page.split()) for page in pages]

    document = Document(str(docx))
    texts = [p.text for p in document.paragraphs]
    title = texts[texts.index("BÁO CÁO") + 1]  # the summary line under "BÁO CÁO"
    number = re.search(r"Kế hoạch số (\S+)", title)
    assert number and "-KH/" in number.group(1)  # the plan's own number ("…-KH/ĐU" while not yet numbered)
    assert " ".join(title.split()) in flat[0]  # the title, whole, on the first page
    assert sum(page.count("kết quả thực hiện Kế hoạch số") for page in flat) == 1
    assert title.count("năm 2026") == 1 and "Tiếp tục" not in title  # the year once, no capital mid-sentence

    signature = ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Trần Thị Thu"]
    holding = [index for index, page in enumerate(flat) if all(part in page for part in signature)]
    assert holding == [len(pages) - 1], "the signature block is together on the last page"

    printed = set().union(*(_words(page) for page in pages))
    broken = {
        word
        for table in document.tables[1:-1]  # the tables of the body (not the heading nor the closing)
        for row in table.rows
        for cell in row.cells
        for word in cell.text.split()
        if word not in printed
    }
    assert not broken, f"words broken across lines in a table column: {sorted(broken)[:10]}"
    lines = [" ".join(line.split()) for page in pages for line in page.splitlines()]
    wrapped = {
        name
        for table in document.tables[1:-1]
        for row in table.rows[1:]
        if len(name := " ".join(row.cells[0].text.split())) <= 30 and not any(name in line for line in lines)
    }
    assert not wrapped, f"short names wrapped in a column too narrow for them: {sorted(wrapped)[:10]}"
