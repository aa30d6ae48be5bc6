"""The database: engine, migrations at start, and short transactions.

``DATABASE_URL`` picks the backend: a SQLite file by default, ``postgresql://`` for several
replicas (driver psycopg 3). The schema is created and migrated with Alembic at start, on both.
``Database(url, create=False)`` (the read-only commands) refuses a SQLite file that does not
exist instead of creating it and its folder.

On SQLite every transaction takes the write lock at its start (``BEGIN IMMEDIATE``), so two
transactions never overlap; the threads of one process take turns on a lock of their own
first, so that one starts as soon as the other ends, instead of polling SQLite's lock in
``busy_timeout``'s sleeps of up to 100 ms (a worker's cycle: 40 transactions, claims, results
and judging, that waited 0.15-0.25 s in all, up to 80 ms each). Other processes on the same
file still wait in ``busy_timeout``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeAlias

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


BACKENDS = ("sqlite", "postgresql")
StoreError = SQLAlchemyError
"""What the store raises when the database cannot be reached, read or written: callers outside
the store catch this name, never the driver's or SQLAlchemy's own types."""
Unit: TypeAlias = Session
"""One transaction's work, opened with :meth:`Database.unit`: callers outside the store name it
with this type and hand it to the store's operations (``repo``, ``ledger``, ``polls``, ...),
never use it as a SQLAlchemy session themselves."""
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUrlError(ValueError):
    """``DATABASE_URL`` (or ``--db``) is not a URL of a supported database."""


class DatabaseMissing(LookupError):
    """A read-only command was pointed at a SQLite file that does not exist."""


class StoreUnavailable(RuntimeError):
    """The database does not answer, refuses the connection or cannot be written."""


class SchemaOutdated(StoreUnavailable):
    """The database's schema is not the one this version of the code needs."""


def normalise_url(url: str) -> str:
    """Map plain ``postgres://`` and ``postgresql://`` URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def masked(url: str) -> str:
    """``url`` fit to be shown: the password replaced with ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return url.split("@", 1)[-1] if "@" in url else url


def parse_url(url: str) -> URL:
    """The SQLAlchemy URL of ``url``; :class:`DatabaseUrlError` naming it (password masked)
    unless it is a ``sqlite:`` or ``postgresql:`` URL."""
    try:
        parsed = make_url(normalise_url(url.strip()))
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUrlError(f"{masked(url)} is not a database URL") from exc
    if parsed.get_backend_name() not in BACKENDS:
        raise DatabaseUrlError(
            f"{masked(url)}: unsupported database {parsed.get_backend_name()!r} "
            "(use sqlite:///path or postgresql://...)"
        )
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL (``None``: in memory)."""
    database = url.database or ""
    if url.query.get("uri") in ("true", "1") and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
    if not database or database == ":memory:":
        return None
    return Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin_immediate
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, so concurrent writers wait for it
    (busy_timeout) instead of failing when a read lock cannot be upgraded."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, create: bool = True) -> Engine:
    """The engine of ``url``. A SQLite file is created with its folder only when ``create``;
    otherwise a missing file raises :class:`DatabaseMissing`."""
    parsed = parse_url(url)
    url = normalise_url(url.strip())
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None and not path.exists():
            if not create:
                raise DatabaseMissing(f"no database at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


class Database:
    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = normalise_url(url.strip())
        self.engine = make_engine(self.url, create=create)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite: this process's transactions take turns here (see the module doc); re-entrant,
        # so a thread that nests units waits on SQLite's lock as before, not on itself
        sqlite = self.engine.dialect.name == "sqlite"
        self._turns: AbstractContextManager[Any] = threading.RLock() if sqlite else nullcontext()

    @property
    def shown_url(self) -> str:
        """The URL with its password masked, for messages."""
        return masked(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest revision (safe to run on every start)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            if self.is_postgres:
                # one replica migrates at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the revision the database is at, the newest the code knows); reads only."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        return current, head

    def require_current_schema(self) -> None:
        """:class:`SchemaOutdated` unless the schema is at the newest revision (reads only)."""
        current, head = self.schema_revisions()
        if current is None:
            raise SchemaOutdated("holds no bot schema: run `python -m bot run` first")
        if current != head:
            raise SchemaOutdated(
                f"schema is at revision {current}, this version needs {head}: "
                "run `python -m bot run` once (it migrates)"
            )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._turns:
            session = self._sessions()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def unit(self) -> AbstractContextManager[Unit]:
        """One unit of work (a transaction) for the store's operations: committed on success,
        rolled back on any error."""
        return self.session()

    def check_writable(self, *, has_schema: bool) -> None:
        """Write once and roll back (nothing changes): :data:`StoreError` if the database
        cannot be written. With a schema the Alembic version row is rewritten as it is, without
        one a probe table is created."""
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                if has_schema:
                    connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                else:
                    connection.execute(text("CREATE TABLE bot_check_config_probe (x INTEGER)"))
            finally:
                transaction.rollback()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("database %s unreachable: %s", self.shown_url, error_reason(exc))
            return False

    def dispose(self) -> None:
        self.engine.dispose()


def error_reason(exc: BaseException) -> str:
    """One line saying why a database operation failed: the driver's own first line (not
    SQLAlchemy's wrapper with the statement and a link), passwords masked."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    text_ = lines[0] if lines else type(original).__name__
    return _PASSWORD_IN_URL.sub(r"\1***@", text_)[:500]


_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def known_revision(revision: str) -> bool:
    """Whether this version's migrations include ``revision``."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def alembic_config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
