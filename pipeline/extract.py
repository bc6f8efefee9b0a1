"""Extract article text and metadata from fetched HTML with trafilatura.

`extract(page)` is pure. `Extractor` runs it in a process pool across the cores with a
per-document time limit: trafilatura can run for minutes on pathological HTML, and only
killing the worker process stops it (pebble does that; a thread cannot be interrupted).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import os
import re
import resource
import threading
import time
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
        _markup(page),
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


# WHATWG: these labels mean windows-1252 in every browser, and pages count on it.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _markup(page: FetchedPage) -> str | bytes:
    """The page decoded by its HTTP charset, which outranks <meta> (as in browsers); the
    bytes, for trafilatura's own detection, when there is none, a BOM, or it does not fit."""
    if not page.charset or page.body.startswith(_BOMS):
        return page.body
    try:
        return page.body.decode(_CHARSET_ALIASES.get(page.charset, page.charset))
    except (LookupError, UnicodeDecodeError):
        return page.body


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
    try:
        article = extract(page, min_chars)
    except MemoryError:
        # Here, in the worker: unwinding freed the page's trees, so a report still fits
        # (pebble formatting the traceback would not, and the worker would just die).
        return _failure(page, "memory", "extraction exceeded its memory (extract_memory_mb)")
    if article is None:
        return _failure(page, "no_text", f"no article text of at least {min_chars} chars")
    return article


def _failure(page: FetchedPage, kind: str, message: str) -> FetchFailure:
    return FetchFailure(page.url, "extract", kind, message, datetime.now(UTC), page.feed_url)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a small, single-threaded server process, not from the ingest.

    Forking the ingest itself would copy a process full of threads (Prefect's, httpx's)
    whose locks may be held at that instant, and a heap whose free space a worker could
    fill unseen by the memory bound. The server loads this module once, then forks fast.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def bound_worker(memory_mb: int, owner_pid: int) -> None:
    """Bound an extraction worker (pebble initializer): it exits when the process that owns
    the pool dies, and its address space may grow by `memory_mb` at most (0: unbounded).

    A page that needs more memory gets MemoryError, reported as `memory`.
    """
    _exit_with(owner_pid)
    base = _address_space()
    if memory_mb <= 0 or not base:
        return  # unbounded, or no /proc to measure the start size from
    limit = base + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _exit_with(owner_pid: int) -> None:
    """Exit when the owner dies (kill -9, the OOM killer), so that no orphaned worker goes
    on chewing a page that nobody waits for.

    A watch thread on the owner's pid: the worker's parent is the fork server, which
    outlives the owner as long as any worker holds its "alive" pipe (every one does), and
    prctl(PR_SET_PDEATHSIG) fires when a *thread* ends, not a process.
    """

    def watch() -> None:
        while _alive(owner_pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed owner stays a zombie until its own parent reaps it
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class Extractor:
    """A warm process pool for extraction, kept across batches of one run."""

    def __init__(
        self,
        workers: int = 0,
        timeout_s: float = 30.0,
        min_chars: int = 200,
        memory_mb: int = 1024,
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout_s = timeout_s
        self.min_chars = min_chars
        self.memory_mb = memory_mb
        self._pool: ProcessPool | None = None

    def __enter__(self) -> Extractor:
        # Recycle workers now and then: lxml trees fragment the heap over thousands of pages.
        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=500,
            initializer=bound_worker,
            initargs=(self.memory_mb, os.getpid()),
            context=_worker_context(),
        )
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
