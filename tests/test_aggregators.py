"""Aggregator links resolved to the publisher's URL before fetch and dedup, and the outlet
recorded: on the saved Google News, Bing News and Google Alerts feeds of the real-feeds
corpus served over HTTP, and end to end, where a story listed by search feeds and by the
seed site's own feeds is one entry and one article."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from urllib.parse import quote, urlsplit

import duckdb
import pytest

from flows.ingest import ingest_flow
from pipeline.aggregators import item_outlet, resolve_link
from pipeline.settings import FeedSettings, Settings
from tests.feedsite import BING_NEWS, GOOGLE_ALERTS, GOOGLE_NEWS, poll, real_feed, serve_files

STORY = "https://www.example-outlet.test/2025/01/21/stargate.html?id=7"


def _google_news_id(url: str) -> str:
    """An article id of Google News' older form: a protobuf message holding the URL."""
    raw = url.encode()
    message = b"\x08\x13\x22" + bytes([len(raw)]) + raw + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(message).decode().rstrip("=")


@pytest.mark.parametrize(
    "wrapped",
    [
        f"https://www.google.com/url?rct=j&sa=t&url={STORY.replace('?id=7', '')}&ct=ga&usg=X",
        f"https://google.com/url?q={quote(STORY, safe='')}&sa=D",
        f"http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url={quote(STORY)}&c=5",
        f"https://news.google.com/rss/articles/{_google_news_id(STORY)}?oc=5",
        f"https://news.google.com/__i/rss/rd/articles/{_google_news_id(STORY)}?oc=5",
        # an alert of a news-search link: both wrappers come off
        "https://www.google.com/url?url="
        + quote(f"http://www.bing.com/news/apiclick.aspx?url={quote(STORY)}", safe=""),
    ],
)
def test_wrapped_links_resolve_to_the_publisher(wrapped: str) -> None:
    assert resolve_link(wrapped).split("?")[0] == STORY.split("?")[0]


@pytest.mark.parametrize(
    "link",
    [
        "https://www.example-outlet.test/story",  # not an aggregator
        "https://www.google.com/search?q=openai",  # google.com, but not the redirect
        "https://www.google.com/url?url=javascript:alert(1)",  # a target that is not a page
        "https://www.bing.com/news/apiclick.aspx?url=",  # no target
        # Google News' current ids are opaque: kept as listed
        "https://news.google.com/rss/articles/CBMiWkFVX3lxTE1hQlZ2?oc=5",
        "https://news.google.com/rss/articles/%%%not-base64?oc=5",
        "https://news.google.com/stories/CAAqOQgKIjNDQklTSURvSmMzUnZj?oc=5",
    ],
)
def test_other_links_are_kept_as_listed(link: str) -> None:
    assert resolve_link(link) == link


def test_the_outlet_of_an_item() -> None:
    google = item_outlet({"source": {"href": "https://www.rtbf.be", "title": " RTBF "}})
    assert (google.name, google.url) == ("RTBF", "https://www.rtbf.be")
    assert item_outlet({"news_source": "Daily Mail"}).name == "Daily Mail"
    assert item_outlet({"source": {"href": "javascript:x", "title": "X"}}).url is None
    assert item_outlet({"title": "no outlet"}) is None


# ---- the saved aggregator feeds of the corpus, over HTTP ------------------------------------


@pytest.mark.corpus
def test_google_news_items_resolve_and_name_their_outlet(tmp_path: Path) -> None:
    with serve_files(tmp_path, {"gn.xml": real_feed(GOOGLE_NEWS)}) as base:
        result = poll(f"{base}/gn.xml")
    [entry] = result.entries
    assert entry.url.startswith("https://www.rtbf.be/info/societe/detail_coronavirus-en-belgique")
    assert entry.url.endswith("?id=10450793")
    assert urlsplit(entry.listed_url).hostname == "news.google.com"
    assert (entry.outlet, entry.outlet_url) == ("RTBF", "https://www.rtbf.be")


@pytest.mark.corpus
def test_bing_news_items_resolve_and_name_their_outlet(tmp_path: Path) -> None:
    with serve_files(tmp_path, {"bing.xml": real_feed(BING_NEWS)}) as base:
        result = poll(f"{base}/bing.xml")
    [entry] = result.entries
    assert entry.url == (
        "https://www.dailymail.co.uk/sport/football/article-9554407/"
        "Real-Madrid-Barcelona-Juventus-threaten-clubs-withdrawing-Super-League-legal-action.html"
    )
    assert urlsplit(entry.listed_url).path == "/news/apiclick.aspx"
    assert (entry.outlet, entry.outlet_url) == ("Daily Mail", None)


@pytest.mark.corpus
def test_google_alerts_items_resolve_to_their_publishers(tmp_path: Path) -> None:
    with serve_files(tmp_path, {"alerts.xml": real_feed(GOOGLE_ALERTS)}) as base:
        result = poll(f"{base}/alerts.xml")
    assert len(result.entries) == 20
    hosts = {urlsplit(e.url).hostname for e in result.entries}
    assert not {h for h in hosts if h and "google." in h}
    assert all(urlsplit(e.listed_url).path == "/url" for e in result.entries)
    urls = [e.url for e in result.entries]
    assert "https://investorplace.com/2019/07/slack-stock-truly-compelling/" in urls
    # no `&ct=ga&cd=…` of the wrapper left on the target
    assert not [u for u in urls if "usg=" in u or "ct=ga" in u]


# ---- one story from a search feed and a press feed is one article ---------------------------

ALERTS_TWIN = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>tag:newsmon.test,2025:alerts/1</id><title>Alert - OpenAI</title>
<updated>2025-03-04T12:00:00Z</updated>
<entry><id>tag:newsmon.test,2025:alert/1</id>
<title type="html">Microsoft and &lt;b&gt;OpenAI&lt;/b&gt; redraw their alliance</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url={base}/news/2025/03/04/microsoft-openai-alliance-stargate.html&amp;ct=ga&amp;cd=X&amp;usg=Y"/>
<published>2025-03-04T12:00:00Z</published></entry>
</feed>
"""
BING_TWIN = """<?xml version="1.0" encoding="utf-8" ?>
<rss xmlns:News="https://www.bing.com:443/news/search?q=openai&amp;format=rss" version="2.0">
<channel><title>openai - BingNews</title><link>https://www.bing.com/news</link>
<item><title>OpenAI courts new hyperscalers</title>
<link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=1&amp;url={quoted}&amp;c=2&amp;mkt=en-us</link>
<pubDate>Tue, 20 May 2025 09:00:00 GMT</pubDate><News:Source>AI Wire</News:Source></item>
</channel></rss>
"""


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.usefixtures("prefect_harness")
def test_a_story_from_search_and_press_feeds_is_one_article(
    seed_settings: Settings, seed_site: str, tmp_path: Path
) -> None:
    page = f"{seed_site}/news/2025/05/20/openai-hyperscalers-microsoft-ai-models.html"
    twins = {
        "alerts.xml": ALERTS_TWIN.replace("{base}", seed_site).encode(),
        "bing.xml": BING_TWIN.replace("{quoted}", quote(page, safe="")).encode(),
    }
    with serve_files(tmp_path / "search", twins) as search_base:
        search = (
            FeedSettings(name="alerts", url=f"{search_base}/alerts.xml", kind="search"),
            FeedSettings(name="bing", url=f"{search_base}/bing.xml", kind="search"),
        )
        # Resolved before anything is fetched: no request may leave for the aggregators.
        for feed in search:
            assert all(e.url.startswith(seed_site) for e in poll(feed.url).entries)
        only_search = seed_settings.model_copy(update={"feeds": search})
        first = asyncio.run(ingest_flow(settings=only_search)).counts
        assert (first.entries_new, first.articles_stored, first.errors) == (2, 2, 0)
        both = seed_settings.model_copy(update={"feeds": search + seed_settings.feeds})
        second = asyncio.run(ingest_flow(settings=both)).counts
    # The seed feeds list the same two stories (one with tracking parameters) and a wire
    # copy: only the wire copy is new.
    assert (second.entries_new, second.articles_stored, second.duplicates) == (1, 0, 1)
    assert _query(seed_settings, "select count(*) from articles") == [(3,)]
    rows = _query(
        seed_settings,
        "select feed_name, outlet, listed_url is not null from entries order by feed_name, url",
    )
    assert rows == [("alerts", None, True), ("bing", "AI Wire", True), ("seed-atom", None, False)]
