"""The Slack destination: a :class:`Card` as Block Kit, posted with slack_sdk's AsyncWebClient.

Rendering rules (Slack's limits: 50 blocks, 150 characters a header, 3,000 a section, 10 fields
of 2,000 a section, 10 context elements):
header (title) → changes as fields (change cards) or a bullet list → summary → the card's fields
→ context (source, time, footer) → a button to the link. Text that does not fit is cut on a
character boundary with "…"; blocks beyond 50 are replaced by a "n more not shown" note.

Every card text is untrusted: ``&``, ``<`` and ``>`` are escaped (so ``<!channel>``, ``<@U1>``
and ``<http://evil|link>`` arrive as plain text) and bare ``@channel``/``@here``/``@everyone``
get a word joiner after the ``@``. Links are only used when they are http(s) URLs, re-quoted.

Sending: at most one message a second per channel; 429 → retryable with Slack's Retry-After;
5xx and transport errors → retried here with backoff, and because such a failure may hide a
message that did arrive, the channel's history is checked for the alert id (message metadata)
before each resend. ``not_in_channel``, ``channel_not_found``, ``invalid_auth`` and the like are
permanent: reported non-retryable so the dispatcher keeps the row pending for an operator.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.card import Card, CardField, CardKind
from bot.delivery.base import SendResult

log = logging.getLogger(__name__)

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_FIELDS_PER_SECTION = 10
MAX_CONTEXT_ELEMENT = 2000
MAX_URL = 3000
MAX_FALLBACK = 3000
METADATA_EVENT_TYPE = "fentanyl_alert"
PERMANENT_ERRORS = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
        "no_permission",
        "ekm_access_denied",
    }
)
_MENTION = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_WORD_JOINER = "\u2060"


# --- text -----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities, and bare broadcast mentions defused."""
    text = _MENTION.sub("@" + _WORD_JOINER, text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """``text`` escaped, cut so the escaped form has at most ``limit`` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    size = 0
    for char in _MENTION.sub("@" + _WORD_JOINER, text):
        piece = escape(char)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces).rstrip() + "…"


def safe_url(url: str) -> str | None:
    """An http(s) URL with unsafe characters percent-encoded, or ``None``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    quoted = quote(url, safe=_URL_SAFE)
    return quoted if len(quoted) <= MAX_URL else None


def link(url: str, label: str, limit: int) -> str:
    """A mrkdwn link to ``url`` labelled ``label`` (escaped), or the label alone."""
    target = safe_url(url)
    if target is None:
        return fit(label, limit)
    room = limit - len(target) - 3
    if room < 10:
        return fit(label, limit)
    return f"<{target.replace('&', '&amp;')}|{fit(label, room).replace('|', '¦')}>"


def _when(published: datetime) -> str:
    fallback = published.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(published.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


# --- blocks ---------------------------------------------------------------------------------


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(text))


def _field_text(name: str, value: str, limit: int) -> str:
    head = f"*{fit(name, 200)}*\n"
    return head + fit(value, limit - len(head))


def _field_sections(fields: list[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = []
    for start in range(0, len(fields), MAX_FIELDS_PER_SECTION):
        chunk = fields[start : start + MAX_FIELDS_PER_SECTION]
        blocks.append(
            SectionBlock(fields=[_mrkdwn(_field_text(n, v, MAX_FIELD)) for n, v in chunk])
        )
    return blocks


def _change_field(line: str) -> tuple[str, str]:
    name, sep, value = line.partition(": ")
    return (name, value) if sep and value else ("Change", line)


def _lines_blocks(card: Card) -> list[Block]:
    if not card.lines:
        return []
    if card.kind is CardKind.CHANGE:
        return _field_sections([_change_field(line) for line in card.lines])
    blocks: list[Block] = []
    text = ""
    for line in card.lines:
        bullet = "• " + fit(line, MAX_SECTION - 2)
        if text and len(text) + 1 + len(bullet) > MAX_SECTION:
            blocks.append(_section(text))
            text = ""
        text = f"{text}\n{bullet}" if text else bullet
    blocks.append(_section(text))
    return blocks


def _fields_blocks(fields: tuple[CardField, ...]) -> list[Block]:
    blocks: list[Block] = []
    inline: list[tuple[str, str]] = []
    for item in fields:
        if item.inline:
            inline.append((item.name, item.value))
            continue
        blocks.extend(_field_sections(inline))
        inline = []
        blocks.append(_section(_field_text(item.name, item.value, MAX_SECTION)))
    blocks.extend(_field_sections(inline))
    return blocks


def _context_block(card: Card) -> ContextBlock | None:
    elements: list[str] = []
    if card.source:
        elements.append(link(card.link, card.source, MAX_CONTEXT_ELEMENT))
    if card.published is not None:
        elements.append(_when(card.published))
    if card.footer:
        elements.append(fit(card.footer, MAX_CONTEXT_ELEMENT))
    if not elements:
        return None
    return ContextBlock(elements=[_mrkdwn(e) for e in elements])


def _button_block(card: Card) -> ActionsBlock | None:
    target = safe_url(card.link)
    if target is None:
        return None
    label = "Read the article" if card.kind in (CardKind.CHANGE, CardKind.NEWS) else "Open link"
    button = ButtonElement(
        text=PlainTextObject(text=label), url=target, action_id=f"open-link-{card.id}"[:255]
    )
    return ActionsBlock(elements=[button])


def render_blocks(card: Card) -> list[dict[str, Any]]:
    """The card as Block Kit blocks (dicts), within Slack's limits."""
    title = card.title.strip() or card.kind.value.title()
    content: list[Block] = [HeaderBlock(text=PlainTextObject(text=fit(title, MAX_HEADER)))]
    content.extend(_lines_blocks(card))
    if card.body.strip():
        content.append(_section(fit(card.body, MAX_SECTION)))
    content.extend(_fields_blocks(card.fields))
    tail = [b for b in (_context_block(card), _button_block(card)) if b is not None]
    if len(content) + len(tail) > MAX_BLOCKS:
        keep = MAX_BLOCKS - len(tail) - 1
        hidden = len(content) - keep
        content = [*content[:keep], ContextBlock(elements=[_mrkdwn(f"…{hidden} more not shown")])]
    return [block.to_dict() for block in (*content, *tail)]


def fallback_text(card: Card) -> str:
    """The plain ``text`` of the message: notifications and clients without blocks."""
    return fit(card.plain_text(), MAX_FALLBACK)


def alert_metadata(card: Card) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"alert_id": card.id, "kind": card.kind.value},
    }


def render_message(card: Card) -> dict[str, Any]:
    """Keyword arguments for ``chat.postMessage`` (without the channel)."""
    message: dict[str, Any] = {
        "text": fallback_text(card),
        "blocks": render_blocks(card),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    if card.kind is not CardKind.ANSWER:
        message["metadata"] = alert_metadata(card)
    return message


# --- sending --------------------------------------------------------------------------------


class ChannelPacer:
    """At most one message per ``interval`` seconds in each channel."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._next_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._next_at.get(channel, 0.0) - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._next_at[channel] = self._clock() + self._interval


def _retry_after(error: SlackApiError) -> float:
    headers = getattr(error.response, "headers", None) or {}
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(0.0, float(raw)) if raw is not None else 30.0
    except (TypeError, ValueError):
        return 30.0


def error_code(error: SlackApiError) -> str:
    data = getattr(error.response, "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {getattr(error.response, 'status_code', '?')}"


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class HistoryUnavailable(Exception):
    """The channel's history could not be read, so whether a message arrived is unknown."""


class _Uncertain(Exception):
    """The request may or may not have posted the message (5xx, timeout, dropped connection)."""


class SlackDestination:
    kind = "slack"

    def __init__(
        self,
        token: str,
        api_url: str = "https://slack.com/api/",
        *,
        min_interval: float = 1.0,
        server_error_retries: int = 2,
        retry_base_delay: float = 1.0,
        history_limit: int = 200,
        history_pages: int = 10,
        timeout: int = 30,
    ) -> None:
        self.client = AsyncWebClient(
            token=token, base_url=_with_slash(api_url), timeout=timeout, retry_handlers=[]
        )
        self._pacer = ChannelPacer(min_interval)
        self._server_error_retries = server_error_retries
        self._retry_base_delay = retry_base_delay
        self._history_limit = history_limit
        self._history_pages = history_pages
        self._uncertain: set[tuple[str, str]] = set()

    async def send(self, card: Card, channel: str) -> SendResult:
        key = (card.id, channel)
        message = render_message(card)
        attempt = 0
        while True:
            if key in self._uncertain:
                try:
                    existing = await self.already_sent(card, channel)
                except HistoryUnavailable as exc:
                    # never post blind: the dispatcher asks again before any resend
                    return SendResult(ok=False, error=str(exc), retryable=True)
                if existing is not None:
                    self._uncertain.discard(key)
                    log.info("slack: %s already in %s (ts %s)", card.id, channel, existing)
                    return SendResult(ok=True, external_id=existing)
            try:
                result = await self._post(channel, message)
            except _Uncertain as exc:
                self._uncertain.add(key)
                attempt += 1
                if attempt > self._server_error_retries:
                    return SendResult(ok=False, error=f"slack: {exc}", retryable=True)
                delay = self._retry_base_delay * 2 ** (attempt - 1)
                log.warning("slack: %s to %s: %s; retrying in %.1fs", card.id, channel, exc, delay)
                await asyncio.sleep(delay)
                continue
            if result.ok:
                self._uncertain.discard(key)
            return result

    async def _post(self, channel: str, message: dict[str, Any]) -> SendResult:
        async with self._pacer.turn(channel):
            try:
                response = await self.client.chat_postMessage(channel=channel, **message)
            except SlackApiError as exc:
                return self._failure(exc, channel)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise _Uncertain(f"{type(exc).__name__}: {exc}") from exc
        ts = response.get("ts")
        return SendResult(ok=True, external_id=str(ts) if ts else None)

    @staticmethod
    def _failure(exc: SlackApiError, channel: str) -> SendResult:
        status = getattr(exc.response, "status_code", 0)
        code = error_code(exc)
        if status == 429 or code == "ratelimited":
            wait = _retry_after(exc)
            return SendResult(
                ok=False, error=f"slack: rate limited, retry after {wait:g}s", retry_after=wait
            )
        if status >= 500:
            raise _Uncertain(f"server error {status} ({code})")
        if code in PERMANENT_ERRORS:
            log.error(
                "slack: %s for channel %s; the alert stays pending until fixed", code, channel
            )
            return SendResult(ok=False, error=f"slack: {code} (channel {channel})", retryable=False)
        return SendResult(ok=False, error=f"slack: {code} (channel {channel})")

    async def already_sent(self, card: Card, channel: str) -> str | None:
        """The ts of a message in ``channel`` carrying this card's alert id, paging back to
        just before the card's story was published (at most ``history_pages`` pages).

        Raises :class:`HistoryUnavailable` when the history cannot be read for a passing
        reason (network, 5xx, 429): the caller must not post blind then. A permanent refusal
        (not in the channel, no such channel, bad token) returns ``None``: a post would be
        refused for the same reason, so nothing can be doubled.
        """
        oldest = f"{card.published.timestamp() - 60:.6f}" if card.published else None
        cursor: str | None = None
        for _ in range(self._history_pages):
            try:
                response = await self.client.conversations_history(
                    channel=channel,
                    limit=self._history_limit,
                    include_all_metadata=True,
                    cursor=cursor,
                    oldest=oldest,
                )
            except SlackApiError as exc:
                if error_code(exc) in PERMANENT_ERRORS:
                    log.warning("slack: cannot read history of %s: %s", channel, error_code(exc))
                    return None
                raise HistoryUnavailable(f"slack: history of {channel}: {exc}") from exc
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise HistoryUnavailable(f"slack: history of {channel}: {exc}") from exc
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if payload.get("alert_id") == card.id:
                    return str(message.get("ts") or card.id)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        log.warning(
            "slack: %s not found in the last %d messages of %s; treating it as not posted",
            card.id,
            self._history_pages * self._history_limit,
            channel,
        )
        return None

    async def close(self) -> None:
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()
