"""What the README, .env.example, the compose file, the Makefile and ``--help`` promise, the code
does (finding "documented features that do not run"): no reference to a file that does not
exist, every promise's test exists, every variable and command named is real."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from bot.config import Environment
from tests.worker import run_bot

from .conftest import ROOT

DOCUMENTS = ("README.md", ".env.example", "docker-compose.yml", "Dockerfile", "Makefile")
PATH_PATTERN = re.compile(
    r"(?<![\w./-])((?:bot|tests|config|seeds|samples|slack|docs|bench)/[\w./-]*\w)(?:::(\w+))?"
)


def text_of(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_path_a_document_names_exists(document: str) -> None:
    missing = []
    for path, _name in PATH_PATTERN.findall(text_of(document)):
        if "<" in path or "*" in path:
            continue
        if not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"{document} names {missing}"


def promises() -> str:
    readme = text_of("README.md")
    start = readme.index("## What the bot promises")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_promise_names_tests_that_exist() -> None:
    held = PATH_PATTERN.findall(promises())
    assert len(held) >= 20
    for path, name in held:
        assert (ROOT / path).exists(), path
        if name:
            assert re.search(rf"^(async )?def {name}\(", text_of(path), re.MULTILINE), name


def test_env_example_says_what_happens_without_a_token() -> None:
    env_example = text_of(".env.example")
    assert "docs/deploy.md" not in env_example
    assert "wait in the outbox" in env_example
    assert "go to the console" not in env_example
    assert "NAME wins" not in env_example


def test_the_readme_names_every_environment_variable() -> None:
    readme = text_of("README.md")
    missing = [name for name in Environment.model_fields if f"`{name}`" not in readme]
    assert not missing, missing


def test_help_lists_the_commands_and_options_the_readme_shows() -> None:
    readme = text_of("README.md")
    block = readme[readme.index("## Commands") : readme.index("`replay` prints")]
    usage = run_bot("--help")
    assert usage.returncode == 0
    for line in block.splitlines():
        match = re.match(r"\s+python -m bot ([\w-]+) (.*?)#", line)
        if not match:
            continue
        command, arguments = match.groups()
        assert command in usage.stdout, command
        help_text = run_bot(command, "--help").stdout
        for option in re.findall(r"--[\w-]+", arguments):
            assert option in help_text, (command, option)


def test_make_demo_says_where_its_database_is() -> None:
    makefile = text_of("Makefile")
    demo = makefile[makefile.index("\ndemo: ") :].split("\n\n", 1)[0]
    (url,) = set(re.findall(r"DEMO_DB := (\S+)", makefile))
    assert "$(DEMO_DB)" in demo and "status --db $(DEMO_DB)" in demo
    assert url == "sqlite:///var/demo.db"


def test_a_same_story_item_raises_no_second_alert() -> None:
    """README: items telling the same story point to the first and raise no second alert."""
    feeds = sorted(str(p) for p in (ROOT / "samples" / "feeds").glob("*.xml"))
    completed = run_bot("replay", *feeds, "--jsonl", env=os.environ)
    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    same_story = [line for line in lines if line["duplicate_of"]]
    assert same_story, "the samples hold a story told twice"
    assert all(not line["alert"] for line in same_story)
    firsts = {line["id"]: line for line in lines}
    assert all(firsts[line["duplicate_of"]]["alert"] for line in same_story)


def test_the_readme_health_table_names_the_three_states() -> None:
    readme = text_of("README.md")
    health = readme[readme.index("### Health") : readme.index("### Metrics")]
    for state, code in (("ok", "200"), ("degraded", "200"), ("fail", "503")):
        assert re.search(rf"\| `{state}` \| {code} \|", health), state


def test_compose_sets_no_database_url(tmp_path: Path) -> None:
    compose = text_of("docker-compose.yml")
    assert "DATABASE_URL:" not in compose
    assert "PGPASSWORD: ${POSTGRES_PASSWORD:?" in compose
