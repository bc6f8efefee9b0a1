"""JSON Feed 1.0 and 1.1 read as feeds: the reader on its own, and the three real JSON
feeds of the corpus (which feedparser reads none of) polled over real HTTP, with the same
conditional GET, size limit and clear errors as XML feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from pipeline.feeds import FeedError, parse_feed
from pipeline.jsonfeed import JsonFeedError, parse_json_feed
from pipeline.records import FeedState
from tests.feedsite import JSON_FEEDS, LOOPBACK, poll, real_feed, serve_files

FEED_URL = "https://example.org/feed.json"


def _doc(items: list, version: str = "https://jsonfeed.org/version/1.1", **extra) -> bytes:
    return json.dumps({"version": version, "title": "T", "items": items, **extra}).encode()


def test_a_1_1_item_becomes_an_entry() -> None:
    body = _doc(
        [
            {
                "id": "https://example.org/a",
                "url": "https://example.org/a",
                "title": "Microsoft and OpenAI",
                "summary": "A deal.",
                "date_published": "2025-01-21T10:00:00-05:00",
                "authors": [{"name": "A"}],
                "tags": ["x"],
            }
        ]
    )
    [entry] = parse_json_feed(body, FEED_URL)
    assert (entry.url, entry.guid, entry.title, entry.summary) == (
        "https://example.org/a",
        "https://example.org/a",
        "Microsoft and OpenAI",
        "A deal.",
    )
    assert entry.published == datetime(2025, 1, 21, 15, 0, tzinfo=UTC)
    assert entry.feed_url == FEED_URL


def test_1_0_ids_numbers_relative_and_external_links() -> None:
    body = _doc(
        [
            {"id": 7, "url": "/posts/7", "date_modified": "2025-02-01T00:00:00Z"},
            {"id": "8", "external_url": "https://elsewhere.example/story"},
            {"id": "9", "url": "javascript:alert(1)"},  # no http(s) link: skipped
            {"url": "https://example.org/no-id"},  # no id: skipped
            "not an item",
        ],
        version="https://jsonfeed.org/version/1",
    )
    entries = parse_json_feed(body, FEED_URL)
    assert [(e.guid, e.url) for e in entries] == [
        ("7", "https://example.org/posts/7"),
        ("8", "https://elsewhere.example/story"),
    ]
    assert entries[0].published == datetime(2025, 2, 1, tzinfo=UTC)
    assert entries[1].published is None


def test_max_items_and_duplicates_and_markup_in_titles() -> None:
    items = [{"id": str(n), "url": f"https://example.org/{n % 3}"} for n in range(10)]
    items[0]["title"] = "<b>Bold</b> claim"
    entries, bozo = parse_feed(_doc(items), FEED_URL, max_items=5)
    # five read, then repeats of the same three links dropped (as for RSS)
    assert [e.url for e in entries] == [f"https://example.org/{n}" for n in range(3)]
    assert entries[0].title == "Bold claim" and bozo is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'["https://jsonfeed.org/version/1"]', "not a feed"),  # not an object: not JSON Feed
        (b'{"title": "no version", "items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "without an items list"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": []}', "no item"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": 1}]}', "no item"),
        (b"{" + b'"a":[' * 100_000, "not valid JSON"),  # nested past the recursion limit
        (b'{"version": "https://jsonfeed.org/version/1", "t": "\xff"}', "not UTF-8"),
    ],
)
def test_a_json_document_that_is_not_a_usable_feed_says_why(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(body, FEED_URL)


def test_the_reader_raises_its_own_error_type() -> None:
    with pytest.raises(JsonFeedError):
        parse_json_feed(b"{", FEED_URL)


# ---- the real JSON feeds, over HTTP -----------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize(("relative", "items"), sorted(JSON_FEEDS.items()))
def test_real_json_feeds_yield_every_item_over_http(
    tmp_path: Path, relative: str, items: int
) -> None:
    body = real_feed(relative)
    assert feedparser.parse(body).entries == []  # why newsmon reads JSON Feed itself
    with serve_files(tmp_path, {"feed.json": body}) as base:
        first = poll(f"{base}/feed.json")
        assert (first.status, first.error, len(first.entries)) == ("ok", None, items)
        assert first.etag
        assert all(e.url.startswith("http") and e.guid for e in first.entries)
        assert sum(e.published is not None for e in first.entries) == items
        expected = json.loads(body)["items"]
        assert [e.guid for e in first.entries] == [str(i["id"]) for i in expected]
        # conditional GET: the validators of the first poll get a 304
        second = poll(f"{base}/feed.json", state=FeedState(first.feed_url, first.etag))
        assert (second.status, second.http_status, second.entries) == ("not_modified", 304, ())


@pytest.mark.corpus
def test_a_json_feed_over_the_body_cap_is_refused_like_any_feed(tmp_path: Path) -> None:
    body = real_feed("feedjira__feedjira/spec__sample_feeds__json_feed.json")  # 59 KB
    small = LOOPBACK.model_copy(update={"max_body_bytes": 16 * 1024})
    with serve_files(tmp_path, {"feed.json": body}) as base:
        result = poll(f"{base}/feed.json", settings=small)
    assert result.status == "error" and result.error.startswith("too_large: ")


def test_a_broken_json_feed_over_http_is_a_clear_poll_error(tmp_path: Path) -> None:
    broken = b'{"version": "https://jsonfeed.org/version/1"'
    with serve_files(tmp_path, {"broken.json": broken}) as base:
        result = poll(f"{base}/broken.json")
    assert result.status == "error"
    assert result.error.startswith("not_a_feed: not valid JSON")
