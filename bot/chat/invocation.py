"""What a chat command asks, whatever the service: the command, its options, who asks and where.

Two ways in, one view for the handlers:

- a service whose commands are typed text (``/fentanyl latest 5``): :func:`parse_command` keeps
  the words after the command (``args``), and each command's word grammar (:data:`WORDS`) names
  them when a handler asks;
- a service whose commands carry named, typed options: :func:`parse_command` keeps them as they
  were given (``options``), never joined into text and split again.

Handlers read named options only (:func:`options_of`), so both ways give the same answer. A link
may be written ``<url>`` (the delimiters RFC 3986 suggests for URLs in plain text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Value = str | int | bool | tuple[str, ...]
KINDS = ("changes", "news", "digest")


@dataclass(frozen=True)
class Invocation:
    command: str
    args: tuple[str, ...] = ()  # the words typed after the command (text commands)
    destination: str = ""  # e.g. "slack:C123" or "discord:456": where subscriptions point
    user: str = ""
    groups: frozenset[str] = frozenset()  # the asker's groups or roles on the service
    manager: bool = False  # the service says the asker manages the workspace or server
    name: str = ""  # the asker's name as the chat service shows it (decisions say who)
    options: Mapping[str, Value] = field(default_factory=dict, hash=False)  # named options


@dataclass(frozen=True)
class Options:
    """A command's named options, read by kind (a value of another kind reads as absent)."""

    values: Mapping[str, Value]

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return ""
        return str(value).strip()

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.values.get(name)
        if isinstance(value, tuple):
            return value
        text = self.text(name)
        return (text,) if text else ()


def _command(name: str, path: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """``fentanyl-status`` → ``status``; ``fentanyl`` + ``latest …`` → ``latest``."""
    base = name.lstrip("/").lower()
    if base.startswith("fentanyl-") and base != "fentanyl-":
        return base.removeprefix("fentanyl-"), path
    if not path:
        return "help", ()
    return path[0].lower(), path[1:]


def parse_command(
    name: str,
    text: str = "",
    *,
    path: Sequence[str] = (),
    options: Mapping[str, Value] | None = None,
    destination: str = "",
    user: str = "",
    groups: frozenset[str] = frozenset(),
    manager: bool = False,
    user_name: str = "",
) -> Invocation:
    """A command; ``name`` is the slash command without its slash (``fentanyl-status`` or
    ``fentanyl``). Typed: ``text``, what follows it. With named options: ``path``, the
    sub-command names (``("latest",)``), and ``options``, the values by name (``{"n": 3}``)."""
    command, rest = _command(name, tuple(path) if path else tuple(text.split()))
    named = dict(options or {})
    return Invocation(command, rest, destination, user, groups, manager, user_name, named)


def is_link(word: str) -> bool:
    return link_text(word).lower().startswith(("http://", "https://"))


def link_text(word: str) -> str:
    """A link without the ``<…>`` around it."""
    return word.strip().strip("<>")


# --- each command's words, named --------------------------------------------------------------


def _status(words: tuple[str, ...]) -> dict[str, Value]:  # [fact or topic] [public]
    query = " ".join(word for word in words if word != "public")
    return {"query": query, "public": "public" in words}


def _subscribe(words: tuple[str, ...]) -> dict[str, Value]:  # [kinds...] [topic]
    kinds = tuple(word.lower() for word in words if word.lower() in KINDS)
    rest = [word for word in words if word.lower() not in KINDS]
    return {"kind": kinds, "topic": rest[0] if rest else ""}


def _set(words: tuple[str, ...]) -> dict[str, Value]:  # <fact> <value words...> [link]
    if len(words) < 2:
        return {}
    fact, rest = words[0], list(words[1:])
    source = rest.pop() if len(rest) > 1 and is_link(rest[-1]) else ""
    return {"fact": fact, "value": " ".join(rest), "source": source}


WORDS: dict[str, Callable[[tuple[str, ...]], dict[str, Value]]] = {
    "status": _status,
    "latest": lambda words: {"n": words[0]} if words else {},
    "history": lambda words: {"fact": " ".join(words)} if words else {},
    "subscribe": _subscribe,
    "unsubscribe": lambda words: {"topic": words[0]} if words else {},
    "add-feed": lambda words: {"name": words[0], "url": words[1]} if len(words) == 2 else {},
    "remove-feed": lambda words: {"name": words[0]} if len(words) == 1 else {},
    "set": _set,
}


def options_of(inv: Invocation) -> Options:
    """The invocation's named options: as the service gave them, else its words named by the
    command's grammar."""
    if inv.options:
        return Options(inv.options)
    grammar = WORDS.get(inv.command)
    return Options(grammar(inv.args) if grammar else {})
