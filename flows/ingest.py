"""The ingest flow: poll -> fetch -> extract -> tag -> store, over batches.

Tasks work on batches (all feeds, a chunk of entries), never on one article: Prefect's
bookkeeping costs milliseconds per task run. No SQL and no business logic here: each
task wraps a library call.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx
from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from pipeline.dedup import find_duplicates
from pipeline.extract import Extractor
from pipeline.feeds import poll_feed
from pipeline.fetch import Politeness, fetch_pages, open_client
from pipeline.records import (
    Article,
    FeedEntry,
    FeedState,
    FetchedPage,
    FetchFailure,
    PollResult,
    TaggedArticle,
)
from pipeline.settings import Settings, load_settings
from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tagger_version
from pipeline.tagging.tagger import tag as tag_article
from pipeline.tagging.watchlist import Watchlist
from warehouse import search, store, tags
from warehouse.db import Database, StoreBusy, open_database
from warehouse.store import Batch, RunCounts

log = logging.getLogger(__name__)


def _busy(task, task_run, state) -> bool:
    """Retry a store task only when another process held the database too long."""
    try:
        state.result()
    except StoreBusy:
        return True
    except Exception:
        return False
    return False


STORE_TASK = {
    "cache_policy": NONE,
    "retries": 2,
    "retry_delay_seconds": 5,
    "retry_condition_fn": _busy,
}


@dataclass
class IngestResult:
    run_id: str
    database: str
    counts: RunCounts


@task(**STORE_TASK)
def prepare(
    db: Database, settings: Settings, run_id: str, watchlist: Watchlist
) -> list[tuple[str, FeedState]]:
    db.migrate()
    store.sync_feeds(db, settings.feeds)
    tags.sync_entities(db, watchlist.entities)
    now = datetime.now(UTC)
    store.start_run(db, run_id, str(flow_run.id) if flow_run.id else None, now)
    return store.due_feeds(db, now)


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
    db: Database, run_id: str, polls: list[tuple[str, PollResult]], settings: Settings
) -> tuple[int, list[FeedEntry]]:
    new = store.record_polls(db, run_id, polls, datetime.now(UTC), settings.health)
    limits = settings.ingest
    return new, store.pending_entries(db, limits.max_entries_per_run, limits.max_attempts)


@task(cache_policy=NONE)
async def fetch(
    client: httpx.AsyncClient, politeness: Politeness, entries: Sequence[FeedEntry]
) -> tuple[list[FetchedPage], list[FetchFailure]]:
    return await fetch_pages(client, entries, politeness)


@task(cache_policy=NONE)
def extract(
    extractor: Extractor, pages: Sequence[FetchedPage]
) -> tuple[list[Article], list[FetchFailure]]:
    return extractor.extract_many(pages)


@task(cache_policy=NONE)
def tag(articles: Sequence[Article], watchlist: Watchlist, version: str) -> list[TaggedArticle]:
    parents = parents_of(watchlist)
    return [
        tag_article(a.article_id, a.text, watchlist, a.published, version, parents)
        for a in articles
    ]


@task(**STORE_TASK)
def save(
    db: Database, run_id: str, batch: Batch, feed_names: dict[str, str], keep_raw: bool
) -> dict[str, str]:
    duplicates = find_duplicates(
        batch.articles, store.originals_by_hash(db, (a.content_hash for a in batch.articles))
    )
    batch = replace(batch, duplicates=duplicates)
    store.store_batch(db, run_id, batch, feed_names, keep_raw)
    return duplicates


@task(**STORE_TASK)
def reindex(db: Database) -> int | None:
    """Rebuild the full-text index when new articles arrived (its own short transaction)."""
    with db.transaction() as con:
        return search.refresh_index(con)


@task(**STORE_TASK)
def finish(db: Database, run_id: str, counts: RunCounts, status: str) -> None:
    store.finish_run(db, run_id, counts, status)


@flow(name="ingest", log_prints=False)
async def ingest_flow(config: str | None = None, settings: Settings | None = None) -> IngestResult:
    """Poll every due feed, fetch and extract new entries, store them. Safe to re-run."""
    settings = settings or load_settings(config)
    db = open_database(settings.storage)
    run_id = uuid.uuid4().hex
    counts = RunCounts()
    watchlist = load_tagging_watchlist(settings.tagging)
    feeds = prepare(db, settings, run_id, watchlist)
    feed_names = {state.url: name for name, state in feeds}
    try:
        await _run(db, settings, run_id, feeds, feed_names, counts, watchlist)
        reindex(db)
    except BaseException:
        finish(db, run_id, counts, "failed")
        raise
    finish(db, run_id, counts, "completed")
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

    @property
    def version(self) -> str:
        return tagger_version(self.watchlist)


@asynccontextmanager
async def open_stages(
    db: Database, settings: Settings, run_id: str, feed_names: dict[str, str], watchlist: Watchlist
) -> AsyncIterator[Stages]:
    limits = settings.ingest
    async with open_client(settings.http) as client:
        with Extractor(
            limits.extract_workers,
            limits.extract_timeout_s,
            limits.min_text_chars,
            limits.extract_memory_mb,
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
            )


async def process(
    stages: Stages,
    entries: Sequence[FeedEntry],
    counts: RunCounts,
    pages: Sequence[FetchedPage] | None = None,
) -> None:
    """fetch -> extract -> tag -> store, one chunk at a time (pages given: no fetch)."""
    size = stages.settings.ingest.batch_size
    version = stages.version
    for start in range(0, len(entries), size):
        chunk = entries[start : start + size]
        if pages is None:
            fetched, failures = await fetch(stages.client, stages.politeness, chunk)
        else:
            wanted = {e.url for e in chunk}
            fetched, failures = [p for p in pages if p.url in wanted], []
        articles, extract_failures = extract(stages.extractor, fetched)
        tagged = tag(articles, stages.watchlist, version)
        batch = Batch(chunk, articles, {}, failures + extract_failures, fetched, tagged)
        keep_raw = stages.settings.storage.keep_raw_html
        duplicates = save(stages.db, stages.run_id, batch, stages.feed_names, keep_raw)
        _count_batch(counts, batch, len(fetched), duplicates)


async def _run(
    db: Database,
    settings: Settings,
    run_id: str,
    feeds: list[tuple[str, FeedState]],
    feed_names: dict[str, str],
    counts: RunCounts,
    watchlist: Watchlist,
) -> None:
    async with open_stages(db, settings, run_id, feed_names, watchlist) as stages:
        polls = await poll(
            stages.client, stages.politeness, feeds, settings.ingest.max_items_per_feed
        )
        _count_polls(counts, polls)
        counts.entries_new, entries = queue_entries(db, run_id, polls, settings)
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


def _count_batch(counts: RunCounts, batch: Batch, fetched: int, duplicates: dict) -> None:
    counts.pages_fetched += fetched
    counts.articles_stored += len(batch.articles) - len(duplicates)
    counts.duplicates += len(duplicates)
    counts.add_errors(batch.failures)


async def _report(run_id: str, database: str, counts: RunCounts) -> None:
    rows = "\n".join(f"| {k} | {v} |" for k, v in vars(counts).items() if k != "error_kinds")
    kinds = "\n".join(f"- `{k}`: {v}" for k, v in sorted(counts.error_kinds.items())) or "- none"
    await acreate_markdown_artifact(
        key="ingest-summary",
        markdown=f"# Ingest run `{run_id}`\n\n| figure | value |\n|---|---|\n{rows}\n\n"
        f"## Errors by kind\n{kinds}\n\nDatabase: `{database}`\n",
        description="newsmon ingest summary",
    )
