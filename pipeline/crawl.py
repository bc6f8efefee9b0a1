"""fetch -> extract -> tag for a chunk of feed entries, streamed.

Each page goes to the extraction workers the moment it has arrived, so fetching (I/O,
in this process) and extraction and tagging (CPU, in the workers) overlap instead of
taking turns: the pool never waits for the slowest page of a chunk to be fetched, and
the fetcher never waits for the slowest page to be extracted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

import httpx

from pipeline.extract import Extractor
from pipeline.fetch import Politeness, fetch_one
from pipeline.records import Crawl, Extracted, FeedEntry, FetchedPage, FetchFailure


async def crawl(
    client: httpx.AsyncClient,
    entries: Sequence[FeedEntry],
    politeness: Politeness,
    extractor: Extractor,
) -> Crawl:
    """Fetch, extract and tag every entry's page; failures are recorded, never raised."""
    results = await asyncio.gather(
        *(_fetch_and_process(client, e, politeness, extractor) for e in entries)
    )
    return _collect(results)


async def process_pages(pages: Iterable[FetchedPage], extractor: Extractor) -> Crawl:
    """Extract and tag pages already in hand (saved files): the same result, no fetch."""
    return _collect(await asyncio.gather(*(extractor.process(p) for p in pages)))


async def _fetch_and_process(
    client: httpx.AsyncClient, entry: FeedEntry, politeness: Politeness, extractor: Extractor
) -> Extracted | FetchFailure:
    page = await fetch_one(client, entry, politeness)
    if isinstance(page, FetchFailure):
        return page
    return await extractor.process(page)


def _collect(results: Sequence[Extracted | FetchFailure]) -> Crawl:
    extracted = tuple(r for r in results if isinstance(r, Extracted))
    failures = tuple(r for r in results if isinstance(r, FetchFailure))
    return Crawl(len(extracted), extracted, failures)
