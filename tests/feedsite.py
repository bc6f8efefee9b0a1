"""Helpers for tests that serve feed documents over real HTTP on 127.0.0.1 and poll them.

The documents are written into a temporary folder and served by the seed-site server
(`flows.seedserver.serve_site`), which answers conditional GETs with ETag and 304. Real
third-party feeds are read from ../shared/corpora/real-feeds (tests skip without it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.seedserver import serve_site
from pipeline.feeds import poll_feed
from pipeline.fetch import Politeness, open_client
from pipeline.records import FeedState, PollResult
from pipeline.settings import HttpSettings
from tests.conftest import SHARED

REAL_FEEDS = SHARED / "corpora" / "real-feeds"
LOOPBACK = HttpSettings(allow_private_networks=("127.0.0.0/8",), per_host_delay_s=0)

GOOGLE_NEWS = "prof18__RSS-Parser/rssparser__src__commonTest__resources__feed-test-source.xml"
BING_NEWS = "prof18__RSS-Parser/rssparser__src__commonTest__resources__feed-bing-image.xml"
GOOGLE_ALERTS = "feedjira__feedjira/spec__sample_feeds__google_alerts_atom.xml"
JSON_FEEDS = {
    "feedjira__feedjira/spec__sample_feeds__json_feed.json": 20,
    "feedjira__feedjira/spec__sample_feeds__json_feed_with_escaped_uris.json": 30,
    "Ranchero-Software__RSParser/Tests__RSParserTests__Resources__DaringFireball.json": 48,
}


def real_feed(relative: str) -> bytes:
    """The bytes of a feed of the real-feeds corpus (the test skips where it is absent)."""
    path = REAL_FEEDS / relative
    if not path.is_file():
        pytest.skip(f"corpus not found at {REAL_FEEDS} (expected in ../shared/corpora)")
    return path.read_bytes()


@contextmanager
def serve_files(folder: Path, files: Mapping[str, bytes]) -> Iterator[str]:
    """Serve `files` (path -> bytes) from `folder` on 127.0.0.1; yields the base URL."""
    for name, body in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    with serve_site(folder) as base:
        yield base


def poll(
    url: str, settings: HttpSettings = LOOPBACK, state: FeedState | None = None, max_items=500
) -> PollResult:
    """One real poll of `url`, as the ingest flow polls."""

    async def go() -> PollResult:
        async with open_client(settings) as client:
            return await poll_feed(client, state or FeedState(url), Politeness(settings), max_items)

    return asyncio.run(go())


def write_rss(folder: Path, urls: list[str], title: str) -> None:
    """An RSS 2.0 `feed.xml` in `folder` listing one item per URL ("Story N")."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{u}</link></item>" for n, u in enumerate(urls)
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>http://127.0.0.1/</link><description>d</description>{items}"
        "</channel></rss>",
        encoding="utf-8",
    )
