"""Identity: canonical URLs, content hashes, and duplicate detection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline import dedup
from pipeline.records import Article


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Example.COM:443/news/a.html?utm_source=rss&utm_medium=feed#comments",
            "https://www.example.com/news/a.html",
        ),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a?fbclid=x&gclid=y", "https://example.com/a"),
        # Feed-tracking parameters that courlan alone would keep.
        ("https://example.com/a?partner=rss&emc=rss", "https://example.com/a?emc=rss"),
        ("https://example.com/a?ns_mchannel=rss&ns_source=x&ref=rss", "https://example.com/a"),
        # Parameters that pick the article are kept (sorted, so their order does not matter).
        (
            "https://example.com/story?storyId=123&utm_campaign=x",
            "https://example.com/story?storyId=123",
        ),
        ("https://example.com/article.php?sid=42", "https://example.com/article.php?sid=42"),
        ("https://example.com/watch?v=abc&list=x", "https://example.com/watch?list=x&v=abc"),
        ("https://example.com/watch?list=x&v=abc", "https://example.com/watch?list=x&v=abc"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert dedup.canonical_url(url) == canonical


def test_distinct_articles_keep_distinct_ids() -> None:
    # Two stories on a CMS that picks the story by a query parameter must not collide.
    first = dedup.canonical_url("https://example.com/article.php?sid=1&utm_source=rss")
    second = dedup.canonical_url("https://example.com/article.php?sid=2")
    assert dedup.article_id(first) != dedup.article_id(second)


def test_canonical_url_is_idempotent() -> None:
    once = dedup.canonical_url("HTTPS://Example.com/a/b?z=1&a=2&utm_source=x#top")
    assert dedup.canonical_url(once) == once


def test_article_id_is_stable_and_short() -> None:
    url = "https://www.example.com/news/a.html"
    assert dedup.article_id(url) == dedup.article_id(url)
    assert len(dedup.article_id(url)) == 32
    assert dedup.article_id(url) != dedup.article_id(url + "?id=2")


def test_content_hash_ignores_whitespace_and_case() -> None:
    text = "Microsoft invests $10bn in OpenAI.\n\nThe deal closed."
    variants = ["  MICROSOFT invests $10bn in OpenAI. The deal closed.  ", text.replace(" ", "\t")]
    assert {dedup.content_hash(v) for v in variants} == {dedup.content_hash(text)}
    assert dedup.content_hash(text) != dedup.content_hash(text.replace("$10bn", "$11bn"))


def test_raw_hash_is_of_the_exact_bytes() -> None:
    assert dedup.raw_hash(b"<p>x</p>") != dedup.raw_hash(b"<p>x</p> ")


def _article(url: str, text: str, published: datetime | None = None) -> Article:
    canonical = dedup.canonical_url(url)
    return Article(
        article_id=dedup.article_id(canonical),
        url=url,
        canonical_url=canonical,
        title=None,
        author=None,
        published=published,
        sitename=None,
        language="en",
        text=text,
        content_hash=dedup.content_hash(text),
        raw_hash=dedup.raw_hash(text.encode()),
        extractor_version="test",
        fetched_at=datetime(2025, 6, 1, tzinfo=UTC),
    )


STORY = "OpenAI courts new hyperscalers as Microsoft builds its own models."
EARLY, LATE = datetime(2025, 5, 20, tzinfo=UTC), datetime(2025, 5, 21, tzinfo=UTC)


def test_duplicates_within_a_batch() -> None:
    original = _article("https://aiwire.example/a", STORY, EARLY)
    copy = _article("https://ledger.example/wire/a", "  " + STORY.upper(), LATE)
    other = _article("https://aiwire.example/b", "Something else entirely.", EARLY)
    assert dedup.find_duplicates([original, copy, other], {}) == {
        copy.article_id: original.article_id
    }


def test_the_earliest_published_copy_is_the_original() -> None:
    original = _article("https://aiwire.example/a", STORY, EARLY)
    copy = _article("https://ledger.example/wire/a", STORY, LATE)
    assert dedup.find_duplicates([copy, original], {}) == {copy.article_id: original.article_id}


def test_duplicates_of_known_articles() -> None:
    stored = _article("https://aiwire.example/a", STORY, EARLY)
    copy = _article("https://ledger.example/wire/a", STORY, LATE)
    known = {stored.content_hash: stored.article_id}
    assert dedup.find_duplicates([copy], known) == {copy.article_id: stored.article_id}
    # The stored article itself, seen again, is not a duplicate of itself.
    assert dedup.find_duplicates([stored], known) == {}


def test_same_article_twice_in_a_batch_is_not_a_duplicate() -> None:
    article = _article("https://aiwire.example/a?utm_source=rss", STORY, EARLY)
    again = _article("https://aiwire.example/a#comments", STORY, EARLY)
    assert article.article_id == again.article_id
    assert dedup.find_duplicates([article, again], {}) == {}
