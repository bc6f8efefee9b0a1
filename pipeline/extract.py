"""Extract article text and metadata from fetched HTML with trafilatura.

`extract(page)` is pure. `Extractor` runs it in a process pool across the cores with a
per-document time limit: trafilatura can run for minutes on pathological HTML, and only
killing the worker process stops it (pebble does that; a thread cannot be interrupted).
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import re
import resource
import threading
import time
from collections.abc import Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import trafilatura
from pebble import ProcessPool
from pebble.common import ProcessExpired

from pipeline import dedup, stories
from pipeline.records import Article, Extracted, FetchedPage, FetchFailure
from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import Watchlist

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/2"
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
    # fast: no fallback extractors. On the 181 pages of the extraction benchmark that is
    # token F1 0.961 against 0.959 with them, for 35 % less CPU (BENCHMARKS.md).
    doc = trafilatura.bare_extraction(
        _markup(page),
        url=page.final_url,
        fast=True,
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


@dataclass(frozen=True, slots=True)
class WorkerTagging:
    """What a worker needs to tag what it extracts, handed over once when it starts."""

    watchlist: Watchlist
    version: str
    parents: dict[str, str]


# A worker process's tagging, set once by its initializer: handing the watchlist over per
# page would pickle 100 KiB each time. Only worker processes ever set it.
_worker_tagging: WorkerTagging | None = None


def process_page(page: FetchedPage, min_chars: int) -> Extracted:
    """A worker's whole job for one page: gzip it, extract it, sign it for near-duplicate
    stories, tag the article.

    Tagging here, not in the ingest process, puts it on every core beside extraction."""
    raw = Extracted(page.url, dedup.raw_hash(page.body), gzip.compress(page.body, 1, mtime=0))
    found = _extract_or_failure(page, min_chars)
    if isinstance(found, FetchFailure):
        return replace(raw, failure=found)
    raw = replace(raw, signature=stories.signature(found.text))
    if _worker_tagging is None:
        return replace(raw, article=found)
    try:
        job = _worker_tagging
        tagged = tag(
            found.article_id, found.text, job.watchlist, found.published, job.version, job.parents
        )
    except Exception as exc:  # the article is kept; `newsmon retag` tags it later
        log.exception("tagging %s failed", page.url)
        message = f"{type(exc).__name__}: {exc}"
        failure = FetchFailure(page.url, "tag", "error", message, datetime.now(UTC), page.feed_url)
        return replace(raw, article=found, failure=failure)
    return replace(raw, article=found, tagged=tagged)


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


def bound_worker(
    memory_mb: int, owner_pid: int, tagging: WorkerTagging | bytes | None = None
) -> None:
    """Set up an extraction worker (pebble initializer): it exits when the process that owns
    the pool dies, its address space may grow by `memory_mb` at most (0: unbounded), and it
    tags what it extracts when given the watchlist (or the watchlist pickled).

    A page that needs more memory gets MemoryError, reported as `memory`.
    """
    global _worker_tagging
    _worker_tagging = pickle.loads(tagging) if isinstance(tagging, bytes) else tagging
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
    """A warm process pool for extraction (and tagging), kept across batches of one run."""

    def __init__(
        self,
        workers: int = 0,
        timeout_s: float = 30.0,
        min_chars: int = 200,
        memory_mb: int = 1024,
        tagging: WorkerTagging | None = None,
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout_s = timeout_s
        self.min_chars = min_chars
        self.memory_mb = memory_mb
        self.tagging = tagging
        self._pool: ProcessPool | None = None

    def __enter__(self) -> Extractor:
        # Recycle workers now and then: lxml trees fragment the heap over thousands of pages.
        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=500,
            initializer=bound_worker,
            # The watchlist pickled once, not at each worker's start (every `max_tasks`
            # pages): pickling it took the ingest process about 0.1 s a worker.
            initargs=(self.memory_mb, os.getpid(), pickle.dumps(self.tagging)),
            context=_worker_context(),
        )
        # Start the workers now, not at the first page: their start (the fork server
        # importing trafilatura) then overlaps the caller's polling on another core.
        self._pool.schedule(os.getpid)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None

    def _schedule(self, page: FetchedPage):
        return self._open_pool().schedule(
            process_page, (page, self.min_chars), timeout=self.timeout_s
        )

    async def process(self, page: FetchedPage) -> Extracted:
        """One page through a worker, awaited: the caller goes on fetching meanwhile."""
        future = self._schedule(page)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            return self._stopped(page, exc)

    def process_many(self, pages: Iterable[FetchedPage]) -> list[Extracted]:
        """Every page through the workers, in order; waits for all of them."""
        self._open_pool()
        pages = list(pages)
        futures = [self._schedule(page) for page in pages]
        return [self._outcome(page, future) for page, future in zip(pages, futures, strict=True)]

    def extract_many(
        self, pages: Iterable[FetchedPage]
    ) -> tuple[list[Article], list[FetchFailure]]:
        """Extract every page; a page that fails, crashes or overruns is a failure, not fatal."""
        done = self.process_many(pages)
        return (
            [e.article for e in done if e.article is not None],
            [e.failure for e in done if e.failure is not None],
        )

    def _open_pool(self) -> ProcessPool:
        if self._pool is None:
            raise RuntimeError("Extractor used outside its `with` block")
        return self._pool

    def _outcome(self, page: FetchedPage, future) -> Extracted:
        try:
            return future.result()
        except Exception as exc:
            return self._stopped(page, exc)

    def _stopped(self, page: FetchedPage, exc: BaseException) -> Extracted:
        """A page whose worker overran, died or raised: a failure, never fatal to the run."""
        if isinstance(exc, FutureTimeout):
            log.warning("extraction of %s took over %.0f s; stopped", page.url, self.timeout_s)
            failure = _failure(page, "timeout", f"extraction exceeded {self.timeout_s:g} s")
        elif isinstance(exc, ProcessExpired):
            failure = _failure(page, "crashed", f"extraction worker died: {exc}")
        elif isinstance(exc, Exception):  # one bad page must not end the run
            log.error("extraction of %s failed: %s", page.url, exc, exc_info=exc)
            failure = _failure(page, "error", f"{type(exc).__name__}: {exc}")
        else:
            raise exc
        return Extracted(page.url, dedup.raw_hash(page.body), failure=failure)
