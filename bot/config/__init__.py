"""Typed settings from the environment and ``config/*.yaml``."""

from bot.config.settings import (
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
