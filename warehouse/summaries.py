"""Summary tables behind the trend views, kept current inside every write transaction.

The views (`entity_mentions_daily`, `co_mentions`, `deal_ledger`, ...) read small summary
tables instead of aggregating the ten million mentions under them on every query. Two
kinds of write, both settled by `refresh` in the same transaction (a reader never sees a
summary that disagrees with the tables; a crash rolls everything back with the write):

- New articles with new tags (every ingest batch): `add` lists them and their mentions,
  and `refresh` adds their counts as rows of their own beside the day's earlier rows.
  Nothing is read but the batch, so a batch costs the same in a warehouse of any size.
  The views add up every row of a key (sums of counts, min and max of the times), so a
  day summarised in several batches reads the same as one summarised at once.
- Changes to what is counted (a retag, which may take counts away; new parent chains; a
  migration): `mark` the days of the original articles touched, before and after the
  change, and `refresh` recomputes those days whole from the base tables, replacing
  their rows (that reads every mention, so it is for maintenance, not for ingests).

Deals are marked by key (`mark_deals`) and recomputed whole from their sightings.

Deals are confirmed by official and filing sources (`feeds.kind`): when those change,
every deal is recomputed.

A day is the unit because an article belongs to one day: per-day counts add up to weeks
and to all time without counting an article twice. The roll-up to parents also depends
on the watchlist's parent chains: when they change, every day is recomputed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import duckdb

from warehouse.sqlfiles import bulk, query, with_keys

log = logging.getLogger(__name__)

# The marked days, recomputed: each summary's days deleted, then inserted anew from the
# temp tables dirty_originals and dirty_mentions (the week summary from the day summary).
_RECOMPUTE = (
    "s_clear_entity_day",
    "s_insert_entity_day",
    "s_refresh_entity_week",  # from the day summary: after it
    "s_clear_rollup_day",
    "s_insert_rollup_day",
    "s_clear_pair_day",
    "s_insert_pair_day",
)
# A batch's new articles, added: the same inserts over the batch alone.
_ADD = ("s_insert_entity_day", "s_add_entity_week", "s_insert_rollup_day", "s_insert_pair_day")


def mark(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Mark the days and deals these articles count towards, for a whole recomputation
    (call before and after changing their rows, inside the write transaction)."""
    if not article_ids:
        return
    ids = list(article_ids)
    con.execute(with_keys(query(con, "s_mark_days"), len(ids)), ids)
    mark_deals(con, ids)


def mark_deals(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Mark the deals these articles report (a syndicated copy: its original's)."""
    if not article_ids:
        return
    ids = list(article_ids)
    con.execute(with_keys(query(con, "s_mark_deals"), len(ids)), ids)


def add(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], mentions: Sequence[Mapping]
) -> None:
    """List articles stored in this transaction with their first tags, and their mentions
    (`article_id`, `entity`, `kind`), so the next `refresh` adds their counts; their
    deals are marked. Call after writing the tags, inside the write transaction."""
    if not article_ids:
        return
    ids = list(article_ids)
    con.execute(query(con, "s_insert_added_articles"), [ids])
    rows = [{k: m[k] for k in ("article_id", "entity", "kind")} for m in mentions]
    bulk(con, "s_insert_added_mentions", rows)
    mark_deals(con, ids)


def mark_all(con: duckdb.DuckDBPyConnection) -> None:
    """Mark everything: the next `refresh` rebuilds the summaries whole."""
    con.execute(query(con, "s_mark_all"))


def refresh(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Recompute the marked days and deals (inside a write transaction); returns how many
    of each were marked (the same key may count more than once)."""
    current, built = con.execute(query(con, "s_rollup_fingerprint")).fetchone()
    if current != built:
        con.execute(query(con, "s_mark_all_days"))
        con.execute(query(con, "s_set_rollup_fingerprint"))
    current, built = con.execute(query(con, "s_sources_fingerprint")).fetchone()
    if current != built:  # a feed became (or stopped being) an official source
        con.execute(query(con, "s_set_sources_fingerprint"))
    days, deals = con.execute(query(con, "s_dirty")).fetchone()
    if days:
        bounds = con.execute(query(con, "s_dirty_bounds")).fetchone()
        con.execute(query(con, "s_dirty_originals"), list(bounds))
        con.execute(query(con, "s_dirty_mentions"))
        for name in _RECOMPUTE:
            con.execute(query(con, name))
    added = [row[0] for row in con.execute(query(con, "s_added_ids")).fetchall()]
    if added:  # after the recomputation, which leaves out what it counted already
        con.execute(with_keys(query(con, "s_added_originals"), len(added)), added)
        con.execute(query(con, "s_added_mentions"))
        for name in _ADD:
            con.execute(query(con, name))
        con.execute(query(con, "s_clear_added"))
    if deals:
        con.execute(query(con, "s_refresh_deals"))
    if days or deals:
        con.execute(query(con, "s_clear_dirty"))
        log.debug("summaries refreshed: %d days, %d deals marked", days, deals)
    return days, deals


class Transactional(Protocol):
    """A store that opens write transactions (`warehouse.db.Database`, which imports this
    module, so it is named here by what it does)."""

    def transaction(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]: ...


def refresh_database(db: Transactional) -> tuple[int, int]:
    """`refresh` in a write transaction of its own."""
    with db.transaction() as con:
        return refresh(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Recompute every summary from the base tables (inside a write transaction)."""
    mark_all(con)
    return refresh(con)
