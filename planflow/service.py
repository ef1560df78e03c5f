"""`planflow serve`: the Prefect server (unless one is configured), the seed plan, every deployment."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg

from models.errors import PlanflowError
from runtime.environment import configure_prefect_environment, get_database, running_service_file
from runtime.prefect_database import ensure_prefect_database
from runtime.samples import SEED_DIRECTORY, SEED_PLAN
from runtime.service_record import CLI_TOKEN_VARIABLE
from runtime.settings import get_settings

SERVER_START_TIMEOUT = 90.0


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ExposedWithoutLoginError(PlanflowError):
    """The Prefect UI and API would listen beyond this machine with no login: anyone on the network could act."""

    status = 400


def _server_address() -> tuple[str, int]:
    host = os.environ.get("PREFECT_SERVER_API_HOST", "127.0.0.1")
    port = int(os.environ.get("PREFECT_SERVER_API_PORT", "4200"))
    return host, port


def require_login_beyond_loopback() -> str | None:
    """The Prefect login ('user:password') in force; refuses to serve beyond loopback without one. Every process
    started here (the portal, the deployments' runner) and every command that finds the service uses it."""
    host, _port = _server_address()
    login = os.environ.get("PREFECT_SERVER_API_AUTH_STRING") or None
    if login is None and not os.environ.get("PREFECT_API_URL") and host not in LOOPBACK_HOSTS:
        raise ExposedWithoutLoginError(
            f"Giao diện và API Prefect sẽ nghe trên {host} (ngoài máy này) mà chưa có đăng nhập: đặt "
            "PREFECT_SERVER_API_AUTH_STRING='ten:mat-khau' (hoặc lấy từ Secret) rồi chạy lại, "
            "hoặc để PREFECT_SERVER_API_HOST=127.0.0.1."
        )
    if login is not None:
        os.environ.setdefault("PREFECT_API_AUTH_STRING", login)  # the clients of this process and its children
    return os.environ.get("PREFECT_API_AUTH_STRING") or login


def _wait_healthy(api_url: str, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Prefect server stopped at start (exit {process.returncode}); see its log above.")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Prefect server at {api_url} did not answer within {SERVER_START_TIMEOUT:.0f} s.")


@contextmanager
def child_process(command: list[str], env: dict[str, str], log_name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A process of its own session, logging to $PLANFLOW_HOME/<log_name>, stopped (SIGTERM, then SIGKILL) on exit."""
    log = (get_settings().home / log_name).open("ab")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _prefect_database() -> dict[str, str]:
    """Where the local Prefect server keeps its runs: PostgreSQL beside planflow's when that is PostgreSQL (its
    default SQLite file locks under concurrent moves), unless PREFECT_API_DATABASE_CONNECTION_URL says otherwise."""
    if os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL"):
        return {}
    try:
        url = ensure_prefect_database(get_settings().resolved_database_url())
    except psycopg.Error as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        print(f"Prefect ghi lượt chạy vào tệp SQLite (không tạo được cơ sở dữ liệu riêng cho Prefect: {reason}).")
        return {}
    return {"PREFECT_API_DATABASE_CONNECTION_URL": url} if url else {}


@contextmanager
def prefect_server() -> Iterator[str]:
    """The API URL in force: the configured PREFECT_API_URL, or a local server started here."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        _wait_healthy(configured, None)
        yield configured
        return
    host, port = _server_address()
    env = {**os.environ, "PREFECT_SERVER_API_HOST": host, "PREFECT_SERVER_API_PORT": str(port)}
    env.update(_prefect_database())
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    with child_process(command, env, "prefect-server.log") as process:
        api_url = f"http://{host}:{port}/api"
        _wait_healthy(api_url, process)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url


@contextmanager
def portal_server(api_url: str, cli_token: str) -> Iterator[str | None]:
    """The agency portal and HTTP API (`planflow api`) beside the Prefect server, its moves run on that API;
    it also takes the local command line's steps (with `cli_token`, from loopback only)."""
    settings = get_settings()
    if not settings.portal_port:
        yield None
        return
    host, port = settings.portal_host, str(settings.portal_port)
    command = [sys.executable, "-m", "planflow.cli", "api", "--host", host, "--port", port]
    env = {**os.environ, "PREFECT_API_URL": api_url, CLI_TOKEN_VARIABLE: cli_token}
    with child_process(command, env, "portal.log"):
        _wait_answering(f"http://127.0.0.1:{port}/portal/login")
        yield f"http://{host}:{port}/portal"


def _wait_answering(url: str) -> None:
    """The portal is usable (or 60 s went by: the service still runs, the command line falls back)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)


def database_is_empty() -> bool:
    """True before any plan has been imported."""
    from sqlalchemy import select

    from models.plan.tables import Plan

    with get_database().session() as session:
        return session.scalars(select(Plan.id).limit(1)).first() is None


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end `serve` through KeyboardInterrupt, so the server is cleaned up.

    A process started in the background by a non-interactive shell ignores SIGINT, so
    its handler is set here explicitly.
    """

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def load_sample_directory() -> None:
    """The sample directory of the Vĩnh Tuy ward, so the walk in the README works at once."""
    from datetime import UTC, datetime

    from documents.directory_yaml import read_directory
    from models.org.directory import load_directory

    with get_database().transaction() as session:
        load_directory(session, directory=read_directory(SEED_DIRECTORY), actor="planflow serve", now=datetime.now(UTC))


def serve() -> int:
    """Run the service until Ctrl-C or SIGTERM; returns the exit code."""
    require_login_beyond_loopback()
    _stop_on_signals()
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    configure_prefect_environment()
    get_database()  # create or migrate the database before anything else
    try:
        _serve_with_server(settings.resolved_database_url())
    except KeyboardInterrupt:
        pass
    finally:  # Prefect's serve turns the interrupt into SystemExit
        print("planflow đã dừng.", flush=True)
    return 0


@contextmanager
def service_record(api_url: str, portal_url: str | None, cli_token: str) -> Iterator[None]:
    """Where the running service's Prefect API and portal are, in planflow's home, for every other command to
    find; with the local command line's secret, so the file is readable by its owner only."""
    path = running_service_file()
    record = {"prefect_api_url": api_url, "portal_url": portal_url, "pid": os.getpid(), "cli_token": cli_token}
    if os.environ.get("PREFECT_API_AUTH_STRING"):  # the commands that find the service log in as it does
        record["prefect_auth_string"] = os.environ["PREFECT_API_AUTH_STRING"]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(record))
    os.chmod(path, 0o600)  # an older file keeps its mode through O_TRUNC
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def _serve_with_server(database_url: str) -> None:
    cli_token = secrets.token_urlsafe(32)
    with prefect_server() as api_url, portal_server(api_url, cli_token) as portal_url:
        ui_url = api_url.removesuffix("/api")
        from prefect import serve as prefect_serve

        from deployments.catalog import all_deployments
        from flows.import_plan import import_plan
        from runtime.prefect_run import run_flow

        if database_is_empty():
            result = run_flow(import_plan, source=str(SEED_PLAN), actor="planflow serve")
            load_sample_directory()
            print(f"Đã nhập kế hoạch mẫu {result['code']} ({result['tasks']} nhiệm vụ) và danh bạ mẫu.", flush=True)
        print(f"planflow đang chạy. Giao diện Prefect: {ui_url}  (Ctrl-C để dừng)", flush=True)
        if portal_url:
            print(f"Cổng nhiệm vụ cho các cơ quan và HTTP API: {portal_url}  (/docs: OpenAPI)", flush=True)
        print(f"Cơ sở dữ liệu: {database_url}", flush=True)
        # written once the sample plan is in, so "ready" means usable
        with service_record(api_url, portal_url, cli_token):
            prefect_serve(*all_deployments(), print_starting_message=False)
