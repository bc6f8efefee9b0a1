"""The poll stage: parse_feed on inline RSS / Atom / RDF documents and the seed feeds,
parse_retry_after, and poll_feed over httpx.MockTransport (no network, no DNS)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pipeline.feeds import FeedError, parse_feed, parse_retry_after, poll_feed
from pipeline.fetch import Politeness
from pipeline.records import FeedState, PollResult
from pipeline.settings import HttpSettings

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FEED_URL = "https://news.example/feeds/main.xml"
# Without a Content-Type, feedparser flags a feed bozo ("no Content-type specified").
XML = {"Content-Type": "application/xml"}

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.example/</link>
<item><title>First</title><link>/2025/first.html</link>
  <guid isPermaLink="false">id-1</guid>
  <pubDate>Tue, 04 Mar 2025 09:30:00 -0500</pubDate>
  <description>The first story.</description></item>
<item><title>Script</title><link>javascript:alert(1)</link></item>
<item><title>Same guid, other link</title><link>/2025/first-again.html</link>
  <guid isPermaLink="false">id-1</guid></item>
<item><title>Second</title><link>https://other.example/second</link></item>
<item><title>Same link, new guid</title><link>https://other.example/second</link>
  <guid isPermaLink="false">id-2</guid></item>
<item><title>Third</title><link>third.html</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:news.example,2025:feed</id><title>News</title><updated>2025-05-21T08:00:00+01:00</updated>
  <entry><id>tag:news.example,2025:a</id><title>Alpha</title>
    <link rel="alternate" type="text/html" href="/a.html"/>
    <published>2025-05-21T08:00:00+01:00</published><updated>2025-05-22T00:00:00Z</updated>
  </entry>
  <entry><id>tag:news.example,2025:b</id><title>Beta</title>
    <link rel="alternate" href="https://news.example/b.html"/>
    <updated>2025-05-20T23:30:00-04:00</updated>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example/"><title>News</title>
    <link>https://news.example/</link><description>d</description></channel>
  <item rdf:about="https://news.example/r1"><title>R1</title><link>https://news.example/r1</link>
    <dc:date>2025-01-02T03:04:05+02:00</dc:date></item>
  <item rdf:about="https://news.example/r2"><title>R2</title><link>https://news.example/r2</link></item>
</rdf:RDF>"""


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- parse_feed ------------------------------------------------------------------------


def test_rss_links_dedup_and_dates() -> None:
    entries, bozo = parse_feed(RSS, FEED_URL, XML)
    assert bozo is None
    assert [e.url for e in entries] == [
        "https://news.example/2025/first.html",  # relative link, resolved against the feed
        "https://other.example/second",
        "https://news.example/feeds/third.html",  # relative to the feed's folder
    ]
    first = entries[0]
    assert first.feed_url == FEED_URL
    assert (first.guid, first.title, first.summary) == ("id-1", "First", "The first story.")
    assert first.published == _utc(2025, 3, 4, 14, 30)
    assert first.published.tzinfo is UTC
    assert entries[1].published is None


def test_javascript_links_are_dropped() -> None:
    entries, _ = parse_feed(RSS, FEED_URL)
    assert all(e.url.startswith(("http://", "https://")) for e in entries)
    assert "Script" not in [e.title for e in entries]


def test_only_javascript_links_is_an_error() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>x</title><link>javascript:alert(1)</link></item></channel></rss>"""
    with pytest.raises(FeedError, match="none with an http"):
        parse_feed(body, FEED_URL)


def test_max_items() -> None:
    entries, _ = parse_feed(RSS, FEED_URL, max_items=2)
    assert [e.title for e in entries] == ["First", "Second"]


def test_atom_dates_in_utc_and_relative_links() -> None:
    entries, bozo = parse_feed(ATOM, FEED_URL, {"Content-Type": "application/atom+xml"})
    assert bozo is None
    assert [(e.url, e.guid, e.published) for e in entries] == [
        ("https://news.example/a.html", "tag:news.example,2025:a", _utc(2025, 5, 21, 7)),
        # no <published>: the updated date stands in
        ("https://news.example/b.html", "tag:news.example,2025:b", _utc(2025, 5, 21, 3, 30)),
    ]


def test_xml_base_is_honoured() -> None:
    body = ATOM.replace(b"<feed ", b'<feed xml:base="https://cdn.example/news/" ')
    entries, _ = parse_feed(body, FEED_URL)
    assert entries[0].url == "https://cdn.example/a.html"


def test_rdf() -> None:
    entries, _ = parse_feed(RDF, FEED_URL, {"Content-Type": "application/rdf+xml"})
    assert [(e.url, e.published) for e in entries] == [
        ("https://news.example/r1", _utc(2025, 1, 2, 1, 4, 5)),
        ("https://news.example/r2", None),
    ]


def test_bozo_feed_with_entries_is_used_and_reason_returned() -> None:
    # An undefined entity and a missing </rss>: not well-formed, but the items are readable.
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>A&nbsp;B</title><link>https://news.example/a</link></item>
    <item><title>C</title><link>https://news.example/c</link></item></channel>"""
    entries, bozo = parse_feed(body, FEED_URL, {"Content-Type": "application/rss+xml"})
    assert [e.url for e in entries] == ["https://news.example/a", "https://news.example/c"]
    assert bozo is not None
    assert "undefined entity" in bozo


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<!doctype html><html><head><title>News</title></head>"
        b"<body><h1>News</h1><a href='/a.html'>A story</a></body></html>",
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "items": [{"url": "https://a.example/"}],
            }
        ).encode(),
        b'<rss version="2.0"><channel><title>empty</title></channel></rss>',
        b"\x00\xff\xfe garbage",
    ],
    ids=["empty", "blank", "html", "json", "no-items", "binary"],
)
def test_not_a_feed_raises_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, FEED_URL, {"Content-Type": "text/html"})


@pytest.mark.parametrize(("name", "count"), [("rss", 2), ("atom", 3)])
def test_seed_feeds(name: str, count: int) -> None:
    manifest = json.loads((SEEDS / "fixtures.json").read_text(encoding="utf-8"))
    feed = manifest["feeds"][name]
    assert feed["entries"] == count
    url = "http://127.0.0.1:8000" + feed["path"]
    body = (SEEDS / "site" / feed["path"].lstrip("/")).read_bytes()
    entries, bozo = parse_feed(body, url, {"Content-Type": "application/xml"})
    assert bozo is None
    assert len(entries) == count
    paths = {p["path"] for p in manifest["pages"]}
    for entry in entries:
        assert entry.url.startswith("http://127.0.0.1:8000/")
        assert entry.url.removeprefix("http://127.0.0.1:8000").split("?")[0] in paths
        assert entry.published is not None and entry.published.tzinfo is UTC


# ---- parse_retry_after -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-5", None),
        ("1.5", None),
        ("Wed, 99 Foo 2015 07:28:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


# ---- poll_feed over MockTransport --------------------------------------------------------

LOOPBACK = HttpSettings(allow_private_networks=("127.0.0.0/8",), per_host_delay_s=0)
LOCAL_FEED = "http://127.0.0.1/feed.xml"


def _poll(handler: Callable[[httpx.Request], httpx.Response], state: FeedState) -> PollResult:
    async def run() -> PollResult:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(transport=transport) as client:
            return await poll_feed(client, state, Politeness(LOOPBACK))

    return asyncio.run(run())


def test_poll_ok_keeps_new_validators() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/rss+xml", "ETag": '"v2"', "Last-Modified": "x"}
        return httpx.Response(200, headers=headers, content=RSS)

    result = _poll(handler, FeedState(LOCAL_FEED))
    assert (result.status, result.http_status, result.error) == ("ok", 200, None)
    assert len(result.entries) == 3
    assert result.entries[0].url == "http://127.0.0.1/2025/first.html"
    assert (result.etag, result.last_modified) == ('"v2"', "x")


def test_poll_sends_validators_and_takes_304() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304)

    state = FeedState(LOCAL_FEED, etag='"v1"', last_modified="Tue, 20 May 2025 13:10:00 GMT")
    result = _poll(handler, state)
    assert [r.headers.get("If-None-Match") for r in seen] == ['"v1"']
    assert seen[0].headers.get("If-Modified-Since") == "Tue, 20 May 2025 13:10:00 GMT"
    assert (result.status, result.http_status, result.entries) == ("not_modified", 304, ())
    assert (result.etag, result.last_modified) == (state.etag, state.last_modified)


def test_poll_without_validators_sends_none() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=RSS)

    assert _poll(handler, FeedState(LOCAL_FEED)).status == "ok"
    assert "If-None-Match" not in seen[0].headers
    assert "If-Modified-Since" not in seen[0].headers


@pytest.mark.parametrize("status", [500, 503, 429])
def test_poll_server_error_with_retry_after(status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Retry-After": "120"}, content=b"busy")

    result = _poll(handler, FeedState(LOCAL_FEED))
    assert (result.status, result.http_status, result.entries) == ("error", status, ())
    assert result.error is not None and result.error.startswith(f"http_{status}")
    assert result.retry_after_s == 120.0


def test_poll_server_error_without_retry_after() -> None:
    result = _poll(lambda request: httpx.Response(500), FeedState(LOCAL_FEED))
    assert (result.status, result.http_status, result.retry_after_s) == ("error", 500, None)


def test_poll_non_feed_content_is_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html><body><p>Not a feed</p></body></html>")

    result = _poll(handler, FeedState(LOCAL_FEED))
    assert (result.status, result.http_status) == ("error", 200)
    assert result.error is not None and result.error.startswith("not_a_feed")


def test_poll_follows_a_redirect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.xml":
            return httpx.Response(301, headers={"Location": "/feed.xml"})
        return httpx.Response(200, content=RSS)

    result = _poll(handler, FeedState("http://127.0.0.1/old.xml"))
    assert result.status == "ok"
    assert result.feed_url == "http://127.0.0.1/old.xml"


def test_poll_network_error_is_an_error_result() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = _poll(handler, FeedState(LOCAL_FEED))
    assert (result.status, result.http_status) == ("error", None)
    assert result.error is not None and result.error.startswith("network")


def test_poll_private_address_refused_by_default() -> None:
    async def run() -> PollResult:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=RSS))
        async with httpx.AsyncClient(transport=transport) as client:
            return await poll_feed(client, FeedState(LOCAL_FEED), Politeness(HttpSettings()))

    result = asyncio.run(run())
    assert result.status == "error"
    assert result.error is not None and result.error.startswith("private_address")
