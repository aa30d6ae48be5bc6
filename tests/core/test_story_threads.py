"""Story follow-ups on the console (a line naming the first alert), and the outbox schema the
follow-ups need: the migrations match the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.delivery.console import ConsoleDestination
from bot.delivery.outbox import Dispatcher
from bot.store import outbox
from bot.store.db import Database
from bot.store.models import Base
from bot.store.repo import utcnow
from tests.threads import (
    PARENT_ID,
    first_alert,
    follow_up,
    row,
    store_alert,
    store_follow_up_of_first,
)


def deliver(db: Database, stream: io.StringIO) -> None:
    console = ConsoleDestination(stream)
    asyncio.run(Dispatcher(db, {"console": console}, owner="w1").run_once())


def test_a_follow_up_is_a_line_naming_the_first_alert(database: Database) -> None:
    out = io.StringIO()
    store_alert(database, first_alert(), ["console"])
    deliver(database, out)
    store_follow_up_of_first(database, ["console"])
    deliver(database, out)

    first, second = out.getvalue().strip().split("\n\n")
    assert first.startswith("[REPORT] US tariff on most Chinese goods: 145% → 30% (unconfirmed)")
    head = second.splitlines()[0]
    assert head == (
        f"[CHANGE · follow-up to {PARENT_ID} “US tariff on most Chinese goods: 145% → 30%”] "
        "Confirmed: US tariff on most Chinese goods is now 30%"
    )
    assert "    Official Gazette: Tariff notice · 2025-05-12 09:05 UTC · 3 sources" in second
    assert row(database, "al-story-2", "console").status == "sent"


def test_a_correction_is_marked(database: Database) -> None:
    out = io.StringIO()
    store_alert(database, first_alert(), ["console"])
    correction = follow_up("al-story-fix", title="Correction: the US tariff is 30%", broadcast=True)
    store_follow_up_of_first(database, ["console"], correction)
    deliver(database, out)

    heads = [block.splitlines()[0] for block in out.getvalue().strip().split("\n\n")]
    assert heads[1].startswith(f"[CHANGE · CORRECTION of {PARENT_ID} “US tariff")
    assert heads[1].endswith("”] Correction: the US tariff is 30%")


def test_a_follow_up_names_its_first_alert_even_where_that_was_not_printed(
    database: Database,
) -> None:
    out = io.StringIO()
    store_alert(database, first_alert(), ["slack:C0ELSEWHERE"])
    store_follow_up_of_first(database, ["console"])
    deliver(database, out)

    assert out.getvalue().startswith(f"[CHANGE · follow-up to {PARENT_ID} “US tariff")
    assert row(database, "al-story-2", "console").thread_id is None


def test_the_migrations_match_the_models(store_db: Database) -> None:
    with store_db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_editing_rows_are_claimed_when_due(store_db: Database) -> None:
    store_alert(store_db, first_alert(), ["console"])
    with store_db.session() as session:
        [claimed] = outbox.claim(
            session, owner="w1", now=utcnow(), lease=timedelta(seconds=5), limit=5
        )
        assert outbox.mark_sending(session, claimed.id, "w1", timedelta(seconds=5))
        assert outbox.mark_editing(
            session,
            claimed.id,
            "w1",
            external_id="m1",
            thread_id="m0",
            lease=timedelta(seconds=5),
        )
        outbox.postpone(session, claimed.id, "w1", 0.0, "slack: HTTP 503", count=True)
    with store_db.session() as session:
        [again] = outbox.claim(
            session, owner="w2", now=utcnow(), lease=timedelta(seconds=5), limit=5
        )
        assert (again.status, again.external_id, again.attempts) == ("editing", "m1", 1)
        assert not outbox.mark_sending(session, again.id, "w2", timedelta(seconds=5))
