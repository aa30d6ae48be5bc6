"""``python -m bot <command>``: run, replay, status, check-config, outbox."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.app.context import build_context, configure_logging, load_static
from bot.app.replay import replay, temporary_database_url, write_jsonl
from bot.config import ConfigError
from bot.facts.catalogue import SeedError
from bot.store import repo
from bot.store.reports import fact_reports, feed_reports

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="the worker: poll feeds, judge entries, deliver alerts")
    run.add_argument("--config", type=Path, help="YAML config (default config/bot.yaml)")
    run.add_argument("--once", action="store_true", help="one full cycle, then exit 0")
    run.add_argument("--db", help="database URL (default DATABASE_URL or a SQLite file)")

    rep = sub.add_parser("replay", help="judge the entries of feed files as if just arrived")
    rep.add_argument("feeds", nargs="+", type=Path, metavar="FEED_FILE")
    rep.add_argument("--db", help="database URL (default: a fresh temporary SQLite file)")
    rep.add_argument("--config", type=Path)
    rep.add_argument("--jsonl", action="store_true", help="one JSON object per entry")

    status = sub.add_parser("status", help="current value, baseline and sources of each fact")
    status.add_argument("--json", action="store_true")
    status.add_argument("--db")
    status.add_argument("--config", type=Path)

    check = sub.add_parser("check-config", help="validate config, seeds and environment")
    check.add_argument("--config", type=Path)

    outbox = sub.add_parser("outbox", help="list undelivered alerts; retry failed ones")
    outbox.add_argument("--db")
    outbox.add_argument("--config", type=Path)
    outbox.add_argument("--status", choices=["pending", "sending", "sent", "failed"])
    outbox.add_argument("--retry", action="store_true", help="put failed rows back to pending")
    outbox.add_argument("--json", action="store_true")
    return parser


def cmd_check_config(args: argparse.Namespace) -> int:
    env, config, catalogue, _ = load_static(args.config)
    print(
        f"config ok: {len(config.feeds)} feeds, {len(config.routes)} routes, "
        f"{len(catalogue)} facts; destinations: console"
        + (", slack" if env.SLACK_BOT_TOKEN else "")
        + (", discord" if env.DISCORD_BOT_TOKEN else "")
    )
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    url, folder = (args.db, None) if args.db else temporary_database_url()
    ctx = build_context(args.config, url)
    try:
        lines = replay(ctx, args.feeds)
        if args.jsonl:
            write_jsonl(lines, sys.stdout)
        else:
            for line in lines:
                changed = ", ".join(
                    f"{c['fact']} {c['old']}→{c['new']} ({c['status']})" for c in line["changes"]
                )
                mark = "ALERT" if line["alert"] else ("dup" if line["duplicate_of"] else "")
                print(f"{mark:5} {'R' if line['relevant'] else '-'} {line['title']}  {changed}")
    finally:
        ctx.close()
        if folder is not None:
            folder.cleanup()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    ctx = build_context(args.config, args.db)
    try:
        with ctx.db.session() as session:
            facts = fact_reports(session, ctx.catalogue)
            feeds = feed_reports(session)
            outbox = repo.outbox_counts(session)
    finally:
        ctx.close()
    if args.json:
        payload = {
            "facts": [f.to_json() for f in facts],
            "feeds": [f.to_json() for f in feeds],
            "outbox": outbox,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    for fact in facts:
        changed = f" since {fact.since[:10]}" if fact.last_change else ""
        print(
            f"{fact.label}: {fact.value}{changed} (baseline {fact.baseline}, {fact.baseline_as_of})"
        )
        if fact.last_change:
            print(f"    last change: {fact.last_change['title']} {fact.last_change['link']}")
    failing = [f for f in feeds if not f.healthy]
    print(f"\nfeeds: {len(feeds)}, failing: {len(failing)}; outbox: {outbox or 'empty'}")
    for feed in failing:
        print(f"    {feed.name}: {feed.consecutive_failures} failures, {feed.last_error}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    ctx = build_context(args.config, args.db)
    try:
        with ctx.db.session() as session:
            if args.retry:
                print(f"{repo.retry_failed(session)} failed rows put back to pending")
                return 0
            rows = repo.outbox_rows(session, args.status)
            listed = [
                {
                    "id": r.id,
                    "alert": r.alert_id,
                    "destination": r.destination,
                    "status": r.status,
                    "attempts": r.attempts,
                    "next_attempt_at": r.next_attempt_at.isoformat(),
                    "last_error": r.last_error,
                }
                for r in rows
            ]
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(listed, indent=2))
    else:
        for row in listed:
            print(
                f"{row['id']:>6} {row['status']:8} {row['destination']:24} {row['alert']} "
                f"attempts={row['attempts']} {row['last_error'] or ''}"
            )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app.runner import run_forever, run_once

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
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot.config import load_environment

    try:
        level = load_environment().BOT_LOG_LEVEL
    except ConfigError:
        level = "INFO"
    configure_logging(level)
    try:
        return COMMANDS[args.command](args)
    except (ConfigError, SeedError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
