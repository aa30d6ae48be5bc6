"""``python -m bot review``: the reviewers' decisions from the command line.

    python -m bot review [--json]                       # reports awaiting review
    python -m bot review confirm ID                     # ID: a claim number or an alert id
    python -m bot review dismiss ID
    python -m bot review set FACT VALUE [--source URL]

Decisions made here are recorded as the local user (``cli:<login name>``) and reach chat
through the outbox, like a click: the worker posts them at its next delivery. A decision that
cannot be made prints one line saying why and exits 2; nothing changes then.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from bot.app.context import open_database
from bot.app.errors import EXIT_BAD_INPUT, EXIT_OK
from bot.app.reviewing import decisions_for
from bot.config import BotConfig, load_config, load_environment
from bot.facts.catalogue import Catalogue
from bot.review.decide import Outcome, PendingReport, Reviewer
from bot.store.db import Database


def local_reviewer() -> Reviewer:
    """The person at the command line: their login name (``cli:alice``)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (containers)
        name = f"uid-{os.getuid()}"
    return Reviewer("cli", name, name)


def add_review_parser(
    review: argparse.ArgumentParser, config_help: str, db_help: str
) -> argparse.ArgumentParser:
    """``review`` and its actions; the common options are accepted before or after the
    action."""

    def common(parser: argparse.ArgumentParser, default: object) -> None:
        parser.add_argument("--json", action="store_true", default=default)
        parser.add_argument("--db", help=db_help, default=default)
        parser.add_argument("--config", type=Path, help=config_help, default=default)

    review.description = (
        "Lists the reports awaiting review (--json: as JSON), or decides: review confirm ID, "
        "review dismiss ID, review set FACT VALUE [--source URL]. Decisions are recorded as "
        "the local user and reach chat through the outbox."
    )
    common(review, None)
    review.set_defaults(json=False)
    actions = review.add_subparsers(dest="review_action", metavar="ACTION")
    target = "a claim number from the list (#12 or 12) or an alert id (al-...)"
    for name, what in (
        ("confirm", "confirm a report: the fact moves, as a second source would move it"),
        ("dismiss", "dismiss a report as wrong: the fact stays; its story does not alert again"),
    ):
        parser = actions.add_parser(name, help=what, description=what)
        parser.add_argument("target", metavar="ID", help=target)
        common(parser, argparse.SUPPRESS)
    what = "set a fact to VALUE (recorded as a correction by you)"
    parser = actions.add_parser("set", help=what, description=what)
    parser.add_argument("fact", metavar="FACT", help="the fact's id (see `status`)")
    parser.add_argument("value", metavar="VALUE", help="e.g. 30, 30%%, frozen, 2025-06, a name")
    parser.add_argument("--source", metavar="URL", help="an http(s) link to the source")
    common(parser, argparse.SUPPRESS)
    return review


def _pending_line(report: PendingReport) -> str:
    return (
        f"#{report.id:<5} {report.fact} {report.old} → {report.value}  "
        f"{report.published[:16]}  {report.domain} ({report.tier})  alert {report.alert}\n"
        f"       {report.title} {report.link}".rstrip()
    )


def _open(args: argparse.Namespace) -> tuple[Database, Catalogue, BotConfig]:
    """The config, the catalogue and the store (which must exist): what a decision needs, and
    no more (the analyser is not built)."""
    env = load_environment()
    config = load_config(args.config)
    catalogue = Catalogue.load(config.seeds_dir)
    url = args.db or env.database_url()
    source = "--db" if args.db else env.database_source()
    return open_database(url, source=source, readonly=True), catalogue, config


def cmd_review(args: argparse.Namespace) -> int:
    db, catalogue, config = _open(args)
    try:
        decisions = decisions_for(db, catalogue, config)
        action = getattr(args, "review_action", None)
        if action is None:
            pending = decisions.pending()
            if args.json:
                print(json.dumps([p.to_json() for p in pending], indent=2, ensure_ascii=False))
            elif not pending:
                print("no reports awaiting review")
            for report in pending if not args.json else []:
                print(_pending_line(report))
            return EXIT_OK
        who = local_reviewer()
        if action == "set":
            outcome = decisions.set(args.fact, args.value, args.source, who)
        elif action == "confirm":
            outcome = decisions.confirm(args.target, who)
        else:
            outcome = decisions.dismiss(args.target, who)
    finally:
        db.dispose()
    return _print(outcome, args.json)


def _print(outcome: Outcome, as_json: bool) -> int:
    if as_json:
        body = {
            "ok": outcome.ok,
            "message": outcome.message,
            "problem": outcome.problem.value if outcome.problem else None,
            "decisions": list(outcome.decision_ids),
            "follow_up": outcome.follow_up_id,
        }
        print(json.dumps(body, indent=2, ensure_ascii=False))
    elif outcome.ok:
        print(outcome.message)
    else:
        print(f"review: {outcome.message}", file=sys.stderr)
    return EXIT_OK if outcome.ok else EXIT_BAD_INPUT
