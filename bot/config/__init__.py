"""Typed settings from the environment and ``config/*.yaml``."""

from bot.config.settings import (
    DEFAULT_CONFIG,
    BotConfig,
    ConfigError,
    Environment,
    FeedConfig,
    FetchConfig,
    RouteConfig,
    ScheduleConfig,
    load_config,
    load_environment,
)

__all__ = [
    "DEFAULT_CONFIG",
    "BotConfig",
    "ConfigError",
    "Environment",
    "FeedConfig",
    "FetchConfig",
    "RouteConfig",
    "ScheduleConfig",
    "load_config",
    "load_environment",
]
