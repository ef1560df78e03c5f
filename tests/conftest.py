"""Root fixtures: the database (SQLite and PostgreSQL), planflow's environment, the Prefect harness.

Each test database is a copy of a template migrated once per session with Alembic, so
the migrations themselves are exercised. PostgreSQL is used whenever it is reachable;
under CI (`CI=true`) an unreachable PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect and planflow read their homes at import time: point them at a scratch folder first.
_SCRATCH = Path(tempfile.mkdtemp(prefix="planflow-tests-"))
os.environ["PREFECT_HOME"] = str(_SCRATCH / "prefect")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PLANFLOW_HOME"] = str(_SCRATCH / "home")
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("PLANFLOW_DATABASE_URL", None)

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from models.db import Database, make_engine, upgrade  # noqa: E402
from runtime.environment import reset_runtime  # noqa: E402
from runtime.prefect_database import sibling_database_name  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("PLANFLOW_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_problem() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {exc}"


def _admin(sql: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def _database_url(name: str) -> str:
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SCRATCH, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the latest schema, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "planflow.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _drop_with_prefect_sibling(name: str) -> None:
    """A test database and the one `planflow serve` made beside it for Prefect's runs, if any."""
    for database in (name, sibling_database_name(name)):
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated once, used as the template of each test database."""
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must exercise PostgreSQL: {problem}")
        pytest.skip(problem)
    name = f"planflow_tmpl_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    engine = make_engine(_database_url(name))
    upgrade(engine)
    engine.dispose()
    yield name
    _drop_with_prefect_sibling(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database URL of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "planflow.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("postgres_template")
    name = f"planflow_test_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _database_url(name)
    _drop_with_prefect_sibling(name)


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh PostgreSQL database only, for what needs row locks between connections (races)."""
    template = request.getfixturevalue("postgres_template")
    name = f"planflow_test_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    db = Database(_database_url(name))
    yield db
    db.dispose()
    _drop_with_prefect_sibling(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The system of record for one test, on SQLite and on PostgreSQL."""
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def planflow_env(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """planflow's settings pointed at the test database, as the CLI and flows read them."""
    monkeypatch.setenv("PLANFLOW_DATABASE_URL", database.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PLANFLOW_HOME", str(tmp_path / "home"))
    reset_runtime()
    yield database
    reset_runtime()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real Prefect API (temporary server and database) for the session, heartbeat off."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(), temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
