"""A statement run for many rows at once without SQLAlchemy's work per row.

``connection.execute(statement, rows)`` builds, for every row, the statement's parameters by
name and runs each value through its type's processor, even those that are the same in every
row (the time, the owner): on a sweep's poll results, 2,000 rows of four parameters, that was
most of the CPU of the write. :func:`execute_rows` compiles the statement once per dialect,
processes the values shared by all rows once, the rows' own values through the same processors
(none for most types), and hands the driver the rows in its own parameter style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # the parameters in order (None: a named style)
    processors: dict[str, Processor]  # by parameter name, the types that have one


_COMPILED: dict[tuple[ClauseElement, str, str, str], _Compiled] = {}


def _compiled(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    # statements built once, at import; a driver of another parameter style compiles its own
    key = (statement, dialect.name, str(dialect.driver), str(dialect.paramstyle))
    found = _COMPILED.get(key)
    if found is None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        processors: dict[str, Processor] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        positions = tuple(compiled.positiontup or ()) if dialect.positional else None
        found = _COMPILED[key] = _Compiled(str(compiled), positions, processors)
    return found


def execute_rows(
    connection: Connection,
    statement: ClauseElement,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    shared: Mapping[str, Any],
) -> None:
    """Run ``statement`` (built once, at import) for each row: ``names`` the parameters each row
    gives, in its order, ``shared`` those that are the same in every row."""
    if not rows:
        return
    compiled = _compiled(statement, connection.dialect)
    processors = compiled.processors
    fixed = {k: processors[k](v) if k in processors else v for k, v in shared.items()}
    own = [(i, processors[name]) for i, name in enumerate(names) if name in processors]
    if own:
        rows = [_processed(row, own) for row in rows]
    if compiled.positions is None:
        params: list[Any] = [{**fixed, **dict(zip(names, row, strict=True))} for row in rows]
    else:
        # each row followed by the shared values, the parameters picked in the SQL's order
        order = [*names, *fixed]
        indexes = [order.index(name) for name in compiled.positions]
        tail = tuple(fixed.values())
        if len(indexes) == 1:
            params = [((row + tail)[indexes[0]],) for row in rows]
        else:
            pick = itemgetter(*indexes)
            params = [pick(row + tail) for row in rows]
    connection.exec_driver_sql(compiled.sql, params)


def _processed(row: tuple[Any, ...], own: list[tuple[int, Processor]]) -> tuple[Any, ...]:
    values = list(row)
    for i, process in own:
        values[i] = process(values[i])
    return tuple(values)
