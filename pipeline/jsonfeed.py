"""JSON Feed 1.0 and 1.1 (jsonfeed.org), read into the same `FeedEntry` records as RSS/Atom.

feedparser reads no JSON, and no JSON Feed package on the index is kept up to date; the
format is small, so its items are declared here as a pydantic model (pydantic is already
a dependency) and read with the standard library's `json`. Like feedparser, the reader
is tolerant where the format is loose: an item that cannot be read is skipped with a log
line, a feed with no item left is an error.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from pipeline.records import FeedEntry

log = logging.getLogger(__name__)

VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"


class JsonFeedError(ValueError):
    """The document is JSON but not a usable JSON Feed, or not JSON at all."""


class _Item(BaseModel):
    """One item as the spec describes it; unknown keys (attachments, tags, `_ext`) ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    summary: str | None = None
    content_text: str | None = None
    date_published: str | None = None
    date_modified: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        # The spec says a string; numbers are common ("id": 42) and mean the same.
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return str(value) if number else value


def is_json(body: bytes) -> bool:
    """Whether the document is a JSON object (a JSON Feed, or JSON that is not one)."""
    return body.lstrip(_BOM_AND_SPACE).startswith(b"{")


def parse_json_feed(body: bytes, feed_url: str, max_items: int = 500) -> list[FeedEntry]:
    """The entries of a JSON Feed document, at most `max_items`; `JsonFeedError` says why
    a document is not one (not JSON, no JSON Feed version, no items)."""
    document = _load(body)
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise JsonFeedError("JSON, but not a JSON Feed (no https://jsonfeed.org/version/…)")
    if version.rstrip("/") not in VERSIONS:
        log.info("feed %s: JSON Feed %s read as 1.1", feed_url, version)
    items = document.get("items")
    if not isinstance(items, list):
        raise JsonFeedError("JSON Feed without an items list")
    entries = []
    for raw in items:
        entry = _entry(raw, feed_url)
        if entry is not None:
            entries.append(entry)
        if len(entries) >= max_items:
            break
    return entries


def _load(body: bytes) -> dict:
    try:
        # JSON is UTF-8 (RFC 8259); a BOM is tolerated, as browsers tolerate it.
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise JsonFeedError(f"JSON that is not UTF-8: {exc.reason} at byte {exc.start}") from None
    except RecursionError:
        raise JsonFeedError("JSON nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError, and digits past Python's limit
        raise JsonFeedError(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise JsonFeedError("JSON, but not an object: not a JSON Feed")
    return document


def _entry(raw: object, feed_url: str) -> FeedEntry | None:
    try:
        item = _Item.model_validate(raw)
    except ValidationError as exc:
        log.info("feed %s: item skipped (%s)", feed_url, exc.errors()[0]["msg"])
        return None
    url = _link(item, feed_url)
    if url is None:
        log.info("feed %s: item %s without an http(s) url skipped", feed_url, item.id[:80])
        return None
    return FeedEntry(
        feed_url=feed_url,
        url=url,
        guid=item.id.strip() or None,
        title=(item.title or "").strip() or None,
        published=_date(item.date_published) or _date(item.date_modified),
        summary=(item.summary or item.content_text or "").strip() or None,
    )


def _link(item: _Item, feed_url: str) -> str | None:
    """The item's own page (`url`); failing that, the page it links to (`external_url`)."""
    for candidate in (item.url, item.external_url):
        if candidate and candidate.strip():
            url = urljoin(feed_url, candidate.strip())
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.hostname:
                return url
    return None


def _date(value: str | None) -> datetime | None:
    """An RFC 3339 date, in UTC; None for one that cannot be read."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
