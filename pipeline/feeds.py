"""Poll RSS/Atom and JSON feeds: conditional GET with httpx, parsing on the bytes.

feedparser is never allowed to fetch: it gets the bytes and the response headers we
received (so its charset detection sees the real Content-Type), and nothing else. A JSON
document is read as a JSON Feed (`pipeline.jsonfeed`), which feedparser does not read.
Links that an aggregator wrapped (news-search and alert feeds) are resolved to the
publisher's URL here, before anything is queued (`pipeline.aggregators`).
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import lxml.etree
import lxml.html

from pipeline.aggregators import item_outlet, resolve_link
from pipeline.fetch import FetchError, Politeness, get, status_kind
from pipeline.jsonfeed import JsonFeedError, is_json, parse_json_feed
from pipeline.records import FeedEntry, FeedState, PollResult
from pipeline.retry import parse_retry_after

log = logging.getLogger(__name__)


class FeedError(Exception):
    """The document is not a usable feed (no entries, or not a feed at all)."""


def read_feed(
    body: bytes, feed_url: str, headers: Mapping[str, str] | None = None
) -> feedparser.FeedParserDict:
    """feedparser's reading of a document, as newsmon configures it: the response headers
    we received (for the charset), the feed URL (for relative links), no fetching."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", feed_url)
    return feedparser.parse(
        body, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )


def parse_feed(
    body: bytes,
    feed_url: str,
    headers: Mapping[str, str] | None = None,
    max_items: int = 500,
) -> tuple[list[FeedEntry], str | None]:
    """Entries of a feed document, and the bozo reason if feedparser flagged one.

    A bozo feed that still yields entries is used. A document with no entries is an error.
    A JSON document is read as a JSON Feed.
    """
    if is_json(body):
        return _json_entries(body, feed_url, max_items), None
    parsed = read_feed(body, feed_url, headers)
    bozo = _bozo_reason(parsed)
    if not parsed.entries:
        raise FeedError(f"{_not_a_feed(parsed, body)}{f' ({bozo})' if bozo else ''}")
    entries = _unique(_entries(parsed.entries, feed_url))
    if not entries:
        raise FeedError(f"{len(parsed.entries)} entries, none with an http(s) link")
    return entries[:max_items], bozo


def _json_entries(body: bytes, feed_url: str, max_items: int) -> list[FeedEntry]:
    try:
        entries = parse_json_feed(body, feed_url, max_items)
    except JsonFeedError as exc:
        raise FeedError(str(exc)) from None
    if not entries:
        raise FeedError("JSON Feed with no item that has an http(s) link")
    # Titles are plain text in JSON Feed too; markup in one is dropped, as for RSS.
    entries = [replace(e, title=plain_title({"title": e.title})) for e in entries]
    return _unique([_resolved(e, None) for e in entries])


def _not_a_feed(parsed: feedparser.FeedParserDict, body: bytes) -> str:
    return "no entries" if parsed.get("version") else "not a feed"


def _bozo_reason(parsed: feedparser.FeedParserDict) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}"[:500] if exc else "bozo"


def _entries(raw_entries: list, feed_url: str) -> list[FeedEntry]:
    entries = []
    for raw in raw_entries:
        url = _entry_link(raw, feed_url)
        if url is None:
            log.info("feed %s: entry without an http(s) link skipped", feed_url)
            continue
        entry = FeedEntry(
            feed_url=feed_url,
            url=url,
            guid=_text(raw.get("id")),
            title=plain_title(raw),
            published=_entry_date(raw),
            summary=_text(raw.get("summary")),
        )
        entries.append(_resolved(entry, raw))
    return entries


def _resolved(entry: FeedEntry, raw: Mapping | None) -> FeedEntry:
    """The entry with an aggregator's link resolved to the publisher's, and the outlet
    the item names (Google News' `<source>`, Bing's `<News:Source>`)."""
    target = resolve_link(entry.url)
    outlet = item_outlet(raw) if raw is not None else None
    if target == entry.url and outlet is None:
        return entry
    return replace(
        entry,
        url=target,
        listed_url=entry.url if target != entry.url else None,
        outlet=outlet.name if outlet else None,
        outlet_url=outlet.url if outlet else None,
    )


def _entry_link(raw: Mapping, feed_url: str) -> str | None:
    candidates = [raw.get("link")]
    candidates += [link.get("href") for link in raw.get("links", []) if isinstance(link, Mapping)]
    guid = raw.get("id")
    if raw.get("guidislink") and guid:
        candidates.append(guid)
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            url = urljoin(feed_url, candidate.strip())
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
                return url
    return None


def _entry_date(raw: Mapping) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # `in` first: FeedParserDict.get answers a missing updated_parsed with
        # published_parsed and a DeprecationWarning; we do that fallback ourselves.
        value = raw.get(key) if key in raw else None
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def plain_title(raw: Mapping) -> str | None:
    """The title of a feed or an entry as plain text: markup in it is dropped, never stored.

    feedparser calls a CDATA title plain text whatever it holds, so its own verdict is
    not enough: a title with a known HTML element in it is read as HTML too ("a < b" is not).
    """
    title = _text(raw.get("title"))
    detail = raw.get("title_detail") or {}
    if title is None or ("html" not in str(detail.get("type", "")) and not _HTML_TAG.search(title)):
        return title
    return _text(" ".join(html_text(title).split()))


_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|br|cite|code|del|div|em|embed|font|form|h[1-6]|i|iframe|img|input|"
    r"ins|li|link|mark|meta|object|ol|p|pre|q|s|script|small|span|strike|strong|style|sub|"
    r"sup|svg|table|td|th|tr|u|ul)\b[^<>]*>",
    re.IGNORECASE,
)


def html_text(markup: str) -> str:
    """The text of an HTML fragment, without the contents of script and style elements."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return markup
    for element in root.iter("script", "style"):
        element.drop_tree()
    return root.text_content()


def _unique(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Feeds repeat items (duplicate GUIDs, the same link twice): keep the first."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        keys = {entry.url} | ({entry.guid} if entry.guid else set())
        if keys & seen:
            continue
        seen |= keys
        unique.append(entry)
    return unique


async def poll_feed(
    client: httpx.AsyncClient, state: FeedState, politeness: Politeness, max_items: int = 500
) -> PollResult:
    """Conditional GET of one feed. Never raises: errors come back as status 'error'."""
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/xml;q=0.9, application/json;q=0.9, */*;q=0.5"
    }
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    host = urlsplit(state.url).netloc
    try:
        # The same per-host and global limits as page fetches: polite to a host with many
        # feeds, and no more requests queued in the connection pool than it has connections
        # (httpcore's pool does work per queued request per connection on every event).
        async with politeness.global_slot(), politeness.host_slot(host):
            await politeness.wait_turn(host)
            resp = await get(client, state.url, politeness.settings, headers, politeness.pace)
    except FetchError as exc:
        return PollResult(state.url, "error", exc.status, error=f"{exc.kind}: {exc}")
    # Parsing a feed at the body cap takes seconds of CPU: off the event loop, so the
    # deadlines of the other requests in flight keep their meaning.
    return await asyncio.to_thread(
        _poll_outcome, state, resp.status, resp.headers, resp.body, max_items
    )


def _poll_outcome(
    state: FeedState, status: int, headers: Mapping[str, str], body: bytes, max_items: int
) -> PollResult:
    etag = headers.get("etag") or state.etag
    modified = headers.get("last-modified") or state.last_modified
    if status == 304 and not (state.etag or state.last_modified):
        # Nothing was cached, so there is nothing this answer could refer to.
        error = "unexpected_304: 304 Not Modified to a request without validators"
        return PollResult(state.url, "error", 304, error=error)
    if status == 304:
        return PollResult(state.url, "not_modified", 304, etag=etag, last_modified=modified)
    if status != 200:
        return PollResult(
            state.url,
            "error",
            status,
            error=f"{status_kind(status, headers, body)}: HTTP {status}",
            retry_after_s=parse_retry_after(headers.get("retry-after")),
        )
    try:
        entries, bozo = parse_feed(body, state.url, headers, max_items)
    except FeedError as exc:
        return PollResult(state.url, "error", status, error=f"not_a_feed: {exc}")
    return PollResult(
        state.url,
        "ok",
        status,
        tuple(entries),
        headers.get("etag"),
        headers.get("last-modified"),
        bozo,
    )
