"""Issue 12, exactly once for a reviewer's decision: the decision is committed (``python -m bot
review confirm``, a real process), then ``kill -9`` of the worker delivering it, between the
decision and the alert's edit; a restart (``run --once``) leaves each channel with exactly one
reply carrying the decision and exactly one edit of the alert to its decided card. On SQLite and
PostgreSQL, against the Slack and Discord stand-ins.

The report is judged by the real pipeline (a lone weak claim: pending review), posted by a
first ``run --once``, and confirmed from the command line. The worker is then killed:

- ``edit-arriving``: the decision's reply is recorded, the worker dies as the alert's edit
  arrives and before it is applied: the restart makes the edit, once;
- ``reply-recorded``: the reply arrived and the worker dies before recording it: the restart
  finds the reply (not posted again) and makes the edit, once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app.pipeline import Pipeline
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.feeds.entry import Entry
from bot.news.analysis import build_analyser
from bot.store import ledger
from bot.store.db import Database
from bot.store.models import DecisionRow

from .harness import ROOT, Deployment, outbox_rows
from .servers import DiscordStandIn

INSTANCE = "replica-a"
US = "us-tariff-china"
KILL_TIMEOUT = 120.0  # the wait ends when the worker dies; a loaded machine starts it slowly
SLACK_MODES = {
    "edit-arriving": ("chat.update", True, "editing"),
    "reply-recorded": ("chat.postMessage", False, "sending"),
}


def _judge_a_report(url: str, destinations: list[str]) -> str:
    """A lone weak report, judged by the pipeline into the deployment's database; its alert."""
    catalogue = Catalogue.load(ROOT / "seeds")
    routes = [{"to": d, "kinds": ["changes", "reports"]} for d in destinations]
    config = BotConfig.model_validate({"routes": routes, "review": {"slack_users": ["U0R"]}})
    db = Database(url)
    try:
        db.migrate()
        with db.session() as session:
            ledger.seed_fact_states(session, catalogue)
        entry = Entry(
            feed="alpha.example",
            entry_id="a1",
            link="https://alpha.example/news/a1",
            title="Washington to trim its levy on Chinese goods to 40%",
            published=datetime.now(UTC) - timedelta(hours=1),
            text="",
        )
        analyser = build_analyser(catalogue, ROOT / "config" / "topics.yaml")
        outcome = Pipeline(db, catalogue, config).process(entry, analyser.analyse(entry))
        assert outcome is not None and outcome.new_alert and outcome.alert_kind == "reports"
        return outcome.alert_ids[-1]
    finally:
        db.dispose()


def _confirm_from_the_command_line(deployment: Deployment, alert: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "bot", "review", "--db", deployment.database_url),
            *("--config", str(deployment.config_path), "confirm", alert),
        ],
        cwd=ROOT,
        env={**env, "USER": "alice", "LOGNAME": "alice"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Confirmed by @alice" in completed.stdout
    return completed.stdout


def _decisions(url: str) -> tuple[list[DecisionRow], object]:
    """The decisions recorded, and the US tariff's value."""
    db = Database(url)
    try:
        with db.session() as session:
            decisions = list(session.scalars(select(DecisionRow)))
            for decision in decisions:
                session.expunge(decision)
            return decisions, ledger.fact_states(session)[US].value
    finally:
        db.dispose()


def _follow_up_states(url: str, alert: str) -> set[str]:
    return {status for (alert_id, _), status in outbox_rows(url).items() if alert_id != alert}


def _prepare(deployment: Deployment, destinations: list[str]) -> str:
    """The report judged and posted, then confirmed from the command line; its alert."""
    deployment.write_config()
    alert = _judge_a_report(deployment.database_url, destinations)
    deployment.run_once(INSTANCE)
    _confirm_from_the_command_line(deployment, alert)
    return alert


def _decided_once(url: str, alert: str) -> None:
    assert set(outbox_rows(url).values()) == {"sent"}
    decisions, value = _decisions(url)
    [decision] = decisions
    assert (decision.action, decision.alert_id, decision.decider) == ("confirm", alert, "cli:alice")
    assert value == 40


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(SLACK_MODES))
def test_slack_a_kill_between_a_decision_and_its_edit_leaves_exactly_one_edit(
    deployment: Deployment, mode: str
) -> None:
    method, before, left = SLACK_MODES[mode]
    slack = deployment.slack
    alert = _prepare(deployment, deployment.destinations)
    for channel in deployment.channels:
        assert not slack.updates_of(channel, slack.top_level(channel)[0].ts)
    deployment.kill_at_slack_call(INSTANCE, method, before, KILL_TIMEOUT)
    assert left in _follow_up_states(deployment.database_url, alert)

    deployment.run_once(INSTANCE)

    for channel in deployment.channels:
        [parent] = slack.top_level(channel)
        assert parent.alert_id == alert
        [reply] = slack.thread(channel, parent.ts)
        assert "Confirmed by @alice" in reply.text
        [edit] = slack.updates_of(channel, parent.ts)
        assert "Confirmed by @alice" in edit.text and "145% → 40%" in edit.text
    _decided_once(deployment.database_url, alert)


@pytest.mark.slow
def test_discord_a_kill_between_a_decision_and_its_edit_leaves_exactly_one_edit(
    deployment: Deployment, discord_stand_in: DiscordStandIn
) -> None:
    fake = discord_stand_in.fake
    deployment.extra_env = discord_stand_in.worker_env()
    alert = _prepare(deployment, discord_stand_in.destinations)
    deployment.start_and_await_kill(
        INSTANCE, lambda stop: discord_stand_in.kill_at("PATCH", True, stop), KILL_TIMEOUT
    )
    assert "editing" in _follow_up_states(deployment.database_url, alert)

    deployment.run_once(INSTANCE)

    for channel in discord_stand_in.CHANNELS:
        parents = [m for m in fake.messages[channel] if "message_reference" not in m]
        assert len(parents) == 1 and alert in parents[0]["embeds"][0]["footer"]["text"]
        [reply] = fake.replies_to(channel, parents[0]["id"])
        assert "Confirmed by @alice" in reply["embeds"][0]["title"]
        edits = [e for e in fake.edits if f"/channels/{channel}/" in e.path]
        assert len(edits) == 1
        footer = parents[0]["embeds"][0]["footer"]["text"]
        assert footer.startswith("Confirmed by @alice ")
        assert [b["label"] for row in parents[0]["components"] for b in row["components"]] == []
    _decided_once(deployment.database_url, alert)
