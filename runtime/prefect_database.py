"""Prefect's own database under `planflow serve`: PostgreSQL beside planflow's when planflow's is PostgreSQL.

Prefect's default is a SQLite file in its home. Under concurrent moves (each a flow run writing its states) that
file locks: measured with five clerks moving at once, requests waited past a minute and some never finished. So a
service whose records are on PostgreSQL keeps Prefect's runs on the same server, in a database of its own named
after planflow's (`<name>_prefect`), created on first start. PREFECT_API_DATABASE_CONNECTION_URL, when set, wins.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

PREFECT_DATABASE_SUFFIX = "_prefect"


def sibling_database_name(name: str) -> str:
    """The name of Prefect's database beside planflow's database `name`."""
    return f"{name}{PREFECT_DATABASE_SUFFIX}"


def sibling_prefect_url(planflow_url: str) -> str | None:
    """The asyncpg URL of Prefect's database beside planflow's PostgreSQL one; None for any other backend."""
    url = make_url(planflow_url)
    if url.get_backend_name() != "postgresql" or not url.database:
        return None
    tls = {"ssl": str(url.query["sslmode"])} if "sslmode" in url.query else {}  # asyncpg's name for libpq's
    sibling = url.set(drivername="postgresql+asyncpg", database=sibling_database_name(url.database), query=tls)
    return sibling.render_as_string(hide_password=False)


def _libpq_url(planflow_url: str, database: str) -> str:
    url = make_url(planflow_url).set(drivername="postgresql", database=database, query={})
    return url.render_as_string(hide_password=False)


def ensure_prefect_database(planflow_url: str) -> str | None:
    """Create Prefect's sibling database when it is missing and return its URL (None when planflow's database is
    not PostgreSQL). A server that refuses CREATE DATABASE raises psycopg.Error: the caller says so and stays on
    Prefect's default."""
    prefect_url = sibling_prefect_url(planflow_url)
    if prefect_url is None:
        return None
    name = str(make_url(prefect_url).database)
    with psycopg.connect(_libpq_url(planflow_url, str(make_url(planflow_url).database)), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return prefect_url
