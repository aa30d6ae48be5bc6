"""What a fact value is, in one place: its key, equality and plain form.

Values are normalised by kind when they enter (``catalogue.normalise_value``): percent → ``float``,
state → one of the fact's words, month → ``"YYYY-MM"``, person → a name. Every other room
compares and groups values through :func:`value_key` and :func:`same_value`, never by hand.
"""

from __future__ import annotations

from typing import Any


def value_key(value: Any) -> str:
    """A stable text key: ``30.0``, ``30`` and ``"30%"`` → ``"30"``; words lower-cased, spaces
    collapsed. Used to group claims of one value and to store them."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float | int):
        return f"{float(value):g}"
    text = " ".join(str(value).strip().lower().split())
    try:
        return f"{float(text.rstrip('%')):g}"
    except ValueError:
        return text


def same_value(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is right
    return value_key(left) == value_key(right)


def plain_value(value: Any, kind: str) -> Any:
    """A value as JSON output shows it: whole percentages as integers."""
    if kind == "percent" and value is not None:
        number = float(value)
        return int(number) if number.is_integer() else number
    return value
