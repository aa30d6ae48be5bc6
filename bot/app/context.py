"""Wiring shared by the CLI commands: settings, catalogue, database and analyser, built once."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bot.app.reviewing import decisions_for
from bot.chat.commands import CommandServices
from bot.chat.review import Reviewers
from bot.config import (
    DEFAULT_CONFIG,
    BotConfig,
    ConfigError,
    Environment,
    load_config,
    load_environment,
)
from bot.facts.catalogue import Catalogue
from bot.feeds.ssrf import public_url_problem
from bot.news.analysis import Analyser, build_analyser
from bot.news.topics import load_topics
from bot.store import ledger
from bot.store.db import (
    Database,
    DatabaseMissing,
    DatabaseUrlError,
    SchemaOutdated,
    StoreError,
    StoreUnavailable,
    error_reason,
    masked,
)


@dataclass
class AppContext:
    env: Environment
    config: BotConfig
    catalogue: Catalogue
    analyser: Analyser
    db: Database
    instance_id: str
    topic_ids: tuple[str, ...] = ()

    def command_services(self) -> CommandServices:
        """What the chat adapters hand to the transport-neutral command handlers: the store,
        the catalogue and topics, who may add feeds and decide, the strict check of a feed URL,
        and the reviewers' decisions."""
        review = self.config.review
        allowed = tuple(self.config.fetch.allowed_networks)
        return CommandServices(
            db=self.db,
            catalogue=self.catalogue,
            topics=self.topic_ids,
            reviewers=Reviewers(
                slack_users=frozenset(review.slack_users),
                slack_user_groups=frozenset(review.slack_user_groups),
                discord_roles=frozenset(review.discord_roles),
            ),
            feed_url_problem=lambda url: public_url_problem(url, allowed),
            decisions=decisions_for(self.db, self.catalogue, self.config),
        )

    def close(self) -> None:
        self.db.dispose()


def instance_id(env: Environment) -> str:
    return env.BOT_INSTANCE_ID or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Static(NamedTuple):
    env: Environment
    config: BotConfig
    catalogue: Catalogue
    analyser: Analyser
    topic_ids: tuple[str, ...]


def load_static(config_path: Path | None) -> Static:
    """Everything that can be validated without a database; a route or feed naming a topic
    the topics file does not define is a :class:`ConfigError` (its alerts would otherwise be
    dropped without a word)."""
    env = load_environment()
    config = load_config(config_path)
    catalogue = Catalogue.load(config.seeds_dir)
    analyser, topic_ids = analysis_of(config, catalogue)
    unknown = unknown_topics(config, config_path, topic_ids)
    if unknown:
        raise ConfigError(unknown[0])
    return Static(env, config, catalogue, analyser, topic_ids)


def analysis_of(config: BotConfig, catalogue: Catalogue) -> tuple[Analyser, tuple[str, ...]]:
    """The analyser and the topic ids, from one reading of ``config.topics_file``; a malformed
    topics file or hint raises ValueError saying where."""
    book = load_topics(config.topics_file)
    return build_analyser(catalogue, config.topics_file, book), tuple(t.id for t in book.topics)


def unknown_topics(
    config: BotConfig, config_path: Path | None, topic_ids: Sequence[str]
) -> list[str]:
    """One message per route or feed topic that ``config.topics_file`` does not define, naming
    the config file it is in (``config_path``, or the default one)."""
    where, known = config_path or DEFAULT_CONFIG, ", ".join(topic_ids)
    named = [("routes", i, r.topics) for i, r in enumerate(config.routes)]
    named += [("feeds", i, f.topics) for i, f in enumerate(config.feeds)]
    return [
        f"{where}: {kind}.{index}.topics: unknown topic {topic!r} "
        f"(topics in {config.topics_file.name}: {known})"
        for kind, index, topics in named
        for topic in topics
        if topic not in topic_ids
    ]


def open_database(
    url: str, *, source: str, readonly: bool = False, catalogue: Catalogue | None = None
) -> Database:
    """The store at ``url``, migrated to the newest schema and the ``catalogue``'s baselines
    seeded; with ``readonly`` (``status``, ``outbox``) it is neither created nor changed: it
    must exist and be up to date (reports fall back to the baselines). A failure raises
    :class:`StoreUnavailable` naming the URL (password masked) and ``source`` (``DATABASE_URL``,
    ``--db``, ...)."""
    shown = f"{masked(url)} ({source})"
    try:
        db = Database(url, create=not readonly)
    except DatabaseUrlError as exc:
        raise DatabaseUrlError(f"{source}: {exc}") from exc
    except DatabaseMissing as exc:
        raise DatabaseMissing(
            f"{exc} ({source}): run `python -m bot run` first, or name the database with "
            "--db or DATABASE_URL"
        ) from exc
    try:
        if readonly:
            db.require_current_schema()
        else:
            db.migrate()
            if catalogue is not None:
                with db.session() as session:
                    ledger.seed_fact_states(session, catalogue)
    except SchemaOutdated as exc:
        db.dispose()
        raise SchemaOutdated(f"database {shown}: {exc}") from exc
    except (StoreError, OSError) as exc:
        db.dispose()
        raise StoreUnavailable(f"database {shown}: {error_reason(exc)}") from exc
    return db


def build_context(
    config_path: Path | None, database_url: str | None = None, *, readonly: bool = False
) -> AppContext:
    """Settings, catalogue, analyser and the store (see :func:`open_database`)."""
    env, config, catalogue, analyser, topic_ids = load_static(config_path)
    url = database_url or env.database_url()
    source = "--db" if database_url else env.database_source()
    db = open_database(url, source=source, readonly=readonly, catalogue=catalogue)
    return AppContext(
        env=env,
        config=config,
        catalogue=catalogue,
        analyser=analyser,
        db=db,
        instance_id=instance_id(env),
        topic_ids=topic_ids,
    )
