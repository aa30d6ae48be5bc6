"""Prometheus metric objects shared by every room (a leaf module: it imports no room).

Labels stay low-cardinality: no feed names or URLs, only outcomes, reasons and destinations.
The HTTP server serves :func:`render` at ``GET /metrics``.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)

FEED_POLLS = Counter(
    "bot_feed_polls",
    "Feed polls by outcome (new, unchanged, not_modified, error).",
    ["outcome"],
)
FETCH_FAILURES = Counter(
    "bot_fetch_failures",
    "Failed fetches by target (feed, page, hub) and reason kind.",
    ["target", "reason"],
)
FETCH_SECONDS = Histogram(
    "bot_fetch_seconds",
    "Time of one fetch, redirects and body included, by target (feed, page, hub).",
    ["target"],
    buckets=_LATENCY_BUCKETS,
)
FETCHED_BYTES = Counter(
    "bot_fetched_bytes",
    "Decoded body bytes read, by target.",
    ["target"],
)
ENTRIES = Counter("bot_entries", "Feed entries seen for the first time.")
CHANGES = Counter("bot_fact_changes", "Fact changes detected, by status.", ["status"])
ALERTS = Counter("bot_alerts", "Alerts composed, by kind.", ["kind"])
DELIVERY_SECONDS = Histogram(
    "bot_delivery_seconds",
    "Time to deliver one alert, by destination (console, slack, discord).",
    ["destination"],
    buckets=_LATENCY_BUCKETS,
)
DELIVERY_FAILURES = Counter(
    "bot_delivery_failures",
    "Failed delivery attempts by destination.",
    ["destination"],
)
WEBSUB_NOTIFICATIONS = Counter(
    "bot_websub_notifications",
    "WebSub content notifications by result (accepted, bad_signature, unknown_feed, too_large).",
    ["result"],
)
FEEDS_FAILING = Gauge("bot_feeds_failing", "Feeds whose last poll failed.")
LAST_CYCLE = Gauge("bot_last_cycle_timestamp_seconds", "Unix time the last poll cycle ended.")


def render() -> tuple[bytes, str]:
    """The exposition text of every registered metric and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
