"""What a Discord interaction says about who asks and what: the shared handlers' view of a slash
command (:func:`invocation_from`: the sub-command and its options by name, as typed values), and
the asker's roles and rights (for the reviewers' commands and buttons). Fields of the wrong shape
count as absent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.chat.commands import Invocation, parse_command
from bot.chat.discord_commands import SUB_COMMAND, SUB_COMMAND_GROUP
from bot.chat.invocation import Value

ADMINISTRATOR, MANAGE_GUILD = 1 << 3, 1 << 5  # permission bits


def user_name(user: Mapping[str, Any]) -> str:
    return str(user.get("global_name") or user.get("username") or "")


def command_options(options: Any) -> tuple[list[str], dict[str, Value]]:
    """The sub-command path (``["latest"]``) and the options by name (``{"n": 3}``): strings,
    integers and booleans as Discord sent them, any other value as text."""
    path: list[str] = []
    named: dict[str, Value] = {}
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, Mapping):
            continue
        kind, name, value = option.get("type"), str(option.get("name", "")), option.get("value")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            inner_path, inner = command_options(option.get("options"))
            path += [name, *inner_path]
            named.update(inner)
        elif isinstance(value, str | int):  # bool is an int
            named[name] = value
        elif value is not None:
            named[name] = str(value)
    return path, named


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def manages_server(member: Mapping[str, Any]) -> bool:
    permissions = str(member.get("permissions") or "0")
    bits = int(permissions) if permissions.isdigit() else 0
    return bool(bits & (ADMINISTRATOR | MANAGE_GUILD))


def invocation_from(interaction: Mapping[str, Any]) -> Invocation:
    """The shared handlers' view of an application-command interaction (fields of the wrong
    shape count as absent). In a server, the member's role ids and whether they may manage the
    server (Manage Server or Administrator in ``permissions``) come along, for the reviewers'
    commands; a direct message has neither. The user's name (global name, else username) is
    what decisions show (``@alice``)."""
    data = mapping(interaction.get("data"))
    channel = interaction.get("channel_id") or mapping(interaction.get("channel")).get("id") or ""
    member = mapping(interaction.get("member"))
    user = mapping(member.get("user")) or mapping(interaction.get("user"))
    roles = member.get("roles")
    path, options = command_options(data.get("options"))
    return parse_command(
        str(data.get("name", "")),
        path=path,
        options=options,
        destination=f"discord:{channel}" if channel else "",
        user=str(user.get("id", "")),
        groups=frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset(),
        manager=manages_server(member),
        user_name=user_name(user),
    )
