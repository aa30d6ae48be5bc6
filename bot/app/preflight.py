"""``python -m bot check-config``: everything ``run`` will need, checked without changing
anything, one line per problem.

Checked, in order: the environment (every variable valid; ``NAME`` and ``NAME_FILE`` not
both set); the config file laid over ``config/bot.yaml``; the seeds and the topics file; every
route's and feed's topics exist; every ``file:`` feed exists; every route's destination has its
token; the chat modes and WebSub have the HTTP port they need; the database answers, holds a
schema this version knows (or can be created) and can be written; the HTTP port is free. Each
source in another language or read from a listing page is listed; with ``--sources`` it is
fetched and parsed, and one that does not parse is a problem (:mod:`bot.app.sourcecheck`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.app.context import analysis_of, unknown_topics
from bot.app.errors import PortUnavailable
from bot.app.sourcecheck import source_lines
from bot.config import (
    BotConfig,
    ConfigError,
    Environment,
    load_config,
    load_environment,
)
from bot.config.settings import is_absolute_http_url
from bot.facts.catalogue import Catalogue, SeedError
from bot.store.db import (
    Database,
    DatabaseUrlError,
    StoreError,
    error_reason,
    known_revision,
    masked,
    parse_url,
    sqlite_path,
)

TOKENS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    facts: int = 0
    database: str = ""
    sources: list[str] = field(default_factory=list)  # one line per source checked

    def summary(self, env: Environment, config: BotConfig) -> str:
        destinations = ["console"]
        destinations += [kind for kind, var in TOKENS.items() if getattr(env, var)]
        http = (
            f"HTTP on {env.BOT_HTTP_HOST}:{env.BOT_HTTP_PORT}" if env.BOT_HTTP_PORT else "no HTTP"
        )
        return (
            f"config ok: {len(config.feeds)} feeds, {len(config.routes)} routes, "
            f"{self.facts} facts; destinations: {', '.join(destinations)}; {self.database}; {http}"
        )


def check(
    config_path: Path | None, *, fetch_sources: bool = False
) -> tuple[Report, Environment | None, BotConfig | None]:
    report = Report()
    env = _environment(report)
    config = _config(report, config_path)
    if config is not None:
        _content(report, config, config_path)
        report.problems += feed_file_problems(config)
        for line in source_lines(config, fetch=fetch_sources):
            report.sources.append(line.text)
            if line.problem:
                report.problems.append(line.text)
    if env is not None and config is not None:
        report.problems += destination_problems(env, config)
        report.problems += listener_problems(env, config)
    if env is not None:
        problems, report.database = database_check(env.database_url(), env.database_source())
        report.problems += problems
        report.problems += port_problems(env)
    return report, env, config


def _environment(report: Report) -> Environment | None:
    try:
        return load_environment()
    except ConfigError as exc:
        report.problems.append(str(exc))
        return None


def _config(report: Report, path: Path | None) -> BotConfig | None:
    try:
        return load_config(path)
    except ConfigError as exc:
        report.problems.append(str(exc))
        return None


def _content(report: Report, config: BotConfig, config_path: Path | None) -> None:
    try:
        catalogue = Catalogue.load(config.seeds_dir)
        report.facts = len(catalogue)
    except SeedError as exc:
        report.problems.append(str(exc))
        return
    try:
        _, topic_ids = analysis_of(config, catalogue)
    except ValueError as exc:
        report.problems.append(str(exc))
        return
    report.problems += unknown_topics(config, config_path, topic_ids)


def feed_file_problems(config: BotConfig) -> list[str]:
    problems = []
    for index, feed in enumerate(config.feeds):
        if feed.url.lower().startswith("file:"):
            path = Path(unquote(urlsplit(feed.url).path))
            if not path.is_file():
                problems.append(f"feeds.{index} ({feed.name}): no such file {path}")
    return problems


def destination_problems(env: Environment, config: BotConfig) -> list[str]:
    """Each routed destination needs its service's token (without it the alerts would only
    wait in the outbox)."""
    targets = [(f"routes.{i}", route.to) for i, route in enumerate(config.routes)]
    if config.admin_route:
        targets.append(("admin_route", config.admin_route))
    problems = []
    for where, target in targets:  # their form is checked with the config
        kind = target.partition(":")[0]
        if kind in TOKENS and not getattr(env, TOKENS[kind]):
            problems.append(
                f"{where}: {target} needs {TOKENS[kind]} (without it {kind} is off and these "
                "alerts wait in the outbox)"
            )
    return problems


def listener_problems(env: Environment, config: BotConfig) -> list[str]:
    """What each chat mode and WebSub need to be reachable."""
    problems = []
    no_port = not env.BOT_HTTP_PORT
    slack_http = env.SLACK_SIGNING_SECRET and not env.SLACK_APP_TOKEN
    if (env.SLACK_SIGNING_SECRET or env.SLACK_APP_TOKEN) and not env.SLACK_BOT_TOKEN:
        problems.append("Slack commands need SLACK_BOT_TOKEN as well")
    if slack_http and no_port:
        problems.append("SLACK_SIGNING_SECRET (Slack HTTP mode) needs BOT_HTTP_PORT")
    if env.DISCORD_PUBLIC_KEY and no_port:
        problems.append("DISCORD_PUBLIC_KEY (Discord HTTP interactions) needs BOT_HTTP_PORT")
    base = config.websub.callback_base
    if base and not is_absolute_http_url(base):
        problems.append(f"websub.callback_base: {base!r} is not an absolute http(s) URL")
    elif base and no_port:
        problems.append("websub.callback_base needs BOT_HTTP_PORT (hubs call /websub/...)")
    return problems


def database_check(url: str, source: str) -> tuple[list[str], str]:
    """Problems with the database and a note on its state; nothing is created or changed
    (the write test is rolled back)."""
    try:
        parsed = parse_url(url)
    except DatabaseUrlError as exc:
        return [f"{source}: {exc}"], "database: invalid"
    shown = f"{masked(url)} ({source})"
    path = sqlite_path(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is not None and not path.exists():
        folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), Path("/"))
        if not (folder.is_dir() and os.access(folder, os.W_OK)):
            return [f"database {shown}: cannot be created: {folder} is not writable"], ""
        return [], f"database: {shown}, created at start"
    db = None
    try:
        db = Database(url, create=False)
        current, head = db.schema_revisions()
        db.check_writable(has_schema=current is not None)
    except (StoreError, OSError) as exc:
        return [f"database {shown}: {error_reason(exc)}"], ""
    finally:
        if db is not None:
            db.dispose()
    if current is not None and current != head and not known_revision(current):
        return [f"database {shown}: schema revision {current} is unknown to this version"], ""
    state = "schema current" if current == head else "migrated at start"
    return [], f"database: {shown}, {state}"


def port_problems(env: Environment) -> list[str]:
    if not env.BOT_HTTP_PORT:
        return []
    host, port = env.BOT_HTTP_HOST, env.BOT_HTTP_PORT
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return [str(PortUnavailable(host, port, exc))]
    return []
