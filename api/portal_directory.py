"""The console's directory upload: the secretariat uploads its organization's directory file, sees exactly what
it would add and change, and only then applies it — recorded as the person, through the portal. The file is
kept under its SHA-256 between the two steps, so what is applied is what was previewed."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.portal import Who, _check_form_key, _page, router
from api.portal_console import secretariat_only
from documents.directory_yaml import read_directory
from models.audit import Channel
from models.errors import PlanflowError
from models.org.directory import DirectoryError, DirectoryFile, load_directory
from models.org.directory_preview import preview_directory
from models.org.tables import Organization
from runtime.settings import get_settings

MAX_BYTES = 1024 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _uploads() -> Path:
    folder = get_settings().home / "uploads" / "directory"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _kept(digest: str) -> Path:
    """The uploaded file kept under its digest (a digest that is not one, or no longer kept, is refused)."""
    path = _uploads() / f"{digest}.yaml"
    if not _DIGEST.match(digest) or not path.is_file():
        raise HTTPException(404, "Không còn tệp danh bạ này; hãy tải lên lại.")
    return path


def _own_file(who: Who, path: Path) -> DirectoryFile:
    """The file read and checked to be this organization's directory."""
    directory = read_directory(path)
    organization = who.session.get(Organization, who.person.organization_id)
    if organization is None or directory.organization != organization.code:
        raise DirectoryError(f"Tệp danh bạ là của tổ chức '{directory.organization}', không phải của tổ chức này.")
    return directory


@router.get("/console/directory")
def directory_form(request: Request, who: Who) -> Response:
    """The upload form."""
    secretariat_only(who)
    return _page(request, "directory.html", {"who": who, "changes": None, "digest": None, "error": None})


@router.post("/console/directory")
async def directory_preview(request: Request, who: Who, key: Annotated[str, Form()], file: UploadFile) -> Response:
    """Read the uploaded file and show what it would change; nothing is written yet."""
    _check_form_key(who, key)
    secretariat_only(who)
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise HTTPException(413, "Tệp danh bạ quá lớn (tối đa 1 MB).")
    digest = hashlib.sha256(content).hexdigest()
    path = _uploads() / f"{digest}.yaml"
    path.write_bytes(content)
    context: dict[str, Any] = {"who": who, "changes": None, "digest": None, "error": None}
    with who.session as session:
        try:
            directory = _own_file(who, path)
            context |= {"changes": preview_directory(session, directory, organization_id=who.person.organization_id)}
            context["digest"] = digest
        except PlanflowError as exc:
            path.unlink(missing_ok=True)
            context["error"] = str(exc)
        return _page(request, "directory.html", context, status=200 if context["digest"] else 422)


@router.post("/console/directory/apply")
def directory_apply(who: Who, key: Annotated[str, Form()], digest: Annotated[str, Form(max_length=64)]) -> Response:
    """Apply the previewed file, as this person through the portal."""
    _check_form_key(who, key)
    secretariat_only(who)
    path = _kept(digest)
    with who.session as session:
        try:
            load_directory(
                session,
                directory=_own_file(who, path),
                actor=who.person.full_name,
                now=datetime.now(UTC),
                channel=Channel.PORTAL.value,
            )
        except PlanflowError as exc:
            session.rollback()
            raise HTTPException(exc.status, str(exc)) from exc
        session.commit()
    path.unlink(missing_ok=True)
    return RedirectResponse("/portal/console?done=directory", status_code=303)
