"""python -m bot COMMAND: the worker (run) and its tools (replay, status, check-config, outbox,
review).

Exit codes: 0 done, 2 bad input (config, seeds, environment, database URL, a file given on the
command line), 1 a failure at run time (database, port), 130 interrupted. Every error is one
line on stderr naming the file, variable or URL (password masked); the traceback is logged
only with BOT_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app.context import build_context
from bot.app.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, describe
from bot.app.feedfiles import feed_file_problems
from bot.app.logs import configure_logging
from bot.app.preflight import check
from bot.app.replay import replay, temporary_database_url, write_jsonl
from bot.app.review_cli import add_review_parser, cmd_review
from bot.config import ConfigError, load_environment
from bot.store import repo
from bot.store.reports import fact_reports, feed_reports
from bot.store.status import undelivered_rows

log = logging.getLogger("bot")
OUTBOX_STATUSES = ("pending", "sending", "editing", "sent", "failed")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    config_help = "YAML config laid over config/bot.yaml (default: config/bot.yaml alone)"
    db_help = "database URL (default: DATABASE_URL, else PGHOST, else sqlite:///var/bot.db)"

    def command(name: str, what: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=what, description=what)

    run = command("run", "the worker: poll feeds, judge entries, deliver alerts")
    run.add_argument("--config", type=Path, help=config_help)
    run.add_argument("--once", action="store_true", help="one full cycle, then exit")
    run.add_argument("--db", help=db_help)

    rep = command("replay", "judge the entries of feed files as if just arrived")
    rep.add_argument("feeds", nargs="+", type=Path, metavar="FEED_FILE")
    rep.add_argument("--db", help="database URL (default: a fresh temporary SQLite file)")
    rep.add_argument("--config", type=Path, help=config_help)
    rep.add_argument("--jsonl", action="store_true", help="one JSON object per entry")

    status = command("status", "every fact's value, baseline and sources; feed health (reads only)")
    status.add_argument("--json", action="store_true")
    status.add_argument("--db", help=db_help)
    status.add_argument("--config", type=Path, help=config_help)

    check_config = command(
        "check-config",
        "check config, seeds, environment, tokens, database and port; exit 2 on a problem",
    )
    check_config.add_argument("--config", type=Path, help=config_help)
    check_config.add_argument(
        "--sources",
        action="store_true",
        help="also fetch each Chinese or listing-page source and say whether it parses",
    )

    outbox = command("outbox", "list alerts not delivered yet (pending, sending, editing, failed)")
    outbox.add_argument("--db", help=db_help)
    outbox.add_argument("--config", type=Path, help=config_help)
    outbox.add_argument(
        "--status", choices=OUTBOX_STATUSES, help="only rows in this state (sent ones too)"
    )
    outbox.add_argument("--retry", action="store_true", help="put failed rows back to pending")
    outbox.add_argument("--json", action="store_true")

    review = command("review", "reports awaiting review; confirm, dismiss, or set a fact")
    add_review_parser(review, config_help, db_help)
    return parser


def cmd_check_config(args: argparse.Namespace) -> int:
    report, env, config = check(args.config, fetch_sources=args.sources)
    if report.problems or env is None or config is None:
        for line in report.sources:
            print(line)
    for problem in report.problems:
        print(f"check-config: {problem}", file=sys.stderr)
    if report.problems or env is None or config is None:
        noun = "problem" if len(report.problems) == 1 else "problems"
        print(f"check-config: {len(report.problems)} {noun}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(report.summary(env, config))
    for line in report.sources:
        print(line)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    problems = feed_file_problems(args.feeds)
    if problems:
        for problem in problems:
            print(f"replay: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    url, folder = (args.db, None) if args.db else temporary_database_url()
    try:
        ctx = build_context(args.config, url)
        try:
            lines = replay(ctx, args.feeds)
            if args.jsonl:
                write_jsonl(lines, sys.stdout)
            else:
                for line in lines:
                    print(_replay_line(line))
        finally:
            ctx.close()
    finally:
        if folder is not None:
            folder.cleanup()
    return EXIT_OK


def _replay_line(line: dict[str, object]) -> str:
    changes = line["changes"]
    assert isinstance(changes, list)
    changed = ", ".join(f"{c['fact']} {c['old']}→{c['new']} ({c['status']})" for c in changes)
    mark = "ALERT" if line["alert"] else ("dup" if line["duplicate_of"] else "")
    return f"{mark:5} {'R' if line['relevant'] else '-'} {line['title']}  {changed}"


LANGUAGES = {"en": "English", "zh": "Chinese"}


def cmd_status(args: argparse.Namespace) -> int:
    ctx = build_context(args.config, args.db, readonly=True)
    try:
        with ctx.db.unit() as session:
            facts = fact_reports(session, ctx.catalogue)
            feeds = feed_reports(session)
            outbox = repo.outbox_counts(session)
    finally:
        ctx.close()
    for fact in facts:  # which sources moved each fact, by the names the config gives them
        for source in fact.sources:
            source["name"] = ctx.config.source_name(source.get("feed", ""))
    if args.json:
        payload = {
            "facts": [f.to_json() for f in facts],
            "feeds": [f.to_json() for f in feeds],
            "outbox": outbox,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK
    for fact in facts:
        changed = f" since {fact.since[:10]}" if fact.last_change else ""
        print(
            f"{fact.label}: {fact.value}{changed} (baseline {fact.baseline}, {fact.baseline_as_of})"
        )
        if fact.last_change:
            print(f"    last change: {fact.last_change['title']} {fact.last_change['link']}")
            movers = [f"{s['name']} ({LANGUAGES.get(s['language'], s['language'])})"
                      for s in fact.sources]  # fmt: skip
            print(f"    sources: {', '.join(movers)}")
        if fact.decisions:
            last = fact.decisions[0]
            print(f"    last decision: {last['action']} by {last['by']} at {last['at'][:16]}")
    failing = [f for f in feeds if not f.healthy]
    print(f"\nfeeds: {len(feeds)}, failing: {len(failing)}; outbox: {outbox or 'empty'}")
    for feed in failing:
        print(f"    {feed.name}: {feed.consecutive_failures} failures, {feed.last_error}")
    for feed in feeds:
        if feed.backlog_entries:
            print(
                f"    {feed.name}: {feed.backlog_entries} entries beyond "
                "fetch.max_entries_per_poll judged as backlog (no alerts)"
            )
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    """Rows not delivered yet (or those in ``--status``); ``--retry`` puts failed ones back."""
    ctx = build_context(args.config, args.db, readonly=True)
    try:
        with ctx.db.unit() as session:
            if args.retry:
                print(f"{repo.retry_failed(session)} failed rows put back to pending")
                return EXIT_OK
            listed = [
                {
                    "id": r.id,
                    "alert": r.alert_id,
                    "destination": r.destination,
                    "status": r.status,
                    "attempts": r.attempts,
                    "created_at": r.created_at.isoformat(),
                    "next_attempt_at": r.next_attempt_at.isoformat(),
                    "last_error": r.last_error,
                }
                for r in undelivered_rows(session, args.status)
            ]
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(listed, indent=2))
        return EXIT_OK
    if not listed:
        print(f"no {args.status or 'undelivered'} rows" + ("" if args.status else " in the outbox"))
    for row in listed:
        print(
            f"{row['id']:>6} {row['status']:8} {row['destination']:24} {row['alert']} "
            f"attempts={row['attempts']} {row['last_error'] or ''}".rstrip()
        )
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app.runner import limit_malloc_arenas, run_forever, run_once

    limit_malloc_arenas()  # before any thread starts
    ctx = build_context(args.config, args.db)
    try:
        if args.once:
            return asyncio.run(run_once(ctx))
        return asyncio.run(run_forever(ctx))
    finally:
        ctx.close()


COMMANDS = {
    "run": cmd_run,
    "replay": cmd_replay,
    "status": cmd_status,
    "check-config": cmd_check_config,
    "outbox": cmd_outbox,
    "review": cmd_review,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        env = load_environment()
        configure_logging(env.BOT_LOG_LEVEL, env.BOT_LOG_FORMAT)
    except ConfigError as exc:
        configure_logging("INFO")
        if args.command != "check-config":  # check-config lists it with the other problems
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.debug("%s failed", args.command, exc_info=True)
        code, message = describe(exc)
        print(f"error: {message}", file=sys.stderr)
        return code
