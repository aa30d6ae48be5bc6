"""Decisions without chat and where they show: ``python -m bot review`` (list, JSON, confirm,
dismiss, set; one line and exit 2 for what cannot be done), ``/fentanyl set`` for reviewers
only, and the recorded decision in ``status --json`` and ``/fentanyl history``."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.cli import main
from bot.chat.commands import handle, parse_command
from bot.chat.discord_commands import command_definitions
from bot.chat.discord_invocation import invocation_from
from bot.facts.catalogue import Catalogue
from bot.store.db import Database
from tests.stories import US, Story
from tests.worker import run_bot

from .conftest import services_for


def bot(*args: str, user: str = "alice") -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` as a process (its exit code and output as the user sees them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(USER=user, LOGNAME=user, BOT_LOG_LEVEL="INFO")
    return run_bot(*args, env=env)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """``python -m bot ARGS`` in this process (the same ``main``; much faster than a process)."""
    for name in [n for n in os.environ if n.startswith(("SLACK_", "DISCORD_", "DATABASE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("USER", "alice")
    monkeypatch.setenv("LOGNAME", "alice")

    def run(*args: str) -> Ran:
        code = main(list(args))
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_review_lists_confirms_and_says_why_not_in_one_line(
    chat_story: Story, cli: Callable[..., Ran]
) -> None:
    alert = chat_story.report()
    db = url_of(chat_story.db)

    listed = cli("review", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    [pending] = json.loads(listed.stdout)
    assert (pending["fact"], pending["old"], pending["value"], pending["alert"]) == (
        US,
        145,
        40,
        alert,
    )
    text = cli("review", "--db", db)
    assert text.stdout.startswith(f"#{pending['id']} ") and "alpha.example" in text.stdout

    for args, words in (
        (("confirm", "99999"), "No claim #99999 is on record."),
        (("dismiss", "al-nothing"), "No alert al-nothing is on record."),
        (("set", US, "banana%"), "“banana%” is not a value for US tariff on most Chinese goods"),
        (("set", "us-tariff-mars", "30"), "Unknown fact “us-tariff-mars”"),
        (("set", US, "35", "--source", "ftp://x.example/a"), "must be an http(s) link"),
    ):
        refused = cli("review", "--db", db, *args)
        assert refused.returncode == 2, (args, refused.stdout)
        assert refused.stderr.count("\n") == 1 and words in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr

    done = cli("review", "confirm", alert, "--db", db)  # options after the action work too
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Confirmed by @alice: US tariff on most Chinese goods 145% → 40%")
    again = cli("review", "--db", db, "--json", "confirm", alert)
    assert again.returncode == 2
    assert json.loads(again.stdout)["problem"] == "already-decided"
    assert chat_story.value() == 40 and cli("review", "--db", db).stdout == (
        "no reports awaiting review\n"
    )

    status = cli("status", "--db", db, "--json")
    facts = {f["id"]: f for f in json.loads(status.stdout)["facts"]}
    [decision] = facts[US]["decisions"]
    assert {k: decision[k] for k in ("action", "value", "replaced", "by", "account", "alert")} == {
        "action": "confirm",
        "value": 40,
        "replaced": 145,
        "by": "@alice",
        "account": "cli:alice",
        "alert": alert,
    }
    assert "last decision: confirm by @alice" in cli("status", "--db", db).stdout


def test_review_set_from_the_command_line(chat_story: Story) -> None:
    """As a process: exit code, output, and the change in the store."""
    db = url_of(chat_story.db)
    done = bot(
        "review", "--db", db, "set", "china-fentanyl-envoy", "Li Wei", "--source", "https://x.example/a"
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "is now Li Wei (was Wang Xiaohong)" in done.stdout
    assert chat_story.value("china-fentanyl-envoy") == "Li Wei"


def test_review_on_a_missing_database_creates_nothing(
    tmp_path: Path, cli: Callable[..., Ran]
) -> None:
    missing = tmp_path / "none.db"
    refused = cli("review", "--db", f"sqlite:///{missing}")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert not missing.exists()


def test_fentanyl_set_is_for_reviewers_and_says_who_set_what(
    chat_story: Story, catalogue: Catalogue
) -> None:
    services = services_for(chat_story, catalogue)
    anyone = parse_command("fentanyl", f"set {US} 35", destination="slack:C1", user="U0OTHER")
    refused = handle(anyone, services)
    assert refused.ephemeral and refused.cards[0].title == "Only reviewers may set facts"
    assert chat_story.value() == 145

    reviewer = parse_command(
        "fentanyl",
        "set china-fentanyl-envoy Li Wei <https://mps.example/n>",
        destination="slack:C1",
        user="U0REVIEWER",
        user_name="alice",
    )
    reply = handle(reviewer, services)
    assert "Set by @alice: China" in reply.text and "is now Li Wei" in reply.text
    assert not reply.ephemeral
    assert chat_story.value("china-fentanyl-envoy") == "Li Wei"

    bad = handle(parse_command("fentanyl", f"set {US} banana%", destination="slack:C1",
                               user="U0REVIEWER"), services)  # fmt: skip
    assert bad.ephemeral and "“banana%” is not a value" in bad.text

    history = handle(parse_command("fentanyl", "history china-fentanyl-envoy"), services)
    [line] = [x for x in history.cards[0].lines if "set by @alice" in x]
    assert "Wang Xiaohong → Li Wei (https://mps.example/n)" in line


def test_discord_registers_set_and_says_who_asks(catalogue: Catalogue) -> None:
    [_, fentanyl] = command_definitions(catalogue, ["us-china-tariffs"])
    [set_command] = [o for o in fentanyl["options"] if o["name"] == "set"]
    fact, value, source = set_command["options"]
    assert fact["required"] and len(fact["choices"]) == len(catalogue)
    assert value["required"] and value["max_length"] == 100 and not source["required"]
    interaction = {
        "type": 2,
        "channel_id": "7",
        "member": {"user": {"id": "5", "username": "bob", "global_name": "Bob"}, "roles": ["4"]},
        "data": {
            "name": "fentanyl",
            "options": [
                {
                    "type": 1,
                    "name": "set",
                    "options": [
                        {"type": 3, "name": "fact", "value": US},
                        {"type": 3, "name": "value", "value": "35"},
                    ],
                }
            ],
        },
    }
    inv = invocation_from(interaction)
    options = {"fact": US, "value": "35"}
    assert (inv.command, inv.options, inv.name, inv.groups) == ("set", options, "Bob", {"4"})
