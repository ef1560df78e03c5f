"""Under `planflow serve`, Prefect keeps its runs on PostgreSQL beside planflow's when planflow's is PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from models.db import Database
from planflow import service
from runtime.environment import reset_runtime
from runtime.prefect_database import ensure_prefect_database, sibling_prefect_url
from tests.conftest import POSTGRES_ADMIN_URL


def _exists(name: str) -> bool:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def test_sibling_url_keeps_the_server_and_login_and_names_the_database_after_planflows() -> None:
    url = sibling_prefect_url("postgresql+psycopg://clerk:p%40ss@db.example:5433/planflow?sslmode=require")
    assert url == "postgresql+asyncpg://clerk:p%40ss@db.example:5433/planflow_prefect?ssl=require"
    assert sibling_prefect_url("sqlite:////srv/planflow/planflow.db") is None


def test_sibling_database_is_created_on_first_start_and_found_on_the_next(postgres_database: Database) -> None:
    planflow_url = postgres_database.engine.url.render_as_string(hide_password=False)
    name = f"{postgres_database.engine.url.database}_prefect"
    assert not _exists(name)
    first = ensure_prefect_database(planflow_url)
    second = ensure_prefect_database(planflow_url)  # the next start finds it
    assert first == second and first is not None and make_url(first).database == name
    assert _exists(name)


def test_service_hands_the_sibling_to_its_prefect_server_unless_one_is_configured(
    postgres_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    planflow_url = postgres_database.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", planflow_url)
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    reset_runtime()
    try:
        chosen = service._prefect_database()["PREFECT_API_DATABASE_CONNECTION_URL"]
        assert make_url(chosen).database == f"{postgres_database.engine.url.database}_prefect"
        monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://elsewhere/prefect")
        assert service._prefect_database() == {}
    finally:
        monkeypatch.delenv("PLANFLOW_DATABASE_URL")
        reset_runtime()


def test_service_on_sqlite_leaves_prefect_on_its_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'planflow.db'}")
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    reset_runtime()
    try:
        assert service._prefect_database() == {}
    finally:
        monkeypatch.delenv("PLANFLOW_DATABASE_URL")
        reset_runtime()
