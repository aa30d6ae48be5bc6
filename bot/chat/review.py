"""Who may change what the bot watches or knows from chat.

``add-feed``, ``remove-feed`` and ``set`` (:data:`PRIVILEGED`), and the buttons on alerts
(Confirm, Dismiss, Wrong value: ``bot/chat/slack_review.py``, ``bot/chat/discord_review.py``),
are for the reviewers named in the config's ``review``: Slack users, members of Slack user
groups, Discord members holding a named role; and Discord members who may manage the server. The
chat adapters say who asks (for Slack user groups they ask Slack which of the named groups the
user is in); nobody else may.
"""

from __future__ import annotations

from dataclasses import dataclass

PRIVILEGED = frozenset({"add-feed", "remove-feed", "set"})


@dataclass(frozen=True)
class Reviewers:
    """The config's ``review``, as sets."""

    slack_users: frozenset[str] = frozenset()
    slack_user_groups: frozenset[str] = frozenset()
    discord_roles: frozenset[str] = frozenset()

    def allow(self, service: str, user: str, groups: frozenset[str], manager: bool) -> bool:
        """``groups``: the asker's Slack user groups or Discord roles; ``manager``: a Discord
        member who may manage the server."""
        if service == "slack":
            return user in self.slack_users or bool(groups & self.slack_user_groups)
        if service == "discord":
            return manager or bool(groups & self.discord_roles)
        return False
