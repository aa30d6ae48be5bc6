"""Typed settings: environment variables (with ``NAME_FILE`` twins for secrets) and the YAML
config file given with ``--config``.

A config file may hold only some keys; the rest take the defaults below. Anything invalid raises
:class:`ConfigError` naming the file and the field, and the worker refuses to start.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.feeds.listing import ListingSpec

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "bot.yaml"
AlertKind = Literal["changes", "reports", "news", "digest", "admin"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class ConfigError(ValueError):
    """The configuration is invalid; the message says where."""


def is_absolute_http_url(url: str) -> bool:
    """``http://host/...`` or ``https://host/...`` with a host name or address (so neither
    ``http://`` nor ``https:example`` nor ``http:///path``)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or too big
    except ValueError:
        return False
    if parts.scheme.lower() not in {"http", "https"} or url[len(parts.scheme) :][:3] != "://":
        return False
    return bool(hostname) and not any(ch.isspace() for ch in url)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedConfig(_Strict):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    topics: list[str] = Field(default_factory=list)
    interval_seconds: int | None = Field(default=None, ge=10)
    allow_file: bool = False  # file:// URLs (and bare paths) are read only when this is true
    # the source's name in English and in its own language ("Ministry of Commerce", "商务部"),
    # and the language it publishes in (alerts and `status` show them)
    label: str = ""
    label_zh: str = ""
    language: Literal["en", "zh"] | None = None
    # a page listing the source's items, read as a feed by these selectors (bot/feeds/listing.py)
    listing: ListingSpec | None = None

    def display_name(self) -> str:
        """ "Ministry of Commerce (商务部)"; the feed's name when it has no label."""
        names = [n for n in (self.label, self.label_zh) if n]
        if len(names) == 2:
            return f"{names[0]} ({names[1]})"
        return names[0] if names else self.name

    @field_validator("url")
    @classmethod
    def _scheme(cls, url: str) -> str:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in {"http", "https", "file"}:
            raise ValueError("must be an http://, https:// or file:// URL")
        if scheme != "file" and not is_absolute_http_url(url):
            raise ValueError(f"{url!r} is not an absolute http(s) URL (scheme://host/path)")
        return url

    @model_validator(mode="after")
    def _file_needs_permission(self) -> FeedConfig:
        if self.url.lower().startswith("file:") and not self.allow_file:
            raise ValueError(f"feed {self.name}: a file:// URL needs `allow_file: true`")
        return self


class FetchConfig(_Strict):
    allow_private_networks: bool = False
    timeout_seconds: float = Field(default=20.0, gt=0)
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=100, ge=1)
    per_host_concurrency: int = Field(default=4, ge=1)
    user_agent: str = "fentanyl-trade-bot/0.1 (+https://github.com/)"
    # CIDR ranges let through the SSRF guard even when private networks are refused
    allowed_networks: list[str] = Field(default_factory=list)
    parse_workers: int | None = Field(default=None, ge=0)  # null: one per spare core
    # entries of one feed judged per poll, newest first; the rest are judged as backlog (for
    # the facts' history, without alerts) once the other feeds' new entries are judged
    max_entries_per_poll: int = Field(default=200, ge=1)
    full_text: bool = True  # fetch the article page when a relevant entry's text is short


def _changes_only() -> list[AlertKind]:
    return ["changes"]


class RouteConfig(_Strict):
    to: str
    kinds: list[AlertKind] = Field(default_factory=_changes_only)
    topics: list[str] = Field(default_factory=list)  # empty: every topic

    @field_validator("to")
    @classmethod
    def _destination(cls, to: str) -> str:
        kind, _, channel = to.partition(":")
        if to == "console":
            return to
        if kind in {"slack", "discord"} and channel:
            return to
        raise ValueError("must be `console`, `slack:<channel id>` or `discord:<channel id>`")


class ScheduleConfig(_Strict):
    poll_interval_seconds: int = Field(default=300, ge=10)
    min_interval_seconds: int = Field(default=60, ge=10)
    max_interval_seconds: int = Field(default=3600, ge=10)
    deliver_interval_seconds: int = Field(default=5, ge=1)
    digest_hour_utc: int = Field(default=13, ge=0, le=23)
    # On a feed's first poll, entries older than this are stored without alerting;
    # null turns the rule off (every entry of a new feed may alert).
    first_run_backlog_hours: float | None = Field(default=24.0, ge=0)
    story_window_hours: float = Field(default=48.0, gt=0)
    # a later item that shares a claimed change with a story joins it up to this far apart
    story_claims_window_hours: float = Field(default=120.0, gt=0)
    backoff_cap_seconds: float = Field(default=6 * 3600.0, ge=60)
    # how long a replica's claim on a feed / an outbox row lasts if it dies holding it
    feed_lease_seconds: int = Field(default=300, ge=30)
    outbox_lease_seconds: int = Field(default=120, ge=30)

    @property
    def story_window(self) -> timedelta:
        return timedelta(hours=self.story_window_hours)

    @property
    def story_claims_window(self) -> timedelta:
        return timedelta(hours=self.story_claims_window_hours)


Tier = Literal["official", "wire", "outlet", "opinion"]


class SourcesConfig(_Strict):
    """Source tiers by domain: a domain also covers its subdomains; the longest match wins; a
    domain listed nowhere is an ``outlet``."""

    official: list[str] = Field(default_factory=list)
    wire: list[str] = Field(default_factory=list)
    outlet: list[str] = Field(default_factory=list)
    opinion: list[str] = Field(default_factory=list)

    def tiers(self) -> dict[str, list[str]]:
        return {"official": self.official, "wire": self.wire, "outlet": self.outlet,
                "opinion": self.opinion}  # fmt: skip


def _alone_default() -> list[Tier]:
    return ["official", "wire", "outlet"]


class EvidenceConfig(_Strict):
    """When a claim moves a fact. ``alone``: tiers whose single firm claim (a decision or a
    change in force, by a named actor, with no contradicting prior) moves it; every other claim
    waits as ``reported`` until ``sources_needed`` independent sources (distinct domains, not
    copies) report the same value within the story window."""

    alone: list[Tier] = Field(default_factory=_alone_default)
    sources_needed: int = Field(default=2, ge=1, le=10)


class WebSubConfig(_Strict):
    """WebSub push for feeds that advertise a hub. Off unless ``callback_base`` is the public
    URL at which hubs reach this bot's HTTP server (``<callback_base>/websub/<feed id>``)."""

    callback_base: str | None = None
    lease_seconds: int = Field(default=5 * 86400, ge=3600)


class ReviewConfig(_Strict):
    """Who may change what the bot watches from chat (``add-feed``, ``remove-feed``): these
    Slack users (ids such as ``U0123``) and members of these Slack user groups (``S0123``), and
    on Discord members holding one of these role ids or the Manage Server permission. Nobody
    else; with this section empty only Discord server managers may."""

    slack_users: list[str] = Field(default_factory=list)
    slack_user_groups: list[str] = Field(default_factory=list)
    discord_roles: list[str] = Field(default_factory=list)


class BotConfig(_Strict):
    feeds: list[FeedConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(
        default_factory=lambda: [RouteConfig(to="console", kinds=["changes", "news"])]
    )
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    websub: WebSubConfig = Field(default_factory=WebSubConfig)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    evidence: EvidenceConfig = Field(default_factory=EvidenceConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    topics_file: Path = PROJECT_ROOT / "config" / "topics.yaml"
    admin_route: str | None = None

    @field_validator("admin_route")
    @classmethod
    def _admin_destination(cls, to: str | None) -> str | None:
        return None if to is None else RouteConfig._destination(to)

    def source_name(self, feed_name: str) -> str:
        """A feed's name as alerts show it: "Ministry of Commerce (商务部)", else its name."""
        for feed in self.feeds:
            if feed.name == feed_name:
                return feed.display_name()
        return feed_name

    @model_validator(mode="after")
    def _unique_feed_names(self) -> BotConfig:
        seen: set[str] = set()
        for feed in self.feeds:
            if feed.name in seen:
                raise ValueError(f"feed name {feed.name!r} is used twice")
            seen.add(feed.name)
        return self


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


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in ``path``, with relative paths in it (``seeds_dir``, ``topics_file``,
    ``file:`` feed URLs) made absolute from the file's folder."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {_yaml_reason(exc)}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    for key in ("seeds_dir", "topics_file"):
        if key in raw and not Path(str(raw[key])).is_absolute():
            raw[key] = str((path.parent / str(raw[key])).resolve())
    for feed in raw.get("feeds") or []:
        if isinstance(feed, dict) and isinstance(feed.get("url"), str):
            feed["url"] = _resolve_file_url(feed["url"], path.parent)
    return raw


def _yaml_reason(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark else problem


def merge_config(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """``overlay`` laid over ``base``: mappings merge key by key, anything else (lists such as
    ``feeds`` and ``routes``, plain values) replaces the base's value."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_config(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_config(path: Path | None = None) -> BotConfig:
    """Read the YAML config at ``path`` laid over the default ``config/bot.yaml``: a file may
    hold only some keys (``schedule`` alone keeps the default feeds and routes; a nested key
    such as ``fetch.full_text`` keeps the other ``fetch`` keys). Relative paths in each file are
    taken from that file's folder. Errors name the file and the field."""
    if path is None or (DEFAULT_CONFIG.is_file() and path.resolve() == DEFAULT_CONFIG.resolve()):
        path = DEFAULT_CONFIG
        raw = _read_yaml(path)
    else:
        base = _read_yaml(DEFAULT_CONFIG) if DEFAULT_CONFIG.is_file() else {}
        raw = merge_config(base, _read_yaml(path))
    try:
        return BotConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc)}") from exc


def _resolve_file_url(url: str, base: Path) -> str:
    if not url.startswith("file:"):
        return url
    target = Path(url.removeprefix("file://").removeprefix("file:"))
    if not target.is_absolute():
        target = (base / target).resolve()
    return target.as_uri()


def load_environment() -> Environment:
    try:
        return Environment()
    except ValidationError as exc:
        raise ConfigError(f"environment: {_describe(exc)}") from exc
