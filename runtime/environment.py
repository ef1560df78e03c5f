"""Process-wide resources: the database and Prefect's environment, set up once."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import httpx
from sqlalchemy.exc import ArgumentError, OperationalError

from models.db import Database
from models.errors import UnavailableError
from runtime.service_record import running_service_record, service_file
from runtime.settings import get_settings


class DatabaseUnreachableError(UnavailableError):
    """PLANFLOW_DATABASE_URL names no database planflow can open; the message says which and why."""


def running_service_file() -> Path:
    """Where `planflow serve` records its Prefect API while it runs."""
    return service_file(get_settings().home)


def running_service_api() -> str | None:
    """The Prefect API of a `planflow serve` running on this home, if one answers (checked in a second)."""
    record = running_service_record(get_settings().home)
    url = str(record.get("prefect_api_url") or "") if record else ""
    try:
        if url and httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
            return url
    except httpx.HTTPError:
        return None
    return None


def configure_prefect_environment() -> None:
    """Give Prefect its own home under planflow's and keep it offline; use the running service's API when
    `planflow serve` runs on this home (a flow run then costs a fraction of a second, not a server start);
    call before importing prefect."""
    settings = get_settings()
    if not os.environ.get("PREFECT_API_URL"):
        found = running_service_api()
        if found:
            os.environ["PREFECT_API_URL"] = found
            login = (running_service_record(settings.home) or {}).get("prefect_auth_string")
            if login and not os.environ.get("PREFECT_API_AUTH_STRING"):
                os.environ["PREFECT_API_AUTH_STRING"] = str(login)
    os.environ.setdefault("PREFECT_HOME", str(settings.home / "prefect"))
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # A temporary Prefect must migrate a new home first: on a busy 2-core machine that outlasts the 20 s default.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@lru_cache(maxsize=1)
def get_database() -> Database:
    """The database of this process, migrated to the latest schema on first use."""
    url = get_settings().resolved_database_url()
    try:
        return Database(url)
    except (ArgumentError, OperationalError, ValueError) as exc:
        shown = url.split("@")[-1] if "@" in url else url  # never print a password
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise DatabaseUnreachableError(
            f"không mở được cơ sở dữ liệu '{shown}' (PLANFLOW_DATABASE_URL): {reason}"
        ) from exc


def reset_runtime() -> None:
    """Forget the cached settings and database (tests switch databases with this), and stop the recorder that
    wrote to that database."""
    from runtime.run_recorder import stop_recorder

    stop_recorder()
    if get_database.cache_info().currsize:
        get_database().dispose()
    get_database.cache_clear()
    get_settings.cache_clear()
