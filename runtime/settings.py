"""The one settings object of planflow, read from `PLANFLOW_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from runtime.service_record import planflow_home


def _default_home() -> Path:
    return planflow_home()


class Settings(BaseSettings):
    """Where planflow keeps its data and how it reaches its database."""

    model_config = SettingsConfigDict(env_prefix="PLANFLOW_", extra="ignore")

    home: Path = Field(
        default_factory=_default_home, description="Folder for the SQLite file, Prefect's home and outputs."
    )
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in `home`.")
    timezone: str = "Asia/Ho_Chi_Minh"
    smtp_host: str = Field(default="", description="SMTP server; empty: e-mail waits in the outbox until set.")
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr | None = Field(
        default=None, description="Or the Prefect Secret block 'planflow-smtp-password'."
    )
    smtp_sender: str = "planflow@localhost"
    portal_host: str = "127.0.0.1"
    portal_port: int = Field(default=8080, description="Port of the portal and HTTP API under `serve`; 0: not served.")
    portal_url: str = Field(
        default="http://127.0.0.1:8080/portal",
        description="Portal address, named in 'mật' task messages.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Or the Prefect Secret block 'planflow-webhook-secret'."
    )
    notify_batch: int = 500
    report_workers: int = Field(default=2, ge=1, le=64, description="Reports compiled at once by a batch.")
    dask_address: str = Field(
        default="", description="A Dask scheduler (tcp://host:8786) for report batches; empty: threads here."
    )

    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, else the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'planflow.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests clear the cache when they change it."""
    return Settings()
