"""Summary tables behind the trend views, kept current inside every write transaction.

The views (`entity_mentions_daily`, `co_mentions`, `deal_ledger`, ...) read small summary
tables instead of aggregating the ten million mentions under them on every query. A
write marks what it touched — the days of the original articles it stored or retagged,
and the deal keys they report — with `mark`, before and after it changes the rows; then
`refresh` recomputes just those days and deals from the base tables and clears the
marks, in the same transaction. A reader therefore never sees a summary that disagrees
with the tables, and a crash rolls the marks back with the write.

Deals are confirmed by official and filing sources (`feeds.kind`): when those change,
every deal is recomputed.

A day is the unit because an article belongs to one day: per-day counts add up to weeks
and to all time without counting an article twice. The roll-up to parents also depends
on the watchlist's parent chains: when they change, every day is recomputed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import duckdb

from warehouse.sqlfiles import query, with_keys

log = logging.getLogger(__name__)

# Each file deletes the marked days (or deals) from one summary and inserts them anew.
_REFRESH = (
    "s_refresh_entity_day",
    "s_refresh_entity_week",  # from the day summary: after it
    "s_refresh_rollup_day",
    "s_refresh_pair_day",
    "s_refresh_deals",
)


def mark(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Mark the days and deals these articles count towards (call before and after
    changing their rows, inside the write transaction)."""
    if not article_ids:
        return
    ids = list(article_ids)
    con.execute(with_keys(query(con, "s_mark_days"), len(ids)), ids)
    con.execute(with_keys(query(con, "s_mark_deals"), len(ids)), ids)


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
    if days or deals:
        bounds = con.execute(query(con, "s_dirty_bounds")).fetchone()
        con.execute(query(con, "s_dirty_originals"), list(bounds))
        con.execute(query(con, "s_dirty_mentions"))
        for name in _REFRESH:
            con.execute(query(con, name))
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
