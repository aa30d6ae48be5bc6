"""How the CLI reports a failure: one line naming the thing, and an exit code.

Exit codes: ``2`` bad input (a config, seed or topics file, an environment variable, a
database URL, a file given on the command line), ``1`` a failure at run time (the database
does not answer or cannot be written, a port is taken), ``130`` interrupted. The traceback is
logged at DEBUG only (``BOT_LOG_LEVEL=DEBUG``).
"""

from __future__ import annotations

import errno

from bot.config import ConfigError
from bot.facts.catalogue import SeedError
from bot.store.db import (
    DatabaseMissing,
    DatabaseUrlError,
    StoreError,
    StoreUnavailable,
    error_reason,
)

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A failure already worded for the user, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_RUNTIME) -> None:
        super().__init__(message)
        self.code = code


class PortUnavailable(CliError):
    """The HTTP server cannot listen where ``BOT_HTTP_HOST``/``BOT_HTTP_PORT`` say."""

    def __init__(self, host: str, port: int, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        hint = " (is the bot already running?)" if exc.errno == errno.EADDRINUSE else ""
        super().__init__(f"BOT_HTTP_PORT {port} on BOT_HTTP_HOST {host}: {reason.lower()}{hint}")


def describe(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line for ``exc``."""
    if isinstance(exc, CliError):
        return exc.code, str(exc)
    if isinstance(exc, ConfigError | SeedError | DatabaseUrlError | DatabaseMissing):
        return EXIT_BAD_INPUT, _first_line(exc)
    if isinstance(exc, StoreUnavailable):
        return EXIT_RUNTIME, _first_line(exc)
    if isinstance(exc, StoreError):
        return EXIT_RUNTIME, f"database: {error_reason(exc)}"
    if isinstance(exc, ValueError):
        # the topics file and the Discord key raise ValueError naming what is wrong
        return EXIT_BAD_INPUT, _first_line(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return EXIT_RUNTIME, f"{exc.strerror or type(exc).__name__}{where}"
    return EXIT_RUNTIME, f"unexpected {type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
