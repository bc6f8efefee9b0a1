"""The backfill flow: ingest a list of URLs, a sitemap, or a folder of saved HTML pages.

It goes through the same stages as the feed ingest (fetch -> extract -> tag -> store);
the entries are queued first, so an interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from flows.ingest import STORE_TASK, IngestResult, finish, open_stages, process
from pipeline.fetch import FetchError, get, open_client
from pipeline.records import FeedEntry, FetchedPage
from pipeline.settings import Settings, load_settings
from pipeline.sitemaps import SitemapError, parse_sitemap
from pipeline.tagging.tagger import load_tagging_watchlist
from pipeline.tagging.watchlist import Watchlist
from warehouse import store, tags
from warehouse.backend import open_database
from warehouse.db import Database
from warehouse.store import RunCounts

log = logging.getLogger(__name__)

FEED_NAME = "backfill"
MAX_SITEMAPS = 50  # nested sitemap indexes are followed this far, no further


@task(**STORE_TASK)
def queue(
    db: Database,
    run_id: str,
    entries: list[FeedEntry],
    watchlist: Watchlist,
    max_attempts: int,
    retry_now: bool = False,
) -> tuple[int, list[FeedEntry]]:
    """Record the entries, and return how many are new and which are still to do (a
    transient failure's back-off holds it, as in an ingest, unless `retry_now`)."""
    db.migrate()
    tags.sync_entities(db, watchlist.entities)
    store.start_run(db, run_id, None, datetime.now(UTC))
    now = datetime.now(UTC)
    new = store.add_entries(db, FEED_NAME, entries, now)
    return new, store.still_pending(db, entries, max_attempts, now, retry_now)


@task(cache_policy=NONE)
async def read_sitemaps(settings: Settings, url: str) -> list[str]:
    """Every page URL a sitemap (index) lists, fetched with the same limits as pages."""
    pages: list[str] = []
    todo, seen = [url], set()
    async with open_client(settings.http) as client:
        while todo and len(seen) < MAX_SITEMAPS:
            current = todo.pop(0)
            seen.add(current)
            try:
                resp = await get(client, current, settings.http)
                found, nested = parse_sitemap(resp.body, resp.final_url)
            except (FetchError, SitemapError) as exc:
                log.warning("sitemap %s skipped: %s", current, exc)
                continue
            pages += found
            todo += [n for n in nested if n not in seen]
    return list(dict.fromkeys(pages))


def saved_pages(folder: Path) -> list[FetchedPage]:
    """Saved .html files as pages; their own canonical link names them once extracted."""
    now = datetime.now(UTC)
    return [
        FetchedPage(
            path.as_uri(),
            path.as_uri(),
            200,
            "text/html",
            path.read_bytes(),
            now,
            f"{FEED_NAME}:{folder.name}",
        )
        for path in sorted(folder.rglob("*.htm*"))
        if path.is_file()
    ]


@flow(name="backfill")
async def backfill_flow(
    urls: list[str] | None = None,
    sitemap: str | None = None,
    folder: str | None = None,
    config: str | None = None,
    settings: Settings | None = None,
    retry_now: bool = False,
) -> IngestResult:
    """Ingest pages that no feed lists any more: URLs, a sitemap's URLs, or saved files.
    `retry_now`: earlier transient failures are tried again now, back-off or not."""
    settings = settings or load_settings(config)
    db = open_database(settings.storage)
    run_id = uuid.uuid4().hex
    counts = RunCounts()
    page_urls = list(urls or []) + (await read_sitemaps(settings, sitemap) if sitemap else [])
    pages = saved_pages(Path(folder)) if folder else None
    entries = [FeedEntry(FEED_NAME, u, None, None, None) for u in page_urls]
    entries += [FeedEntry(FEED_NAME, p.url, None, None, None) for p in pages or []]
    watchlist = load_tagging_watchlist(settings.tagging)
    counts.entries_new, entries = queue(
        db, run_id, quote(entries), quote(watchlist), settings.ingest.max_attempts, retry_now
    )
    try:
        async with open_stages(db, settings, run_id, {}, watchlist) as stages:
            await process(stages, [e for e in entries if not e.url.startswith("file:")], counts)
            if pages:
                await process(
                    stages, [e for e in entries if e.url.startswith("file:")], counts, pages
                )
    except BaseException:
        finish(db, run_id, counts, "failed")
        raise
    finish(db, run_id, counts, "completed")
    return IngestResult(run_id, db.label, counts)
