"""Evidence files: size limit, type by content, sanitised names, no path traversal, kept per task.

A stored file gets a reference ("evidence:<plan>/<task>/<stored name>") that the submission
lists, so each submission version keeps the files it was made with.
"""

from __future__ import annotations

import re
import time
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path

from models.errors import InvalidInputError

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_TASK = 50
MAX_BYTES_PER_TASK = 200 * 1024 * 1024
UNREFERENCED_GRACE_SECONDS = 24 * 3600  # an upload no submission names is removed after a day
# extension → the bytes such a file starts with (the type is checked by content, not by name)
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
}


class EvidenceError(InvalidInputError):
    """A file refused, with the reason (HTTP 422)."""

    status = 422


class EvidenceTooLargeError(EvidenceError):
    """A file over the size limit (HTTP 413)."""

    status = 413


def safe_name(name: str) -> str:
    """The last path part, accents removed, only letters, digits, dot, dash and underscore."""
    base = re.split(r"[\\/]", name)[-1]
    ascii_name = unicodedata.normalize("NFKD", base.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(c for c in ascii_name if not unicodedata.combining(c))
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-")
    if not cleaned or "." not in cleaned:
        raise EvidenceError("Tên tệp không hợp lệ (cần tên có phần mở rộng, ví dụ bao-cao.pdf).")
    return cleaned[-120:]


def check(name: str, content: bytes) -> str:
    """The sanitised name of an acceptable file, or EvidenceError saying why not."""
    cleaned = safe_name(name)
    extension = Path(cleaned).suffix.lower()
    if extension not in SIGNATURES:
        raise EvidenceError(f"Chỉ nhận tệp {', '.join(sorted(SIGNATURES))} (nhận được '{extension}').")
    if len(content) > MAX_BYTES:
        raise EvidenceTooLargeError(f"Tệp quá lớn ({len(content) // 1024} KB; tối đa {MAX_BYTES // 1024 // 1024} MB).")
    if not any(content.startswith(signature) for signature in SIGNATURES[extension]):
        raise EvidenceError(f"Nội dung tệp không phải {extension} như tên tệp ghi.")
    return cleaned


def store(root: Path, plan: str, task: str, name: str, content: bytes) -> str:
    """Keep the file under root/plan/task/ and return its reference."""
    cleaned = check(name, content)
    folder = root / safe_segment(plan) / safe_segment(task)
    folder.mkdir(parents=True, exist_ok=True)
    kept = [path for path in folder.iterdir() if path.is_file()]
    if len(kept) >= MAX_FILES_PER_TASK or sum(p.stat().st_size for p in kept) + len(content) > MAX_BYTES_PER_TASK:
        raise EvidenceTooLargeError(
            f"Nhiệm vụ đã có {len(kept)} tệp minh chứng ({sum(p.stat().st_size for p in kept) // 2**20} MB); "
            f"tối đa {MAX_FILES_PER_TASK} tệp, {MAX_BYTES_PER_TASK // 2**20} MB mỗi nhiệm vụ."
        )
    stored = f"{uuid.uuid4().hex[:12]}-{cleaned}"
    path = folder / stored
    if not _inside(root, path):
        raise EvidenceError("Đường dẫn tệp không hợp lệ.")
    path.write_bytes(content)
    return f"evidence:{plan}/{task}/{stored}"


def safe_segment(value: str) -> str:
    """A plan code or task number as a folder name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip(".-")
    if not cleaned:
        raise EvidenceError("Mã không hợp lệ.")
    return cleaned


def stored_path(root: Path, plan: str, task: str, stored: str) -> Path | None:
    """The file of a stored evidence name under its task's folder, or None (no other path can be reached)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", stored):
        return None
    path = root / safe_segment(plan) / safe_segment(task) / stored
    return path if path.is_file() and _inside(root, path) else None


def _inside(root: Path, path: Path) -> bool:
    """Whether a path, links resolved, stays under the evidence root."""
    return root.resolve() in path.resolve().parents


def remove(root: Path, reference: str) -> None:
    """Delete a stored file again (its move was refused, so nothing refers to it)."""
    plan, task, stored = reference.removeprefix("evidence:").split("/")
    path = stored_path(root, plan, task, stored)
    if path is not None:
        path.unlink()


def remove_unreferenced(root: Path, referenced: Iterable[str], *, now: float | None = None) -> list[str]:
    """Delete uploads older than a day that no submission names (an upload whose move never came);
    returns their references. Files a submission lists are kept for good."""
    keep = {_path_form(reference) for reference in referenced if reference.startswith("evidence:")}
    cutoff = (now if now is not None else time.time()) - UNREFERENCED_GRACE_SECONDS
    removed: list[str] = []
    if not root.is_dir():
        return removed
    for path in sorted(root.glob("*/*/*")):
        reference = "evidence:" + "/".join(path.relative_to(root).parts)
        if path.is_file() and reference not in keep and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(reference)
    return removed


def _path_form(reference: str) -> str:
    """A reference as the folders it is stored under name it (plan and task as folder names)."""
    parts = reference.removeprefix("evidence:").split("/")
    if len(parts) != 3:
        return reference
    try:
        return f"evidence:{safe_segment(parts[0])}/{safe_segment(parts[1])}/{parts[2]}"
    except EvidenceError:
        return reference
