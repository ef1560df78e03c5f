"""The console's "Mã hệ thống cấp trên" page: the secretariat issues a token to an upper-level system (read the
organization's tasks and reports, or also make one agency's moves), sees who holds one and revokes it. Each
system is an account of its own: what it does is audited under its name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from api.portal import Who, _check_form_key, _page, router
from api.portal_console import secretariat_only
from models.accounts.machine_tokens import (
    SCOPE_LABELS_VI,
    MachineScope,
    create_machine_token,
    machine_tokens_of,
    revoke_machine_token,
)
from models.calendar.days import VIETNAM
from models.errors import PlanflowError
from models.org.tables import Agency
from models.vn_format import day_text


def _systems_page(request: Request, who: Who, new_token: str | None = None, message: str | None = None) -> Response:
    now = datetime.now(UTC)
    session, organization_id = who.session, who.person.organization_id
    rows = [
        {
            "id": token.id,
            "system": account.full_name,
            "scope": SCOPE_LABELS_VI[MachineScope(account.machine_scope or MachineScope.READ)],
            "agency": account.agency.name if account.agency else "—",
            "created": f"{token.created_by}, {day_text(token.created_at.astimezone(VIETNAM).date())}",
            "expires_at": token.expires_at,
            "live": token.revoked_at is None and token.expires_at > now,
            "state": "đã thu hồi" if token.revoked_at else ("hết hạn" if token.expires_at <= now else "còn hiệu lực"),
            "last_used_at": token.last_used_at,
        }
        for token, account in machine_tokens_of(session, organization_id)
    ]
    agencies = session.scalars(
        select(Agency.name).where(Agency.organization_id == organization_id).order_by(Agency.name)
    ).all()
    context: dict[str, Any] = {
        "who": who,
        "rows": rows,
        "agencies": agencies,
        "scopes": SCOPE_LABELS_VI,
        "new_token": new_token,
        "message": message,
    }
    return _page(request, "systems.html", context)


@router.get("/console/systems")
def systems(request: Request, who: Who) -> Response:
    """The organization's system tokens (never their text: it is shown once, when issued)."""
    secretariat_only(who)
    with who.session:
        return _systems_page(request, who)


@router.post("/console/systems")
def issue(
    request: Request,
    who: Who,
    key: Annotated[str, Form()],
    system: Annotated[str, Form(max_length=200)],
    scope: Annotated[MachineScope, Form()],
    agency: Annotated[str, Form(max_length=300)] = "",
    days: Annotated[int, Form(ge=1, le=366)] = 180,
) -> Response:
    """Issue a token to a system and show it this once."""
    _check_form_key(who, key)
    secretariat_only(who)
    with who.session as session:
        try:
            token = create_machine_token(
                session, who.person, system=system, scope=scope, agency=agency or None, days=days, now=datetime.now(UTC)
            )
        except PlanflowError as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        session.commit()
        return _systems_page(request, who, new_token=token)


@router.post("/console/systems/{token_id}/revoke")
def revoke(request: Request, who: Who, token_id: int, key: Annotated[str, Form()]) -> Response:
    """Revoke a system's token at once: its next request is refused."""
    _check_form_key(who, key)
    secretariat_only(who)
    with who.session as session:
        try:
            revoke_machine_token(session, who.person, token_id, now=datetime.now(UTC))
        except PlanflowError as exc:
            raise HTTPException(exc.status, str(exc)) from exc
        session.commit()
        return _systems_page(request, who, message="Đã thu hồi mã của hệ thống.")
