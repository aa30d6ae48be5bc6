"""The YAML config given with ``--config``, laid over ``config/bot.yaml``: the whole
:class:`BotConfig` and its loading.

A config file may hold only some keys; the rest take the defaults (a feed is in
:mod:`bot.config.feeds`, the other sections in :mod:`bot.config.sections`, the environment in
:mod:`bot.config.environment`).
Anything invalid raises :class:`ConfigError` naming the file and the field, and the worker
refuses to start. The names other rooms import from here stay importable from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from bot.config.base import (
    PROJECT_ROOT,
    ConfigError,
    StrictModel,
    describe,
    is_absolute_http_url,
)
from bot.config.environment import Environment, load_environment
from bot.config.feeds import FeedConfig
from bot.config.sections import (
    EvidenceConfig,
    FetchConfig,
    ReviewConfig,
    RouteConfig,
    ScheduleConfig,
    SourcesConfig,
    WebSubConfig,
)

__all__ = [  # re-exported for the modules that import them from here
    "DEFAULT_CONFIG",
    "PROJECT_ROOT",
    "BotConfig",
    "ConfigError",
    "Environment",
    "FeedConfig",
    "FetchConfig",
    "ReviewConfig",
    "SourcesConfig",
    "is_absolute_http_url",
    "load_config",
    "load_environment",
    "merge_config",
]

DEFAULT_CONFIG = PROJECT_ROOT / "config" / "bot.yaml"


class BotConfig(StrictModel):
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
        raise ConfigError(f"{path}: {describe(exc)}") from exc


def _resolve_file_url(url: str, base: Path) -> str:
    if not url.startswith("file:"):
        return url
    target = Path(url.removeprefix("file://").removeprefix("file:"))
    if not target.is_absolute():
        target = (base / target).resolve()
    return target.as_uri()
