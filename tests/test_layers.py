"""The README's import table is a contract: `.importlinter` says the same, and it can fail.

`make test` runs `lint-imports` on the real tree; these tests show that the contracts mirror the
README's "Architecture" table row for row, that every module at the top of `bot/` is a row of it,
and that a deliberate forbidden import in a copy of `bot/` breaks them.
"""

from __future__ import annotations

import ast
import configparser
import dataclasses
import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
import typing
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy

from bot.store import models, repo

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = (".importlinter", ".importlinter-runtime")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APP = ("bot.app", "bot.__main__")  # the CLI entry point belongs to the app room


@dataclass(frozen=True)
class Row:
    room: str  # "bot.feeds"
    leaf: bool
    may_import: frozenset[str] | None  # None: everything
    types_only: frozenset[str]  # modules it may import under `if TYPE_CHECKING:` only


def readme_rows() -> dict[str, Row]:
    """The rows of the README's "Architecture" table, keyed by room."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, Row] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`bot/"):
            continue
        room = "bot." + cells[0].strip("`").removeprefix("bot/").removesuffix(".py")
        column = re.sub(r"\([^)]*\)", "", cells[2])  # "(Entry)", "(each service's …)"
        listed, *clauses = (part.strip() for part in column.split(";"))
        types_only = frozenset(
            match
            for clause in clauses
            for match in re.findall(r"`(bot\.[\w.]+)` for types only", clause)
        )
        assert len(types_only) == len(clauses), f"a clause of {room}'s row is not understood"
        may_import: frozenset[str] | None
        if listed == "everything":
            may_import = None
        elif listed == "—":
            may_import = frozenset()
        else:
            may_import = frozenset("bot." + word.strip() for word in listed.split(","))
        rows[room] = Row(room, "(a leaf)" in cells[1], may_import, types_only)
    assert rows, "the README's architecture table was not found"
    return rows


def contracts(name: str) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / name, encoding="utf-8")
    prefix = "importlinter:contract:"
    return {
        section.removeprefix(prefix): dict(parser[section])
        for section in parser.sections()
        if section.startswith(prefix)
    }


def names(value: str) -> set[str]:
    return {line.strip() for line in value.splitlines() if line.strip()}


def room_of(module: str) -> str:
    return "bot.app" if module in APP else ".".join(module.split(".")[:2])


def test_every_module_at_the_top_of_bot_is_a_room_of_the_table() -> None:
    tops = {
        "bot." + path.name.removesuffix(".py")
        for path in (ROOT / "bot").iterdir()
        if (path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py"
    } - {"bot.__init__", "bot.__main__"}
    assert tops == set(readme_rows()), (
        "a module at the top of bot/ and the README's architecture table differ: give a new room "
        "its row (and its contract in .importlinter)"
    )


def test_the_contracts_mirror_the_readme_table() -> None:
    rows = readme_rows()
    rooms = set(rows)
    leaves = {room for room, row in rows.items() if row.leaf}
    found = contracts(".importlinter")
    per_room = {
        contract["source_modules"].strip(): contract
        for contract in found.values()
        if contract["type"] == "forbidden"
    }
    assert set(per_room) == {room for room, row in rows.items() if row.may_import is not None}
    for room, row in rows.items():
        if row.may_import is None:
            continue
        contract = per_room[room]
        allowed = set(row.may_import) | ({room} if row.leaf else leaves | {room})
        expected = {room_of(module) for module in rooms - allowed}
        forbidden = names(contract["forbidden_modules"])
        assert {room_of(module) for module in forbidden} == expected, room
        assert set(APP) <= forbidden, f"{room}: bot.app and bot.__main__ go together"
        assert contract.get("allow_indirect_imports") == "True", room  # "may import" is direct
        ignored = names(contract.get("ignore_imports", ""))
        assert {f"{room}.** -> {module}" for module in row.types_only} <= ignored, room
        # Any other ignore is debt, named in a comment (the comment is not part of the value).
        assert all(line.split(" -> ")[0].startswith(room) for line in ignored), room


def test_types_only_imports_are_checked_on_the_imports_that_run() -> None:
    runtime = contracts(".importlinter-runtime")
    checked = {
        (contract["source_modules"].strip(), module)
        for contract in runtime.values()
        if contract["type"] == "forbidden" and not contract.get("ignore_imports")
        for module in names(contract["forbidden_modules"])
    }
    for room, row in readme_rows().items():
        for module in row.types_only:
            assert (room, room_of(module)) in checked, f"{room} may import {module} at run time"


def test_only_the_store_imports_sqlalchemy_with_each_exception_named() -> None:
    contract = contracts(".importlinter")["sqlalchemy"]
    assert contract["type"] == "protected"
    assert names(contract["protected_modules"]) == {"sqlalchemy", "alembic"}
    assert names(contract["allowed_importers"]) == {"bot.store"}
    for line in names(contract.get("ignore_imports", "")):
        importer = line.split(" -> ")[0]
        assert "*" not in importer, f"an exception is named module by module: {line}"


def test_the_stores_rows_stay_in_the_store() -> None:
    """The ORM's row classes (``bot.store.models``) are the store's: the other rooms are handed
    plain records (``FeedRecord``, ``decisions.Claim``, ``FactState``, ...) and name no row."""
    naming = re.compile(r"\bbot\.store\.models\b|from bot\.store import [^\n]*\bmodels\b")
    store = ROOT / "bot" / "store"
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if store not in path.parents and naming.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def store_names_used_elsewhere() -> dict[str, set[str]]:
    """What the modules outside bot/store name of it (``repo.get_entry``, ``FeedRecord`` of
    ``from bot.store.feeds import FeedRecord``), as ``{"bot.store.repo.get_entry": {paths}}``."""
    store = ROOT / "bot" / "store"
    used: dict[str, set[str]] = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if store in path.parents:
            continue
        where = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: dict[str, str] = {}  # a local name of a store module -> the module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.store"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if _is_module(full):
                        modules[alias.asname or alias.name] = full
                    else:
                        used.setdefault(full, set()).add(where)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("bot.store") and alias.asname:
                        modules[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                used.setdefault(f"{modules[node.value.id]}.{node.attr}", set()).add(where)
    return used


def _is_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def rows_in(hint: object, seen: set[type] | None = None) -> set[str]:
    """The ORM rows (``bot.store.models``) or SQLAlchemy result rows a type names, looking into
    its arguments (``list[EntryRow] | None``) and into the fields of the store's own records."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    for arg in typing.get_args(hint):
        found |= rows_in(arg, seen)
    origin = typing.get_origin(hint)
    if origin is not None:
        return found | rows_in(origin, seen)
    if not isinstance(hint, type) or hint in seen:
        return found
    seen.add(hint)
    if issubclass(hint, (models.Base, sqlalchemy.engine.Row)):
        return found | {hint.__name__}
    if dataclasses.is_dataclass(hint):
        for field in typing.get_type_hints(hint).values():
            found |= rows_in(field, seen)
    return found


def returns_of(name: str) -> dict[str, object]:
    """What ``name`` hands its caller: a store function's return type, a store class's own
    methods' (and properties'), a store record itself (its fields are what the caller reads).
    A missing annotation comes back as ``Any``, which the check below refuses too."""
    module, _, attr = name.rpartition(".")
    obj = getattr(importlib.import_module(module), attr)
    if inspect.isfunction(obj):
        return {name: typing.get_type_hints(obj).get("return", typing.Any)}
    returns: dict[str, object] = {}
    if inspect.isclass(obj) and obj.__module__.startswith("bot.store"):
        if dataclasses.is_dataclass(obj):
            returns[name] = obj
        for method, value in vars(obj).items():
            function = getattr(value, "fget", value)  # a property: its getter
            if not method.startswith("_") and inspect.isfunction(function):
                hint = typing.get_type_hints(function).get("return", typing.Any)
                returns[f"{name}.{method}"] = hint
    return returns


def test_what_other_rooms_get_from_the_store_is_no_row() -> None:
    """Every store function another room calls returns plain values or records (``FeedRecord``,
    ``StoredEntry``, ``Subscription``, ...), never an ORM row: read from the annotations, which
    strict mypy holds to what the functions return."""
    used = store_names_used_elsewhere()
    assert "bot.store.repo.latest_entries" in used  # the scan sees the calls it should
    offenders = [
        f"{label} hands {', '.join(sorted(rows_in(hint))) or 'Any'} to {', '.join(sorted(paths))}"
        for name, paths in sorted(used.items())
        for label, hint in returns_of(name).items()
        if rows_in(hint) or hint is typing.Any
    ]
    assert not offenders, "\n".join(offenders)


def test_a_row_handed_out_is_seen() -> None:
    """The check above can fail: a row, in a list, in an optional, in a record's field."""

    @dataclass(frozen=True)
    class Holder:
        entry: models.EntryRow

    assert rows_in(list[models.EntryRow]) == {"EntryRow"}
    assert rows_in(models.FeedRow | None) == {"FeedRow"}
    assert rows_in(dict[str, tuple[models.SubscriptionRow, ...]]) == {"SubscriptionRow"}
    assert rows_in(sqlalchemy.engine.Row[tuple[int]]) == {"Row"}
    assert rows_in(list[Holder]) == {"EntryRow"}
    assert rows_in(list[repo.FeedRecord] | None) == set()


def lint_imports(tree: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the `bot` package found under `tree`, with the repository's contracts."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [str(LINT_IMPORTS), "--no-cache", "--no-logo", *(str(ROOT / c) for c in CONFIGS)]
    for contract_id in contract_ids:
        command += ["--contract", contract_id]
    return subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_real_tree_keeps_the_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("path", "source", "contract", "importer"),
    [
        # A room importing a room its row does not list.
        ("facts/probe.py", "from bot.delivery import outbox", "facts", "bot.facts.probe"),
        ("store/probe.py", "import bot.chat.commands", "store", "bot.store.probe"),
        # A leaf importing a room.
        ("metrics.py", "import bot.feeds.entry", "metrics", "bot.metrics"),
        # The app context imported by chat at run time, not only for types.
        (
            "chat/probe.py",
            "from bot.app.context import AppContext",
            "chat-runtime",
            "bot.chat.probe",
        ),
        # A new importer of SQLAlchemy outside the store.
        ("news/probe.py", "from sqlalchemy.orm import Session", "sqlalchemy", "bot.news.probe"),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(
    tmp_path: Path, path: str, source: str, contract: str, importer: str
) -> None:
    """The import is added to a copy of bot/ (a new module, or appended to a leaf): the copy is
    what is analysed, since the importer named in the failure exists only there."""
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    module = tmp_path / "bot" / path
    before = module.read_text(encoding="utf-8") if module.exists() else ""
    module.write_text(f"{before}\n{source}\n", encoding="utf-8")
    result = lint_imports(tmp_path, contract)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Contracts: 0 kept, 1 broken." in output, output
    assert re.search(rf"^-\s+{re.escape(importer)} -> ", output, re.MULTILINE), output


def test_the_worker_starts_without_the_charting_library() -> None:
    """matplotlib (about 26 MiB a process) is imported when a chart is drawn, not at start-up."""
    probe = "import sys, bot.app.cli; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
