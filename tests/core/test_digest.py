"""The daily digest: queued once a day for digest subscribers, listing the day's changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.alerts.card import Card
from bot.app.context import build_context
from bot.app.digest import queue_digest
from bot.store import repo
from tests.worker import write_config

from .conftest import ROOT


def test_digest_reaches_digest_subscribers_once_a_day(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        {
            "routes": [{"to": "console", "kinds": ["changes"]}],
            "seeds_dir": str(ROOT / "seeds"),
            "topics_file": str(ROOT / "config" / "topics.yaml"),
        },
    )
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        assert queue_digest(ctx) == 0  # nobody takes digests yet
        with ctx.db.session() as session:
            repo.subscribe(session, "slack:C1", ["digest"], "", "u1")
            repo.subscribe(session, "discord:2", ["digest", "changes"], "fentanyl", "u2")
        assert queue_digest(ctx) == 2
        assert queue_digest(ctx) == 0  # the same day's digest is not queued twice
        with ctx.db.session() as session:
            rows = repo.outbox_rows(session)
            since = repo.utcnow() - timedelta(minutes=10)
            (alert,) = repo.recent_alerts(session, since, ["digest"])
        assert sorted(r.destination for r in rows) == ["discord:2", "slack:C1"]
        card = Card.from_json(alert.card)
        assert card.title.startswith("Daily digest for ")
        assert len(card.fields) == 10
        assert card.lines == ("No tracked fact changed in the last 24 hours.",)
    finally:
        ctx.close()
