"""Reading plan files at the size of a real Government programme: 150 tasks as Word and as the PDF printed
from it (LibreOffice prints it when installed), read through the one table pipeline."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from documents.reader import read_plan
from documents.writer import write_plan
from runtime.samples import SEED_PLAN

TASKS = 150


def _long_plan() -> Any:
    """The Vĩnh Tuy plan's real rows repeated to 150 tasks, numbered 1–150 in its six sections."""
    document = read_plan(SEED_PLAN)
    rows = [replace(task, number=str(n + 1)) for n, task in enumerate((document.tasks * 3)[:TASKS])]
    document.tasks = rows
    return document


def read_large_plans() -> dict[str, Any]:
    """Seconds to read a 150-task plan as .docx and as .pdf (the file writing is not timed)."""
    folder = Path(tempfile.mkdtemp(prefix="planflow-bench-plan-"))
    try:
        word = write_plan(_long_plan(), folder / "ke-hoach-150.docx")
        timings: dict[str, Any] = {"tasks": TASKS}
        started = time.perf_counter()
        timings["docx_tasks"] = len(read_plan(word).tasks)
        timings["docx_seconds"] = round(time.perf_counter() - started, 3)
        soffice = shutil.which("soffice")
        if soffice is None:
            timings["pdf_seconds"] = None
            timings["pdf_note"] = "LibreOffice is not installed: no PDF to read"
            return timings
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(word)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        started = time.perf_counter()
        timings["pdf_tasks"] = len(read_plan(folder / "ke-hoach-150.pdf").tasks)
        timings["pdf_seconds"] = round(time.perf_counter() - started, 3)
        return timings
    finally:
        shutil.rmtree(folder, ignore_errors=True)
