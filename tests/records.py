"""Records the storage tests build: an article as the workers hand it to the store."""

from __future__ import annotations

from datetime import datetime

from pipeline.dedup import article_id, canonical_url, content_hash
from pipeline.records import Article


def stored_article(
    url: str,
    text: str,
    published: datetime | None,
    fetched_at: datetime,
    title: str | None = None,
    feed_url: str | None = None,
) -> Article:
    """An extracted article of `text` at `url`, keyed as the pipeline keys it."""
    canonical = canonical_url(url)
    return Article(
        article_id=article_id(canonical),
        url=url,
        canonical_url=canonical,
        title=title if title is not None else text.split(".")[0][:60],
        author=None,
        published=published,
        sitename="Example",
        language="en",
        text=text,
        content_hash=content_hash(text),
        raw_hash=content_hash(url),
        extractor_version="test",
        fetched_at=fetched_at,
        feed_url=feed_url,
    )
