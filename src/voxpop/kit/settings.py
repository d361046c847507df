"""Configuration: environment variables `VOXPOP_*`, then an optional `voxpop.toml`, then defaults.

Every setting is listed in docs/settings.md; keep the two in step.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

MIN_SECRET_CHARS = 32
FRAME_ORIGIN = re.compile(r"^(\*|'self'|https?:|https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?)$")


def _config_file() -> Path:
    return Path(os.environ.get("VOXPOP_CONFIG_FILE", "voxpop.toml"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VOXPOP_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: SecretStr | None = None
    broker_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    cookie_secure: bool = False
    embed_allowed_origins: list[str] = ["*"]
    session_idle_hours: float = Field(24.0, gt=0)
    session_max_hours: float = Field(168.0, gt=0)
    signin_free_failures: int = Field(5, ge=1)
    signin_free_failures_per_address: int = Field(20, ge=1)
    signin_max_delay_seconds: int = Field(900, ge=1)
    signin_failure_memory_hours: float = Field(24.0, gt=0)
    min_n: int = Field(30, ge=1)
    max_batch_items: int = Field(1000, ge=1)
    max_request_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(1024 * 1024 * 1024, ge=1024)
    max_text_chars: int = Field(50_000, ge=1)
    future_tolerance_hours: float = Field(24.0, ge=0)
    default_phone_region: str = "US"
    import_chunk_rows: int = Field(5000, ge=1)
    keep_import_files: bool = False
    job_poll_seconds: float = Field(1.0, gt=0)
    job_lease_seconds: int = Field(300, ge=5)
    job_max_attempts: int = Field(5, ge=1)
    embedded_jobs: bool = True
    relationship_touchpoints: list[str] = ["relationship", "relationship survey"]
    text_model: str = ""
    text_backend: Literal["onnx-int8", "torch"] = "onnx-int8"
    text_threads: int = Field(0, ge=0)
    text_model_cache: Path | None = None
    text_sentiment_head: str = ""
    text_languages: list[str] = ["en"]
    text_mask_names: bool = True
    text_redact_source: bool = True
    text_batch_records: int = Field(256, ge=1)
    theme_min_similarity: float = Field(0.4, ge=0, le=1)
    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_allowed_hosts: list[str] = []
    delivery_retry_base_seconds: float = Field(5.0, gt=0)
    delivery_retry_max_seconds: float = Field(3600.0, gt=0)
    delivery_give_up_seconds: float = Field(3 * 24 * 3600.0, ge=0)
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "ssl"] = "none"
    smtp_from: str = "voxpop@localhost"
    smtp_timeout_seconds: float = Field(30.0, gt=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @model_validator(mode="after")
    def _refuse_unsafe_values(self) -> Settings:
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < MIN_SECRET_CHARS:
            raise ValueError(
                f"VOXPOP_SECRET_KEY must be at least {MIN_SECRET_CHARS} random characters; leave it unset to "
                "have one generated and kept in the data directory"
            )
        if self.env == "production" and not self.cookie_secure:
            raise ValueError(
                "VOXPOP_COOKIE_SECURE must be true when VOXPOP_ENV=production (serve over HTTPS)"
            )
        if bad := [o for o in self.embed_allowed_origins if not FRAME_ORIGIN.match(o)]:
            raise ValueError(
                f"VOXPOP_EMBED_ALLOWED_ORIGINS: {bad[0]!r} is not an origin; use * or https://host[:port] values"
            )
        if self.session_idle_hours > self.session_max_hours:
            raise ValueError("VOXPOP_SESSION_IDLE_HOURS must not exceed VOXPOP_SESSION_MAX_HOURS")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL; by default a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'voxpop.db').resolve()}"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
