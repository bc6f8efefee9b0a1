"""The summary tables behind the trend views stay equal to a rebuild from the base tables
through every kind of write: new articles, a syndicated copy arriving later, a retag that
drops a deal, a change of parent chains, and a database from before the summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.records import Article, TaggedArticle
from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import Watchlist, load_watchlist
from tests.records import stored_article
from warehouse import store, summaries, tags
from warehouse.db import Database, rows_as_dicts
from warehouse.store import Batch

SUMMARIES = (
    "summary_entity_day",
    "summary_entity_week",
    "summary_rollup_day",
    "summary_pair_day",
    "summary_deals",
)
STARGATE = (
    "OpenAI, SoftBank and Oracle announced a joint venture called Stargate on Tuesday. "
    "Microsoft and Nvidia are technology partners in the project, the companies said. "
    "Analysts expect more cloud contracts to follow."
)
CHIPS = (
    "Nvidia signed a $2 billion contract to supply chips to Oracle for its data centres. "
    "Oracle will also buy networking gear from Nvidia, the companies said on Monday. "
    "Microsoft declined to comment."
)
AZURE = (
    "Microsoft said Azure revenue grew 31 percent in the quarter. "
    "GitHub Copilot now has more paying users than ever, Microsoft added. "
    "OpenAI models run on Azure under the companies' partnership."
)


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


@pytest.fixture
def db(tmp_path: Path, watchlist: Watchlist) -> Database:
    database = Database(tmp_path / "newsmon.duckdb")
    database.migrate()
    tags.sync_entities(database, watchlist.entities)
    return database


def _article(url: str, text: str, published: datetime) -> Article:
    return stored_article(url, text, published, published, title=text.split(".")[0])


def _store(
    db: Database, watchlist: Watchlist, articles: list[Article], duplicates: dict[str, str]
) -> None:
    tagged = [tag(a.article_id, a.text, watchlist, a.published) for a in articles]
    batch = Batch((), articles, duplicates, (), {}, tagged)
    store.store_batch(db, "run", batch, {}, keep_raw=False)


# What the views read of each summary: a key's rows added up (a batch of new articles
# adds rows of its own beside a day's earlier ones; a recomputed day has one per key).
KEYS = {
    "summary_entity_day": "day, entity, kind, on_topic",
    "summary_entity_week": "week, entity, kind, on_topic",
    "summary_rollup_day": "day, entity, on_topic",
    "summary_pair_day": "day, entity_a, entity_b, on_topic",
}
SUMS = {
    "summary_entity_day": "sum(articles), sum(stories), sum(mentions), min(first_seen), "
    "max(last_seen)",
    "summary_entity_week": "sum(articles), sum(stories)",
    "summary_rollup_day": "sum(articles), sum(stories), sum(mentions)",
    "summary_pair_day": "sum(articles), min(first_seen), max(last_seen)",
}


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(_read(t)).fetchall() for t in SUMMARIES}


def _read(table: str) -> str:
    if table not in KEYS:  # one row per deal key
        return f"select * from {table} order by all"
    return f"select {KEYS[table]}, {SUMS[table]} from {table} group by all order by all"


def assert_equal_to_rebuild(db: Database) -> dict[str, list[tuple]]:
    """The summaries as kept, compared with a rebuild from scratch (rolled back)."""
    con = db.connect()
    try:
        kept = _snapshot(con)
        con.execute("begin transaction")
        for table in SUMMARIES:
            con.execute(f"delete from {table}")
        summaries.rebuild(con)
        rebuilt = _snapshot(con)
        con.execute("rollback")
    finally:
        con.close()
    assert kept == rebuilt
    return kept


def _ledger(db: Database) -> dict[str, dict]:
    with db.reader() as con:
        rows = rows_as_dicts(con.execute("select * from deal_ledger"))
    return {r["deal_key"]: r for r in rows}


def test_summaries_follow_every_write(db: Database, watchlist: Watchlist) -> None:
    day1 = datetime(2025, 1, 21, 15, 0, tzinfo=UTC)
    day2 = datetime(2025, 1, 27, 9, 30, tzinfo=UTC)
    stargate = _article("https://news.example/stargate", STARGATE, day1)
    chips = _article("https://news.example/chips", CHIPS, day2)
    _store(db, watchlist, [stargate, chips], {})
    first = assert_equal_to_rebuild(db)
    assert first["summary_deals"], "the seed texts report deals"
    assert {row[0] for row in first["summary_entity_day"]} == {date(2025, 1, 21), date(2025, 1, 27)}

    # A syndicated copy of the Stargate story, a day later: one more source, no new counts.
    copy = replace(
        _article("https://other.example/stargate-copy", STARGATE, day1),
        published=datetime(2025, 1, 22, 8, 0, tzinfo=UTC),
    )
    _store(db, watchlist, [copy], {copy.article_id: stargate.article_id})
    second = assert_equal_to_rebuild(db)
    assert second["summary_entity_day"] == first["summary_entity_day"]
    stargate_deals = [d for d in _ledger(db).values() if copy.canonical_url in d["sources"]]
    assert stargate_deals and all(d["articles"] == 2 for d in stargate_deals)

    # A retag that finds nothing in the chips story: its deals and mentions go.
    empty = TaggedArticle(chips.article_id, "test-empty")
    tags.save_tags(db, [empty])
    third = assert_equal_to_rebuild(db)
    assert not [d for d in _ledger(db).values() if chips.canonical_url in d["sources"]]
    assert {row[0] for row in third["summary_entity_day"]} == {date(2025, 1, 21)}


STARGATE_AGAIN = (
    "SoftBank, OpenAI and Oracle formed Stargate, a joint venture for AI data centres, the "
    "companies said on Wednesday. Oracle will build the first site in Texas. Investors "
    "welcomed the news."
)


def test_a_deal_reported_again_keeps_the_copies_stored_before(
    db: Database, watchlist: Watchlist
) -> None:
    """A deal recomputed because a new article reports it reads every article carrying it,
    also a syndicated copy of an earlier report stored in a batch of its own: the copy is
    no article of the batch, and only its original is tagged with the deal."""
    day = datetime(2025, 1, 21, 15, 0, tzinfo=UTC)
    first = _article("https://news.example/stargate", STARGATE, day)
    copy = _article("https://other.example/stargate-copy", STARGATE, day.replace(hour=18))
    again = _article("https://third.example/stargate", STARGATE_AGAIN, day.replace(day=22))
    _store(db, watchlist, [first], {})
    _store(db, watchlist, [copy], {copy.article_id: first.article_id})
    _store(db, watchlist, [again], {})  # marks the deal; the copy is not in this batch
    assert_equal_to_rebuild(db)
    deals = [d for d in _ledger(db).values() if again.canonical_url in d["sources"]]
    assert len(deals) == 1, "the two reports are of one deal"
    assert deals[0]["sources"] == sorted(
        [first.canonical_url, copy.canonical_url, again.canonical_url]
    )
    assert deals[0]["articles"] == 3


def test_a_new_parent_chain_rolls_up_again(db: Database, watchlist: Watchlist) -> None:
    azure = _article("https://news.example/azure", AZURE, datetime(2025, 2, 3, tzinfo=UTC))
    _store(db, watchlist, [azure], {})
    before = _rollup(db)
    assert before["Microsoft"] == 1 and before["OpenAI"] == 1
    # OpenAI put under Microsoft: the article counts once for Microsoft, not for OpenAI.
    moved = [
        replace(e, parent="Microsoft") if e.name == "OpenAI" else e for e in watchlist.entities
    ]
    tags.sync_entities(db, moved)
    assert_equal_to_rebuild(db)
    after = _rollup(db)
    assert after["Microsoft"] == 1 and "OpenAI" not in after


def _rollup(db: Database) -> dict[str, int]:
    with db.reader() as con:
        query = "select entity, sum(articles) from entity_mentions_daily_rollup group by all"
        return dict(con.execute(query).fetchall())


def test_a_database_from_before_the_summaries_gets_them(db: Database, watchlist: Watchlist) -> None:
    stamp = datetime(2025, 3, 4, 14, 30, tzinfo=UTC)
    _store(db, watchlist, [_article("https://news.example/stargate", STARGATE, stamp)], {})
    kept = assert_equal_to_rebuild(db)
    with db.transaction() as con:  # back to the schema of migration 4, data kept
        for table in (*SUMMARIES, "summary_dirty_days", "summary_dirty_deals", "summary_state"):
            con.execute(f"drop table {table} cascade")
        con.execute("delete from schema_migrations where version in (5, 8)")
    # 008 adds its columns to the summary tables again (and finds the others there)
    assert db.migrate() == ["005_summaries", "008_sources_focus_stories"]
    with db.reader() as con:
        assert _snapshot(con) == kept
        assert con.execute("select count(*) from summary_dirty_days").fetchone()[0] == 0


def test_no_write_no_work(db: Database) -> None:
    with db.transaction() as con:
        assert summaries.refresh(con) == (0, 0)


def test_batches_of_new_articles_add_rows_equal_to_a_recomputation(
    db: Database, watchlist: Watchlist
) -> None:
    """Each batch of new articles adds its counts without recomputing its days; after
    batches on the same day, a syndicated copy and a retag, the summaries read the same
    as a rebuild of the same data."""
    day = datetime(2025, 4, 8, 9, 0, tzinfo=UTC)
    texts = (STARGATE, CHIPS, AZURE)
    for n, text in enumerate(texts):  # three batches, one day, overlapping entities
        stamp = day.replace(hour=9 + n)
        _store(db, watchlist, [_article(f"https://news.example/a{n}", text, stamp)], {})
        assert_equal_to_rebuild(db)
    with db.reader() as con:
        rows, keys = con.execute(
            "select count(*), count(distinct (entity, kind, on_topic)) from summary_entity_day"
        ).fetchone()
        daily = dict(
            con.execute(
                "select entity, articles from entity_mentions_daily where day = ?", [day.date()]
            ).fetchall()
        )
    assert rows > keys, "the batches' counts were added as rows of their own"
    assert daily["Microsoft"] == 3 and daily["Oracle"] == 2

    first = _article("https://news.example/a0", STARGATE, day)
    copy = _article("https://other.example/a0-copy", STARGATE, day.replace(hour=18))
    _store(db, watchlist, [copy], {copy.article_id: first.article_id})
    assert_equal_to_rebuild(db)

    tags.save_tags(db, [TaggedArticle(first.article_id, "test-empty")])  # its tags go
    kept = assert_equal_to_rebuild(db)
    with db.reader() as con:
        left = con.execute(
            "select articles from entity_mentions_daily where day = ? and entity = 'Microsoft'",
            [day.date()],
        ).fetchone()
    assert left == (2,)
    assert kept["summary_entity_day"], "the other two articles still count"
    with db.reader() as con:
        pending = con.execute(
            "select (select count(*) from summary_added_articles),"
            " (select count(*) from summary_added_mentions),"
            " (select count(*) from summary_dirty_days)"
        ).fetchone()
    assert pending == (0, 0, 0)
