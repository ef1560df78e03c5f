"""`planflow status`: the database, the Prefect API, the deployments and the outbox at a glance."""

from __future__ import annotations

import os
from typing import Any

import httpx
from sqlalchemy import func, select

from models.db import current_revision, head_revision
from models.escalation.sweep import SweepRun
from models.org.tables import Agency
from models.outbox.tables import Notification
from models.plan.tables import Plan, PlanTask
from runtime.environment import get_database, running_service_api
from runtime.service_record import running_service_record
from runtime.settings import get_settings


def database_status() -> dict[str, Any]:
    """Where the data is, whether its schema is current, and how much there is."""
    database = get_database()
    with database.session() as session:
        rows = session.execute(select(Notification.status, func.count()).group_by(Notification.status)).all()
        outbox: dict[str, int] = {status: count for status, count in rows}
        return {
            "url": database.engine.url.render_as_string(hide_password=True),
            "revision": current_revision(database.engine),
            "current": current_revision(database.engine) == head_revision(database.engine),
            "plans": session.scalar(select(func.count()).select_from(Plan)) or 0,
            "tasks": session.scalar(select(func.count()).select_from(PlanTask)) or 0,
            "outbox": {status: outbox.get(status, 0) for status in ("pending", "sending", "sent", "failed")},
        }


def sweep_status() -> dict[str, Any] | None:
    """The last sweep: the day it chased and the organizations it could not (they need a person)."""
    with get_database().session() as session:
        last = session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(1)).first()
        if last is None:
            return None
        return {"as_of": last.as_of.isoformat(), "started_at": last.started_at.isoformat(), "failures": last.failures}


def undelivered_status() -> list[dict[str, Any]]:
    """Recipients the outbox could not reach (no address, refused): the secretariat must tell them itself."""
    from models.escalation.undelivered import undelivered

    with get_database().session() as session:
        return [failure.to_dict() for failure in undelivered(session, limit=20)]


def webhook_status(secret_configured: bool) -> dict[str, Any]:
    """Agencies reached by webhook, and whether messages to them can go out (never unsigned)."""
    with get_database().session() as session:
        agencies = session.scalar(select(func.count()).select_from(Agency).where(Agency.webhook_url.is_not(None))) or 0
    problem = None
    if agencies and not secret_configured:
        problem = (
            f"{agencies} cơ quan nhận qua webhook nhưng chưa có khóa ký (PLANFLOW_WEBHOOK_SECRET): "
            "thông báo cho họ chờ, không gửi khi chưa ký"
        )
    return {"agencies": agencies, "signed": secret_configured, "problem": problem}


def prefect_status(api_url: str | None) -> dict[str, Any]:
    """Whether the Prefect API answers, and the planflow deployments it serves with their schedules."""
    if not api_url:
        return {
            "api": None,
            "healthy": False,
            "login": None,
            "note": "chưa có dịch vụ planflow nào chạy trên thư mục này (./run.sh serve), PREFECT_API_URL chưa đặt",
        }
    login = os.environ.get("PREFECT_API_AUTH_STRING") or (running_service_record() or {}).get("prefect_auth_string")
    try:
        healthy = httpx.get(f"{api_url}/health", timeout=5).status_code == 200
        anonymous = httpx.post(f"{api_url}/flows/filter", json={"limit": 1}, timeout=10).status_code
        client = httpx.Client(timeout=10, auth=_basic(str(login)) if login else None)
        with client:
            response = client.post(f"{api_url}/deployments/filter", json={"limit": 200})
            response.raise_for_status()
            flows = {f["id"]: f["name"] for f in client.post(f"{api_url}/flows/filter", json={"limit": 200}).json()}
    except httpx.HTTPError as exc:
        return {"api": api_url, "healthy": False, "login": None, "note": str(exc)}
    deployments = [
        {
            "name": f"{flows.get(d['flow_id'], '?')}/{d['name']}",
            "schedules": [s["schedule"].get("cron") or s["schedule"].get("interval") for s in d.get("schedules", [])],
            "active": any(s.get("active") for s in d.get("schedules", [])) and not d.get("paused", False),
        }
        for d in response.json()
        if "planflow" in d.get("tags", [])
    ]
    ordered = sorted(deployments, key=lambda d: str(d["name"]))
    return {"api": api_url, "healthy": healthy, "login": anonymous == 401, "deployments": ordered}


def _basic(login: str) -> httpx.BasicAuth:
    """Prefect's login 'user:password' as HTTP basic authentication."""
    user, _, password = login.partition(":")
    return httpx.BasicAuth(user, password)


def status() -> dict[str, Any]:
    """Everything `planflow status` shows."""
    settings = get_settings()
    return {
        "home": str(settings.home),
        "database": database_status(),
        "prefect": prefect_status(os.environ.get("PREFECT_API_URL") or running_service_api()),
        "smtp": settings.smtp_host or None,
        "webhook": webhook_status(settings.webhook_secret is not None),
        "sweep": sweep_status(),
        "undelivered": undelivered_status(),
    }
