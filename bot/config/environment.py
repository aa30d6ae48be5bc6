"""Settings from the environment: the database, the chat services' tokens, the HTTP listener,
logging. Each secret may instead be read from a file named by ``NAME_FILE``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config.base import PROJECT_ROOT, ConfigError, describe

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Environment(BaseSettings):
    """Settings from the environment. Each secret may instead be read from ``NAME_FILE``."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True)

    DATABASE_URL: str = ""
    SLACK_BOT_TOKEN: str = ""
    SLACK_APP_TOKEN: str = ""
    SLACK_SIGNING_SECRET: str = ""
    SLACK_API_URL: str = "https://slack.com/api/"
    DISCORD_BOT_TOKEN: str = ""
    DISCORD_APPLICATION_ID: str = ""
    DISCORD_PUBLIC_KEY: str = ""
    DISCORD_API_URL: str = "https://discord.com/api/v10"
    DISCORD_DEV_GUILD_ID: str = ""
    BOT_HTTP_PORT: int = Field(default=0, ge=0, le=65535)
    BOT_HTTP_HOST: str = "0.0.0.0"
    BOT_LOG_LEVEL: LogLevel = "INFO"
    BOT_LOG_FORMAT: Literal["text", "json"] = "text"
    BOT_INSTANCE_ID: str = ""

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        """``NAME_FILE`` stands for ``NAME``; both set is refused rather than one of them being
        ignored without a word."""
        values = dict(data) if isinstance(data, dict) else {}
        for name in cls.model_fields:
            file_var = os.environ.get(f"{name}_FILE")
            if not file_var:
                continue
            if values.get(name) or os.environ.get(name):
                raise ValueError(f"{name} and {name}_FILE are both set: set only one")
            try:
                values[name] = Path(file_var).read_text(encoding="utf-8").strip()
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise ValueError(f"{name}_FILE={file_var}: cannot read: {reason}") from exc
        return values

    @field_validator("BOT_LOG_LEVEL", "BOT_LOG_FORMAT", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        level = info.field_name == "BOT_LOG_LEVEL"
        return value.strip().upper() if level else value.strip().lower()

    @field_validator("DISCORD_PUBLIC_KEY")
    @classmethod
    def _hex_key(cls, value: str) -> str:
        key = value.strip()
        if key and (len(key) != 64 or any(ch not in "0123456789abcdefABCDEF" for ch in key)):
            raise ValueError("must be the application's public key: 64 hexadecimal characters")
        return key

    def database_url(self) -> str:
        """``DATABASE_URL``; else, with ``PGHOST`` set, PostgreSQL through the libpq variables
        (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``, ``PGDATABASE``: a password needs no
        URL escaping); else the SQLite file ``var/bot.db``."""
        if self.DATABASE_URL:
            return self.DATABASE_URL
        if os.environ.get("PGHOST"):
            return "postgresql://"
        return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"

    def database_source(self) -> str:
        """Where :meth:`database_url` came from, for messages."""
        if self.DATABASE_URL:
            return "DATABASE_URL_FILE" if os.environ.get("DATABASE_URL_FILE") else "DATABASE_URL"
        return "PGHOST" if os.environ.get("PGHOST") else "the default"


def load_environment() -> Environment:
    try:
        return Environment()
    except ValidationError as exc:
        raise ConfigError(f"environment: {describe(exc)}") from exc
