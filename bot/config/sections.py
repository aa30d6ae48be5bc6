"""The sections of the YAML config besides the feeds: fetching, routes, the schedule, source
tiers, evidence, WebSub and reviewers. Each has a default for every key."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

from bot.config.base import StrictModel

AlertKind = Literal["changes", "reports", "news", "digest", "admin"]
Tier = Literal["official", "wire", "outlet", "opinion"]


class FetchConfig(StrictModel):
    allow_private_networks: bool = False
    timeout_seconds: float = Field(default=20.0, gt=0)
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=100, ge=1)
    per_host_concurrency: int = Field(default=4, ge=1)
    user_agent: str = "fentanyl-trade-bot/0.1 (+https://github.com/)"
    # CIDR ranges let through the SSRF guard even when private networks are refused
    allowed_networks: list[str] = Field(default_factory=list)
    parse_workers: int | None = Field(default=None, ge=0)  # null: one per spare core
    # entries of one feed judged per poll, newest first; the rest are judged as backlog (for
    # the facts' history, without alerts) once the other feeds' new entries are judged
    max_entries_per_poll: int = Field(default=200, ge=1)
    full_text: bool = True  # fetch the article page when a relevant entry's text is short


def _changes_only() -> list[AlertKind]:
    return ["changes"]


class RouteConfig(StrictModel):
    to: str
    kinds: list[AlertKind] = Field(default_factory=_changes_only)
    topics: list[str] = Field(default_factory=list)  # empty: every topic

    @field_validator("to")
    @classmethod
    def _destination(cls, to: str) -> str:
        kind, _, channel = to.partition(":")
        if to == "console":
            return to
        if kind in {"slack", "discord"} and channel:
            return to
        raise ValueError("must be `console`, `slack:<channel id>` or `discord:<channel id>`")


class ScheduleConfig(StrictModel):
    poll_interval_seconds: int = Field(default=300, ge=10)
    min_interval_seconds: int = Field(default=60, ge=10)
    max_interval_seconds: int = Field(default=3600, ge=10)
    deliver_interval_seconds: int = Field(default=5, ge=1)
    digest_hour_utc: int = Field(default=13, ge=0, le=23)
    # On a feed's first poll, entries older than this are stored without alerting;
    # null turns the rule off (every entry of a new feed may alert).
    first_run_backlog_hours: float | None = Field(default=24.0, ge=0)
    story_window_hours: float = Field(default=48.0, gt=0)
    # a later item that shares a claimed change with a story joins it up to this far apart
    story_claims_window_hours: float = Field(default=168.0, gt=0)
    backoff_cap_seconds: float = Field(default=6 * 3600.0, ge=60)
    # how long a replica's claim on a feed / an outbox row lasts if it dies holding it
    feed_lease_seconds: int = Field(default=300, ge=30)
    outbox_lease_seconds: int = Field(default=120, ge=30)

    @property
    def story_window(self) -> timedelta:
        return timedelta(hours=self.story_window_hours)

    @property
    def story_claims_window(self) -> timedelta:
        return timedelta(hours=self.story_claims_window_hours)


class SourcesConfig(StrictModel):
    """Source tiers by domain: a domain also covers its subdomains; the longest match wins; a
    domain listed nowhere is an ``outlet``."""

    official: list[str] = Field(default_factory=list)
    wire: list[str] = Field(default_factory=list)
    outlet: list[str] = Field(default_factory=list)
    opinion: list[str] = Field(default_factory=list)

    def tiers(self) -> dict[str, list[str]]:
        return {"official": self.official, "wire": self.wire, "outlet": self.outlet,
                "opinion": self.opinion}  # fmt: skip


def _alone_default() -> list[Tier]:
    return ["official", "wire", "outlet"]


class EvidenceConfig(StrictModel):
    """When a claim moves a fact. ``alone``: tiers whose single firm claim (a decision or a
    change in force, by a named actor, with no contradicting prior) moves it; every other claim
    waits as ``reported`` until ``sources_needed`` independent sources (distinct domains, not
    copies) report the same value within the story window."""

    alone: list[Tier] = Field(default_factory=_alone_default)
    sources_needed: int = Field(default=2, ge=1, le=10)


class WebSubConfig(StrictModel):
    """WebSub push for feeds that advertise a hub. Off unless ``callback_base`` is the public
    URL at which hubs reach this bot's HTTP server (``<callback_base>/websub/<feed id>``)."""

    callback_base: str | None = None
    lease_seconds: int = Field(default=5 * 86400, ge=3600)


class ReviewConfig(StrictModel):
    """Who may change what the bot watches from chat (``add-feed``, ``remove-feed``): these
    Slack users (ids such as ``U0123``) and members of these Slack user groups (``S0123``), and
    on Discord members holding one of these role ids or the Manage Server permission. Nobody
    else; with this section empty only Discord server managers may."""

    slack_users: list[str] = Field(default_factory=list)
    slack_user_groups: list[str] = Field(default_factory=list)
    discord_roles: list[str] = Field(default_factory=list)
