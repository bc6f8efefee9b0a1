"""Write transactions of one process take turns on its file: threads share the open
database, where DuckDB would run their transactions side by side. Overlapping writers in
one process, repeated batches and repeated entries store each key once, without errors."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.records import Article, FeedEntry
from tests.records import stored_article
from warehouse import store
from warehouse.db import Database
from warehouse.store import Batch

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FEED = "https://feed.example/rss"


def _article(n: int) -> Article:
    url = f"https://news.example/story/{n}"
    text = f"Story number {n} of the writer-turns test, told in a sentence of its own."
    return stored_article(
        url, text, NOW - timedelta(hours=n), NOW, title=f"Story {n}", feed_url=FEED
    )


def _entries(articles: list[Article]) -> list[FeedEntry]:
    return [FeedEntry(FEED, a.url, a.url, a.title, a.published) for a in articles]


def _batch(articles: list[Article]) -> Batch:
    return Batch(_entries(articles), articles, {}, ())


def _counts(db: Database) -> dict[str, tuple[int, int]]:
    """(rows, distinct keys) of the articles and the entries."""
    with db.reader() as con:
        return {
            table: con.execute(f"select count(*), count(distinct {key}) from {table}").fetchone()
            for table, key in (("articles", "article_id"), ("entries", "entry_key"))
        }


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "newsmon.duckdb")
    database.migrate()
    return database


def test_a_repeated_batch_and_repeated_entries_store_each_key_once(db: Database) -> None:
    articles = [_article(n) for n in range(6)]
    assert store.add_entries(db, "feed", _entries(articles[:4]), NOW) == 4
    assert store.add_entries(db, "feed", _entries(articles), NOW) == 2  # 4 known
    store.store_batch(db, "run-1", _batch(articles[:3]), {FEED: "feed"}, keep_raw=False)
    store.store_batch(db, "run-2", _batch(articles), {FEED: "feed"}, keep_raw=False)
    store.store_batch(db, "run-3", _batch(articles), {FEED: "feed"}, keep_raw=False)
    assert _counts(db) == {"articles": (6, 6), "entries": (6, 6)}
    with db.reader() as con:  # the first stored version won: a re-run changes nothing
        runs = dict(con.execute("select article_id, run_id from articles").fetchall())
    assert {runs[a.article_id] for a in articles[:3]} == {"run-1"}
    assert {runs[a.article_id] for a in articles[3:]} == {"run-2"}


def test_overlapping_writers_in_one_process_store_each_key_once(db: Database) -> None:
    """Without turns, DuckDB fails all but one of these with a write-write conflict."""
    articles = [_article(n) for n in range(40)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(run: int) -> None:
        try:
            start.wait()
            store.add_entries(db, "feed", _entries(articles), NOW)
            # each writer its own handle on the file, as separate tasks would have
            mine = Database(db.path)
            store.store_batch(mine, f"run-{run}", _batch(articles), {FEED: "feed"}, False)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(run,)) for run in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _counts(db) == {"articles": (40, 40), "entries": (40, 40)}
    with db.reader() as con:
        states = con.execute("select state, count(*) from entries group by state").fetchall()
    assert states == [("stored", 40)]
