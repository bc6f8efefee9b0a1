"""The extract stage on the seed pages (seeds/fixtures.json holds what each must yield),
on pages without an article, and in the process pool with its per-page time limit."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline import dedup
from pipeline.extract import EXTRACTOR_VERSION, Extractor, extract
from pipeline.records import Article, FetchedPage

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MANIFEST = json.loads((SEEDS / "fixtures.json").read_text(encoding="utf-8"))
PAGES = {page["path"]: page for page in MANIFEST["pages"]}
BASE = "http://127.0.0.1:8000"  # the seed site is served from any host
FETCHED_AT = datetime(2025, 6, 1, 12, tzinfo=UTC)
FEED_DATE = datetime(2025, 1, 1, 9, tzinfo=UTC)


def token_f1(candidate: str, reference: str) -> float:
    """Token-level F1 with multiset overlap, as in trafilatura's own evaluation."""
    cand = Counter(re.findall(r"\w+", candidate.lower()))
    ref = Counter(re.findall(r"\w+", reference.lower()))
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def _page(body: bytes, path: str = "/page.html", **extra: Any) -> FetchedPage:
    # The feed links carry tracking parameters; the canonical URL must not.
    url = f"{BASE}{path}{MANIFEST['tracking_query']}"
    return FetchedPage(url, url, 200, "text/html", body, FETCHED_AT, **extra)


def _seed_page(path: str) -> FetchedPage:
    body = (SEEDS / PAGES[path]["file"]).read_bytes()
    return _page(body, path, feed_url=f"{BASE}/feeds/rss.xml", feed_title="feed title")


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    extracted = {path: extract(_seed_page(path)) for path in PAGES}
    assert all(extracted.values()), [p for p, a in extracted.items() if a is None]
    return extracted  # type: ignore[return-value]


@pytest.mark.parametrize("path", list(PAGES))
def test_seed_text_matches_the_seed(articles: dict[str, Article], path: str) -> None:
    reference = (SEEDS / PAGES[path]["seed"]).read_text(encoding="utf-8")
    assert token_f1(articles[path].text, reference) >= 0.95


@pytest.mark.parametrize("path", list(PAGES))
def test_seed_chrome_is_dropped(articles: dict[str, Article], path: str) -> None:
    text = articles[path].text
    for kind, snippets in MANIFEST["boilerplate"].items():
        for snippet in snippets:
            assert snippet not in text, kind


@pytest.mark.parametrize("path", list(PAGES))
def test_seed_metadata(articles: dict[str, Article], path: str) -> None:
    expected, article = PAGES[path], articles[path]
    assert article.title == expected["title"]
    assert article.author == expected["author"]
    assert article.sitename == expected["outlet"]
    assert article.language == "en"
    # The full timestamp from article:published_time (with its offset), not just the day.
    published = datetime.fromisoformat(expected["published"].replace("Z", "+00:00"))
    assert article.published == published
    assert article.published is not None and article.published.utcoffset().total_seconds() == 0
    assert article.published.tzinfo == UTC


@pytest.mark.parametrize("path", list(PAGES))
def test_seed_identity(articles: dict[str, Article], path: str) -> None:
    article, page = articles[path], _seed_page(path)
    assert article.canonical_url == PAGES[path]["canonical_url"]
    assert article.article_id == dedup.article_id(article.canonical_url)
    assert article.content_hash == dedup.content_hash(article.text)
    assert article.raw_hash == dedup.raw_hash(page.body)
    assert (article.url, article.feed_url) == (page.url, page.feed_url)
    assert (article.fetched_at, article.extractor_version) == (FETCHED_AT, EXTRACTOR_VERSION)


def test_syndicated_copy_has_the_same_text_hash_and_its_own_id(
    articles: dict[str, Article],
) -> None:
    (copy,) = [p for p in PAGES.values() if p["kind"] == "syndicated"]
    original, syndicated = articles[copy["copy_of"]], articles[copy["path"]]
    assert syndicated.content_hash == original.content_hash
    assert syndicated.article_id != original.article_id
    assert dedup.find_duplicates([original, syndicated], {}) == {
        syndicated.article_id: original.article_id
    }


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"\x00\x01\x02",
        b"<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> "
        b"<a href='/about'>About</a></nav><footer>(c) 2025 Example News. All rights reserved."
        b"</footer></body></html>",
    ],
    ids=["empty", "blank", "binary", "chrome-only"],
)
def test_page_without_an_article_gives_none(body: bytes) -> None:
    assert extract(_page(body)) is None


def test_short_text_below_the_minimum_gives_none() -> None:
    body = (
        b"<html><body><article><p>" + b"Microsoft invests. " * 5 + b"</p></article></body></html>"
    )
    assert extract(_page(body), min_chars=200) is None
    assert extract(_page(body), min_chars=10) is not None


def test_page_without_metadata_falls_back_to_the_feed() -> None:
    paragraph = b"<p>" + b"OpenAI signed a cloud contract with a new provider this week. " * 8
    body = b"<html><body><article>" + paragraph + b"</p></article></body></html>"
    article = extract(_page(body, feed_title="From the feed", feed_published=FEED_DATE))
    assert article is not None
    assert (article.title, article.published) == ("From the feed", FEED_DATE)
    assert article.canonical_url == f"{BASE}/page.html"  # tracking parameters dropped


# ---- the process pool ----------------------------------------------------------------------


def test_extractor_returns_articles_and_failures() -> None:
    path = next(iter(PAGES))
    with Extractor(workers=1, timeout_s=60) as extractor:
        articles, failures = extractor.extract_many([_seed_page(path), _page(b"")])
    assert [a.title for a in articles] == [PAGES[path]["title"]]
    assert [(f.stage, f.kind) for f in failures] == [("extract", "no_text")]


def test_extractor_turns_an_overrun_into_a_timeout_failure() -> None:
    # pebble notices an overrun between messages from its workers, so a page that finishes
    # in milliseconds slips through any limit; this one takes trafilatura most of a second.
    paragraph = b"<div><p>Microsoft and OpenAI signed another deal today, reports say.</p></div>"
    slow = _page(b"<html><body><article>" + paragraph * 2000 + b"</article></body></html>")
    with Extractor(workers=1, timeout_s=0.001) as extractor:
        articles, failures = extractor.extract_many([slow])
    assert articles == []
    assert [(f.url, f.stage, f.kind) for f in failures] == [(slow.url, "extract", "timeout")]


def test_extractor_outside_its_block() -> None:
    with pytest.raises(RuntimeError, match="outside"):
        Extractor(workers=1).extract_many([])
