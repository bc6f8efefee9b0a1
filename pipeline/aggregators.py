"""Links of news-search and alert feeds, resolved to the publisher's URL, and their outlet.

Google Alerts and Bing News wrap each item's link in a redirect through themselves, the
target in a query parameter (`google.com/url?…&url=<target>`, `bing.com/news/
apiclick.aspx?…&url=<target>`); Google News encodes it in the article id of its own link
(`news.google.com/rss/articles/<id>`). Resolved here, before an entry is queued, the same
story listed by a search feed and by a press feed has one URL, so one entry and one
article, and the publisher is fetched without a request to the aggregator.

Google News ids of the older form hold the URL itself (a protobuf message, base64url);
the newer opaque ids ("AU_yqL…") can only be resolved by asking Google, so such a link is
kept as listed. The outlet is read from the item (RSS `<source url="…">Name</source>`,
which Google News sets; Bing's `<News:Source>`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# host -> (path, the query parameters that may hold the target, in order)
_WRAPPERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "www.google.com": ("/url", ("url", "q")),
    "google.com": ("/url", ("url", "q")),
    "www.bing.com": ("/news/apiclick.aspx", ("url",)),
    "bing.com": ("/news/apiclick.aspx", ("url",)),
}
_GOOGLE_NEWS = "news.google.com"
_MAX_UNWRAP = 3  # a wrapper inside a wrapper happens (an alert of a news-search link)


@dataclass(frozen=True, slots=True)
class Outlet:
    """The publisher an aggregator names for an item."""

    name: str | None
    url: str | None


def resolve_link(url: str) -> str:
    """The publisher's URL behind an aggregator's link; any other link unchanged."""
    for _ in range(_MAX_UNWRAP):
        target = _unwrap(url)
        if target is None:
            break
        url = target
    return url


def _unwrap(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if host == _GOOGLE_NEWS:
        return _google_news_target(parts.path)
    wrapper = _WRAPPERS.get(host)
    if wrapper is None or parts.path.lower() != wrapper[0]:
        return None
    query = parse_qs(parts.query)
    for name in wrapper[1]:
        for value in query.get(name, []):
            if _is_web_url(value):
                return value.strip()
    return None


def _google_news_target(path: str) -> str | None:
    """The URL inside a Google News article id (`/rss/articles/<id>`, `/articles/<id>`,
    `/__i/rss/rd/articles/<id>`), when the id is of the form that holds it."""
    _, sep, article_id = path.rpartition("/articles/")
    if not sep or not article_id or "/" in article_id:
        return None
    try:
        data = base64.urlsafe_b64decode(article_id + "=" * (-len(article_id) % 4))
    except (binascii.Error, ValueError):
        return None
    for field in _length_delimited_fields(data):
        text = field.decode("ascii", "ignore")
        if _is_web_url(text):
            return text
    return None


def _length_delimited_fields(data: bytes) -> list[bytes]:
    """The length-delimited fields of the top level of a protobuf message, in order; stops
    quietly at anything it cannot read (the id is not ours to validate)."""
    fields, pos = [], 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        if key is None:
            break
        wire = key & 7
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            if size is None or pos + size > len(data):
                break
            fields.append(data[pos : pos + size])
            pos += size
        else:
            break
        if pos is None:
            break
    return fields


def _varint(data: bytes, pos: int) -> tuple[int | None, int]:
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None, pos


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and value.isprintable()


def item_outlet(raw: Mapping) -> Outlet | None:
    """The outlet a search feed's item names: RSS `<source>` (Google News), Bing's
    `<News:Source>`; None where the item names none."""
    source = raw.get("source")
    if isinstance(source, Mapping):
        name = _text(source.get("title"))
        href = _text(source.get("href"))
        if name or href:
            return Outlet(name, href if href and _is_web_url(href) else None)
    name = _text(raw.get("news_source"))
    return Outlet(name, None) if name else None


def _text(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
