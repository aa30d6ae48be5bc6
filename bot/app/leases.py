"""Leases held by dead processes of this host, taken back at once.

Without ``BOT_INSTANCE_ID`` an instance is named ``<host>-<pid>-<random>``. When such a process
dies holding leases (``kill -9``, a crash, the machine's OOM killer), a process that starts on
the same host recognises them: their owner names this host and a process that no longer runs
(or this process's own pid, reused by a container restarted in place). Their leases are made to
run out now, so the restarted bot polls those feeds and delivers those outbox rows at once, the
way another replica takes over an expired lease (a row caught mid-send is looked up in its
channel before anything is sent again). Replicas with explicit ids are left to their leases.
"""

from __future__ import annotations

import logging
import os
import re
import socket

from bot.app.context import AppContext
from bot.feeds.pool import process_alive
from bot.store import polls, repo

log = logging.getLogger(__name__)


def dead_local_owners(owners: set[str], me: str, host: str | None = None) -> set[str]:
    """The owners among ``owners`` that are default ids of dead processes on this host."""
    pattern = re.compile(rf"{re.escape(host or socket.gethostname())}-(\d+)-[0-9a-f]{{6}}")
    dead = set()
    for owner in owners - {me}:
        match = pattern.fullmatch(owner)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or not process_alive(pid):
            dead.add(owner)
    return dead


def take_back_dead_leases(ctx: AppContext) -> int:
    """Make the leases of this host's dead processes run out now; returns how many."""
    now = repo.utcnow()
    with ctx.db.unit() as session:
        dead = dead_local_owners(polls.live_lease_owners(session, now), ctx.instance_id)
        count = polls.expire_leases(session, dead, now)
    if count:
        log.info("took back %d leases of dead processes: %s", count, ", ".join(sorted(dead)))
    return count
