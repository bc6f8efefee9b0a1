"""The ingest flow: poll -> fetch -> extract -> tag -> store, over batches.

Tasks work on batches (all feeds, a chunk of entries), never on one article: Prefect's
bookkeeping costs milliseconds per task run. Within a chunk, each page goes to the
extraction workers (which also tag it) as soon as it is fetched; two chunks are in
flight at once, and a chunk is stored while the next one is fetched. No SQL and no
business logic here: each task wraps a library call.

Big task arguments (the stages, a chunk's entries or pages, what was extracted) are
wrapped in `quote()`: otherwise Prefect walks every object inside them on every call,
looking for futures, and that walk cost the ingest process more CPU than fetching did
(BENCHMARKS.md). The tasks receive the values themselves.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from prefect import Flow, flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.alerts import check_alerts, send_alerts
from flows.tasks import STORE_TASK
from pipeline.crawl import crawl, process_pages
from pipeline.dedup import find_duplicates
from pipeline.extract import Extractor, WorkerTagging
from pipeline.feeds import poll_feed
from pipeline.fetch import Politeness, open_client
from pipeline.focus import Focus, compile_focus, is_on_topic
from pipeline.records import Crawl, FeedEntry, FeedState, FetchedPage, PollResult
from pipeline.retry import RetryPolicy
from pipeline.settings import ComputeSettings, Settings, load_settings
from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tagger_version
from pipeline.tagging.watchlist import Watchlist
from warehouse import store
from warehouse.backend import open_database
from warehouse.db import Database
from warehouse.store import Batch, RunCounts

log = logging.getLogger(__name__)
# Entries done so far, for a progress bar (the CLI listens; nothing else does).
progress = logging.getLogger("newsmon.progress")
progress.propagate = False


@dataclass
class IngestResult:
    run_id: str
    database: str
    counts: RunCounts


@task(**STORE_TASK)
def prepare(
    db: Database, settings: Settings, run_id: str, watchlist: Watchlist
) -> list[tuple[str, FeedState]]:
    flow_run_id = str(flow_run.id) if flow_run.id else None
    now = datetime.now(UTC)
    return store.prepare_run(db, settings.feeds, watchlist.entities, run_id, flow_run_id, now)


@task(cache_policy=NONE)
async def poll(
    client: httpx.AsyncClient,
    politeness: Politeness,
    feeds: Sequence[tuple[str, FeedState]],
    max_items: int,
) -> list[tuple[str, PollResult]]:
    results = await asyncio.gather(
        *(poll_feed(client, state, politeness, max_items) for _, state in feeds)
    )
    return [(name, result) for (name, _), result in zip(feeds, results, strict=True)]


@task(**STORE_TASK)
def queue_entries(
    db: Database,
    run_id: str,
    polls: list[tuple[str, PollResult]],
    settings: Settings,
    retry_now: bool = False,
) -> tuple[int, list[FeedEntry]]:
    now = datetime.now(UTC)
    new = store.record_polls(db, run_id, polls, now, settings.health)
    limits = settings.ingest
    due = store.pending_entries(db, limits.max_entries_per_run, limits.max_attempts, now, retry_now)
    return new, due


@task(cache_policy=NONE)
async def fetch_extract_tag(stages: Stages, entries: Sequence[FeedEntry]) -> Crawl:
    """One chunk: each page is extracted and tagged by the workers as soon as it arrives."""
    return await crawl(stages.client, entries, stages.politeness, stages.extractor)


@task(cache_policy=NONE)
async def fetch_extract_tag_on_worker(
    settings: Settings, tagging: WorkerTagging, entries: Sequence[FeedEntry]
) -> Crawl:
    """One chunk on a cluster worker (Dask), with a client and a one-process extraction pool
    of its own: nothing of the flow's process can travel there."""
    limits = settings.ingest
    async with open_client(settings.http) as client:
        bounds = (limits.extract_timeout_s, limits.min_text_chars, limits.extract_memory_mb)
        with Extractor(1, *bounds, tagging) as extractor:
            return await crawl(client, entries, Politeness(settings.http), extractor)


@task(cache_policy=NONE)
async def extract_tag(stages: Stages, pages: Sequence[FetchedPage]) -> Crawl:
    """Pages already in hand (saved files): extracted and tagged, not fetched."""
    return await process_pages(pages, stages.extractor)


@task(**STORE_TASK)
async def save(stages: Stages, entries: Sequence[FeedEntry], found: Crawl) -> Batch:
    """Dedup and write one chunk in one transaction, in a thread: the event loop goes on
    fetching the next chunk meanwhile."""
    return await asyncio.to_thread(_save, stages, entries, found)


def _save(stages: Stages, entries: Sequence[FeedEntry], found: Crawl) -> Batch:
    """The dedup look-up and the writes in one transaction: one open of the file a chunk."""
    articles = found.articles
    tags = {t.article_id: t for t in found.tagged}
    off_topic = frozenset(
        a.article_id for a in articles if not is_on_topic(tags.get(a.article_id), stages.focus)
    )

    def batch_of(known: Mapping[str, tuple[str, str]]) -> Batch:
        duplicates = find_duplicates(articles, {h: ids[0] for h, ids in known.items()})
        return Batch(
            entries,
            articles,
            duplicates,
            found.failures,
            found.raw,
            found.tagged,
            off_topic,
            stages.settings.focus.keep_off_topic_text,
            found.signatures,
            dict(known.values()),
        )

    raw = found.raw if stages.settings.storage.keep_raw_html else None
    retry = RetryPolicy.of(stages.settings.ingest)
    hashes = (a.content_hash for a in articles)
    return store.dedup_and_store(
        stages.db, stages.run_id, hashes, batch_of, stages.feed_names, raw, retry
    )


@task(**STORE_TASK)
def finish(db: Database, run_id: str, counts: RunCounts, status: str) -> None:
    store.finish_run(db, run_id, counts, status)


@flow(name="ingest", log_prints=False)
async def ingest_flow(
    config: str | None = None, settings: Settings | None = None, retry_now: bool = False
) -> IngestResult:
    """Poll every due feed, fetch and extract new entries, store them. Safe to re-run.
    `retry_now`: earlier transient failures are tried again now, back-off or not."""
    settings = settings or load_settings(config)
    check_alerts(settings)  # a channel that cannot work fails now, not after the ingest
    db = open_database(settings.storage)
    run_id = uuid.uuid4().hex
    counts = RunCounts()
    watchlist = load_tagging_watchlist(settings.tagging)
    focus = compile_focus(settings.focus, watchlist)
    started = datetime.now(UTC)
    feeds = prepare(db, settings, run_id, quote(watchlist))
    feed_names = {state.url: name for name, state in feeds}
    try:
        await _run(db, settings, run_id, feeds, feed_names, counts, watchlist, focus, retry_now)
    except BaseException:
        finish(db, run_id, counts, "failed")
        raise
    finish(db, run_id, counts, "completed")
    if settings.alerts.enabled:  # in a thread: its tasks and artifacts are synchronous
        await asyncio.to_thread(send_alerts, db, settings, started)
    await _report(run_id, db.label, counts)
    return IngestResult(run_id, db.label, counts)


@dataclass
class Stages:
    """What every batch of one run shares: the store, the client, the warm process pool."""

    db: Database
    settings: Settings
    run_id: str
    feed_names: dict[str, str]
    watchlist: Watchlist
    client: httpx.AsyncClient
    politeness: Politeness
    extractor: Extractor
    focus: Focus = field(default_factory=Focus)


@asynccontextmanager
async def open_stages(
    db: Database,
    settings: Settings,
    run_id: str,
    feed_names: dict[str, str],
    watchlist: Watchlist,
    focus: Focus | None = None,
) -> AsyncIterator[Stages]:
    limits = settings.ingest
    async with open_client(settings.http) as client:
        with Extractor(
            limits.extract_workers,
            limits.extract_timeout_s,
            limits.min_text_chars,
            limits.extract_memory_mb,
            WorkerTagging(watchlist, tagger_version(watchlist), parents_of(watchlist)),
        ) as extractor:
            yield Stages(
                db,
                settings,
                run_id,
                feed_names,
                watchlist,
                client,
                Politeness(settings.http),
                extractor,
                focus or compile_focus(settings.focus, watchlist),
            )


def flow_for(settings: Settings) -> Flow:
    """The ingest flow with the task runner the settings ask for (`[compute]`)."""
    if settings.compute.runner == "local":
        return ingest_flow
    return ingest_flow.with_options(task_runner=task_runner(settings.compute))


def task_runner(compute: ComputeSettings) -> TaskRunner:
    """Prefect's default thread pool, or a Dask cluster through prefect-dask: the cluster at
    `dask_address`, or a LocalCluster of `dask_workers` processes started for the run."""
    if compute.runner == "local":
        return ThreadPoolTaskRunner()
    import dask
    from prefect_dask import DaskTaskRunner

    # Each chunk's task runs a (pebble) process pool of its own, to stop a runaway page:
    # Dask's worker processes must be allowed children for that.
    dask.config.set({"distributed.worker.daemon": False})
    if compute.dask_address:
        return DaskTaskRunner(address=compute.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": compute.dask_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
            "host": "127.0.0.1",
        },
    )


# Chunks being fetched and extracted at once: while one waits for its slowest pages, the
# next keeps the workers busy, and while one is being stored, the next is being fetched.
IN_FLIGHT = 2


async def process(
    stages: Stages,
    entries: Sequence[FeedEntry],
    counts: RunCounts,
    pages: Sequence[FetchedPage] | None = None,
) -> None:
    """fetch -> extract -> tag -> store, chunk by chunk, chunks overlapping (pages given:
    no fetch). Chunks are stored in order, one at a time."""
    size = stages.settings.ingest.batch_size
    chunks = [entries[start : start + size] for start in range(0, len(entries), size)]
    on_cluster = stages.settings.compute.runner == "dask" and pages is None
    window = stages.settings.compute.dask_in_flight if on_cluster else IN_FLIGHT
    running: deque[tuple[Sequence[FeedEntry], asyncio.Future[Crawl]]] = deque()
    done, total = 0, len(entries)
    try:
        for number, chunk in enumerate(chunks, 1):
            started = _on_cluster(stages, chunk) if on_cluster else _crawl(stages, chunk, pages)
            running.append((chunk, asyncio.ensure_future(started)))
            last = number == len(chunks)
            while running and (len(running) == window or last):
                done += await _store(stages, *running.popleft(), counts)
                progress.info("%d of %d entries", done, total, extra={"done": done, "total": total})
    finally:
        for _, future in running:
            future.cancel()


def _crawl(
    stages: Stages, chunk: Sequence[FeedEntry], pages: Sequence[FetchedPage] | None
) -> Awaitable[Crawl]:
    if pages is None:
        return fetch_extract_tag(quote(stages), quote(chunk))
    wanted = {e.url for e in chunk}
    return extract_tag(quote(stages), quote([p for p in pages if p.url in wanted]))


def _on_cluster(stages: Stages, chunk: Sequence[FeedEntry]) -> Awaitable[Crawl]:
    """Submitted to the flow's task runner (Dask), awaited without blocking the loop. Not
    quoted: a quoted argument reaches a Dask worker as the wrapper, not its value."""
    future = fetch_extract_tag_on_worker.submit(stages.settings, stages.extractor.tagging, chunk)
    return asyncio.to_thread(future.result)


async def _store(
    stages: Stages, chunk: Sequence[FeedEntry], running: Awaitable[Crawl], counts: RunCounts
) -> int:
    found = await running
    batch = await save(quote(stages), quote(chunk), quote(found))
    _count_batch(counts, found, batch)
    return len(chunk)


async def _run(
    db: Database,
    settings: Settings,
    run_id: str,
    feeds: list[tuple[str, FeedState]],
    feed_names: dict[str, str],
    counts: RunCounts,
    watchlist: Watchlist,
    focus: Focus,
    retry_now: bool = False,
) -> None:
    async with open_stages(db, settings, run_id, feed_names, watchlist, focus) as stages:
        polls = await poll(
            stages.client, stages.politeness, quote(feeds), settings.ingest.max_items_per_feed
        )
        _count_polls(counts, polls)
        counts.entries_new, entries = queue_entries(db, run_id, quote(polls), settings, retry_now)
        await process(stages, entries, counts)


def _count_polls(counts: RunCounts, polls: list[tuple[str, PollResult]]) -> None:
    counts.feeds_polled = len(polls)
    counts.feeds_not_modified = sum(p.status == "not_modified" for _, p in polls)
    counts.feeds_failed = sum(p.status == "error" for _, p in polls)
    counts.errors += counts.feeds_failed
    for _, p in polls:
        if p.status == "error":
            kind = f"poll:{(p.error or 'error').partition(':')[0]}"
            counts.error_kinds[kind] = counts.error_kinds.get(kind, 0) + 1


def _count_batch(counts: RunCounts, found: Crawl, batch: Batch) -> None:
    counts.pages_fetched += found.fetched
    counts.articles_stored += len(found.articles) - len(batch.duplicates)
    counts.duplicates += len(batch.duplicates)
    counts.off_topic += len(batch.off_topic - batch.duplicates.keys())
    counts.add_errors(found.failures)


async def _report(run_id: str, database: str, counts: RunCounts) -> None:
    rows = "\n".join(f"| {k} | {v} |" for k, v in vars(counts).items() if k != "error_kinds")
    kinds = "\n".join(f"- `{k}`: {v}" for k, v in sorted(counts.error_kinds.items())) or "- none"
    await acreate_markdown_artifact(
        key="ingest-summary",
        markdown=f"# Ingest run `{run_id}`\n\n| figure | value |\n|---|---|\n{rows}\n\n"
        f"## Errors by kind\n{kinds}\n\nDatabase: `{database}`\n",
        description="newsmon ingest summary",
    )
