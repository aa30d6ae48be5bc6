"""Typed settings from the environment and ``config/*.yaml``: the shared parts
(``base.py``), the config's sections (``sections.py``), the feeds (``feeds.py``), the whole
config and its loading (``settings.py``), the environment (``environment.py``)."""

from bot.config.base import ConfigError
from bot.config.environment import Environment, load_environment
from bot.config.feeds import FeedConfig
from bot.config.sections import FetchConfig, RouteConfig, ScheduleConfig
from bot.config.settings import DEFAULT_CONFIG, BotConfig, load_config

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
