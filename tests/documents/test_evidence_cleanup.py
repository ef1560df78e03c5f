"""Uploaded evidence that no submission names is removed after a day; named files are kept for good."""

from __future__ import annotations

import os
import time
from pathlib import Path

from documents.evidence import remove_unreferenced, store

PDF = b"%PDF-1.7\n"


def test_unreferenced_uploads_older_than_a_day_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    kept = store(root, "vinh-tuy-2026", "47", "bien-ban.pdf", PDF)
    orphan = store(root, "vinh-tuy-2026", "47", "bo-do.pdf", PDF)
    fresh = store(root, "vinh-tuy-2026", "I.1", "moi-tai.pdf", PDF)
    day_ago = time.time() - 25 * 3600
    for reference in (kept, orphan):
        path = root / Path(*reference.removeprefix("evidence:").split("/"))
        os.utime(path, (day_ago, day_ago))
    removed = remove_unreferenced(root, {kept})
    assert removed == [orphan]
    remaining = {"evidence:" + "/".join(p.relative_to(root).parts) for p in root.glob("*/*/*")}
    assert remaining == {kept, fresh}  # the named file stays; a fresh upload waits for its move
