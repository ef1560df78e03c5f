"""The portal's "Mã cá nhân" page: a person creates a named, expiring token to act from the Prefect UI or a
program (shown once, stored as a SHA-256), sees their tokens and revokes them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response

from api.portal import Who, _check_form_key, _page, router
from models.accounts.personal_tokens import create_token, revoke_token, tokens_of
from models.errors import PlanflowError


def _tokens_page(request: Request, who: Who, new_token: str | None = None, message: str | None = None) -> Response:
    now = datetime.now(UTC)
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "expires_at": t.expires_at,
            "state": "đã thu hồi" if t.revoked_at else ("hết hạn" if t.expires_at <= now else "còn hiệu lực"),
            "live": t.revoked_at is None and t.expires_at > now,
            "last_used_at": t.last_used_at,
        }
        for t in tokens_of(who.session, who.person)
    ]
    context = {"who": who, "rows": rows, "new_token": new_token, "message": message}
    return _page(request, "tokens.html", context)


@router.get("/tokens")
def my_tokens(request: Request, who: Who) -> Response:
    """My personal tokens (never their text: it is shown once, when created)."""
    with who.session:
        return _tokens_page(request, who)


@router.post("/tokens")
def new_token(
    request: Request,
    who: Who,
    key: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=100)],
    days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> Response:
    """Create a token and show it this once."""
    _check_form_key(who, key)
    with who.session:
        try:
            token = create_token(who.session, who.person, name=name, days=days, now=datetime.now(UTC))
        except PlanflowError as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        who.session.commit()
        return _tokens_page(request, who, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, who: Who, token_id: int, key: Annotated[str, Form()]) -> Response:
    """Revoke one of my tokens at once: runs carrying it are refused from now on."""
    _check_form_key(who, key)
    with who.session:
        try:
            revoke_token(who.session, who.person, token_id, now=datetime.now(UTC))
        except PlanflowError as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        who.session.commit()
        return _tokens_page(request, who, message="Đã thu hồi mã.")
