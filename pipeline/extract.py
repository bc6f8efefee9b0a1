"""Extract article text and metadata from fetched HTML with trafilatura.

`extract(page)` is pure. `Extractor` runs it in a process pool across the cores with a
per-document time limit: trafilatura can run for minutes on pathological HTML, and only
killing the worker process stops it (pebble does that; a thread cannot be interrupted).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime

import trafilatura
from pebble import ProcessPool
from pebble.common import ProcessExpired

from pipeline import dedup
from pipeline.records import Article, FetchedPage, FetchFailure

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/1"
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
# htmldate (through trafilatura) settles the publish *date*; the time of day comes from the
# first machine-readable timestamp on the page that falls on that date.
_TIMESTAMP = re.compile(
    rb"(?:article:published_time|datePublished|og:published_time|pubdate)[\"']?\s*"
    rb"(?:content\s*=\s*|:\s*)[\"'](\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)",
    re.I,
)
_DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    "original_date": True,
    "extensive_search": False,
}


def extract(page: FetchedPage, min_chars: int = 200) -> Article | None:
    """Article text and metadata of one page; None when the page holds no article text."""
    doc = trafilatura.bare_extraction(
        page.body,
        url=page.final_url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None or not doc.text or len(doc.text) < min_chars:
        return None
    canonical = dedup.canonical_url(_http_url(doc.url) or page.final_url)
    return Article(
        article_id=dedup.article_id(canonical),
        url=page.url,
        canonical_url=canonical,
        title=doc.title or page.feed_title,
        author=doc.author,
        published=_published(doc.date, page.body, page.feed_published),
        sitename=doc.sitename,
        language=_language(page.body),
        text=doc.text,
        content_hash=dedup.content_hash(doc.text),
        raw_hash=dedup.raw_hash(page.body),
        extractor_version=EXTRACTOR_VERSION,
        fetched_at=page.fetched_at,
        feed_url=page.feed_url,
    )


def _http_url(url: str | None) -> str | None:
    return url if url and url.startswith(("http://", "https://")) else None


def _published(page_date: str | None, body: bytes, feed_date: datetime | None) -> datetime | None:
    """The page's own publish time in UTC; the feed's when the page has none."""
    day = _parse_time(page_date.encode()[:10]) if page_date else None
    if day is None:
        return feed_date
    for match in _TIMESTAMP.finditer(body[:200_000]):
        stamp = _parse_time(match.group(1))
        if stamp is not None and match.group(1)[:10] == page_date.encode()[:10]:
            return stamp
    if feed_date is not None and feed_date.date() == day.date():
        return feed_date
    return day


def _parse_time(value: bytes) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _language(body: bytes) -> str | None:
    match = _LANG.search(body[:4096])
    return match.group(1).decode().lower() if match else None


def _extract_or_failure(page: FetchedPage, min_chars: int) -> Article | FetchFailure:
    article = extract(page, min_chars)
    if article is None:
        return _failure(page, "no_text", f"no article text of at least {min_chars} chars")
    return article


def _failure(page: FetchedPage, kind: str, message: str) -> FetchFailure:
    return FetchFailure(page.url, "extract", kind, message, datetime.now(UTC), page.feed_url)


class Extractor:
    """A warm process pool for extraction, kept across batches of one run."""

    def __init__(self, workers: int = 0, timeout_s: float = 30.0, min_chars: int = 200) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout_s = timeout_s
        self.min_chars = min_chars
        self._pool: ProcessPool | None = None

    def __enter__(self) -> Extractor:
        # Recycle workers now and then: lxml trees fragment the heap over thousands of pages.
        self._pool = ProcessPool(max_workers=self.workers, max_tasks=500)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None

    def extract_many(
        self, pages: Iterable[FetchedPage]
    ) -> tuple[list[Article], list[FetchFailure]]:
        """Extract every page; a page that fails, crashes or overruns is a failure, not fatal."""
        if self._pool is None:
            raise RuntimeError("Extractor used outside its `with` block")
        pages = list(pages)
        futures = [
            self._pool.schedule(_extract_or_failure, (page, self.min_chars), timeout=self.timeout_s)
            for page in pages
        ]
        articles: list[Article] = []
        failures: list[FetchFailure] = []
        for page, future in zip(pages, futures, strict=True):
            result = self._result(page, future)
            (articles if isinstance(result, Article) else failures).append(result)
        return articles, failures

    def _result(self, page: FetchedPage, future) -> Article | FetchFailure:
        try:
            return future.result()
        except FutureTimeout:
            log.warning("extraction of %s took over %.0f s; stopped", page.url, self.timeout_s)
            return _failure(page, "timeout", f"extraction exceeded {self.timeout_s:g} s")
        except ProcessExpired as exc:
            return _failure(page, "crashed", f"extraction worker died: {exc}")
        except Exception as exc:  # one bad page must not end the run
            log.exception("extraction of %s failed", page.url)
            return _failure(page, "error", f"{type(exc).__name__}: {exc}")
