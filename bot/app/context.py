"""Wiring shared by the CLI commands: settings, catalogue, database and analyser, built once."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

from bot.chat.commands import CommandServices
from bot.config import BotConfig, Environment, load_config, load_environment
from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser, build_analyser
from bot.news.topics import load_topics
from bot.store import ledger
from bot.store.db import Database


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
        """What the chat adapters hand to the transport-neutral command handlers."""
        return CommandServices(db=self.db, catalogue=self.catalogue, topics=self.topic_ids)

    def close(self) -> None:
        self.db.dispose()


def instance_id(env: Environment) -> str:
    return env.BOT_INSTANCE_ID or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def load_static(config_path: Path | None) -> tuple[Environment, BotConfig, Catalogue, Analyser]:
    """Everything that can be validated without a database (``check-config``)."""
    env = load_environment()
    config = load_config(config_path)
    catalogue = Catalogue.load(config.seeds_dir)
    analyser = build_analyser(catalogue, config.topics_file)
    return env, config, catalogue, analyser


def build_context(config_path: Path | None, database_url: str | None = None) -> AppContext:
    env, config, catalogue, analyser = load_static(config_path)
    db = Database(database_url or env.database_url())
    db.migrate()
    with db.session() as session:
        ledger.seed_fact_states(session, catalogue)
    return AppContext(
        env=env,
        config=config,
        catalogue=catalogue,
        analyser=analyser,
        db=db,
        instance_id=instance_id(env),
        topic_ids=tuple(topic.id for topic in load_topics(config.topics_file).topics),
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
