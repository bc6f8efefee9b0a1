"""The retag flow: rebuild tags from stored text, without fetching anything.

Run it after the watchlist or the rules change. Only articles whose tags were made by
another tagger version are retagged, unless `force` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from pipeline.settings import Settings, load_settings
from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tag, tagger_version
from pipeline.tagging.watchlist import Watchlist
from warehouse import summaries, tags
from warehouse.backend import open_database
from warehouse.db import Database

CHUNK = 1000


@dataclass
class RetagResult:
    tagger_version: str
    articles: int
    mentions: int
    deals: int


@task(cache_policy=NONE)
def retag_chunk(
    db: Database, ids: Sequence[str], watchlist: Watchlist, version: str
) -> tuple[int, int]:
    parents = parents_of(watchlist)
    tagged = [
        tag(article_id, text, watchlist, published, version, parents)
        for article_id, text, published in tags.article_texts(db, ids)
    ]
    tags.save_tags(db, tagged, refresh=False)  # summarised once, at the end
    return sum(len(t.mentions) for t in tagged), sum(len(t.deals) for t in tagged)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=5)
def summarise(db: Database) -> None:
    """Recompute the summaries of every day and deal the retag touched."""
    summaries.refresh_database(db)


@flow(name="retag")
def retag_flow(
    config: str | None = None, settings: Settings | None = None, force: bool = False
) -> RetagResult:
    """Retag every article whose tags are stale (or all, with `force`)."""
    settings = settings or load_settings(config)
    db = open_database(settings.storage)
    watchlist = load_tagging_watchlist(settings.tagging)
    version = tagger_version(watchlist)
    db.migrate()
    tags.sync_entities(db, watchlist.entities)
    ids = tags.stale_articles(db, version, force)
    mentions = deals = 0
    for start in range(0, len(ids), CHUNK):
        chunk_mentions, chunk_deals = retag_chunk(
            db, quote(ids[start : start + CHUNK]), quote(watchlist), version
        )
        mentions += chunk_mentions
        deals += chunk_deals
    summarise(db)
    return RetagResult(version, len(ids), mentions, deals)
