"""The search index kept batch by batch equals an index built at once from the same
articles: the same postings, the same aggregates, the same hits with the same scores,
through new articles, a syndicated copy, a retag, a re-run, a sorted run of postings,
a removal, and a batch that fails half-way."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.records import Article
from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import Watchlist, load_watchlist
from tests.records import stored_article
from warehouse import search, store, summaries, tags
from warehouse.db import Database
from warehouse.store import Batch

TEXTS = {
    "stargate": (
        "OpenAI, SoftBank and Oracle announced a joint venture called Stargate on Tuesday. "
        "Microsoft and Nvidia are technology partners in the project, the companies said. "
        "Analysts expect more cloud contracts to follow."
    ),
    "chips": (
        "Nvidia signed a $2 billion contract to supply chips to Oracle for its data centres. "
        "Oracle will also buy networking gear from Nvidia, the companies said on Monday. "
        "Microsoft declined to comment on the chip export rules."
    ),
    "azure": (
        "Microsoft said Azure revenue grew 31 percent in the quarter. "
        "GitHub Copilot now has more paying users than ever, Microsoft added. "
        "OpenAI models run on Azure under the companies' partnership."
    ),
    "rules": (
        "New export rules for advanced chips take effect in May, regulators said. "
        "Nvidia and AMD must apply for licences to ship accelerators to China. "
        "Exporters called the rules costly; the Commerce Department disagreed."
    ),
    "tokyo": (
        "Anthropic will open an office in Tokyo, its first in Asia. "
        "The company said Claude usage in Japan tripled this year; "
        "Amazon and Google, its investors, welcomed the move."
    ),
    "energy": (
        "Data centres for AI need power: Microsoft signed a nuclear energy deal to run "
        "its cloud. Oracle plans gas turbines for Stargate sites in Texas, the chips "
        "arriving from Nvidia next quarter."
    ),
}
QUERIES = (
    "chip export rules",
    "stargate oracle",
    "microsoft azure cloud",
    "nvidia",
    "tokyo office",
    "energy power nuclear",
    "the of and",
)


INDEX = ("postings", "terms", "docs", "totals")


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


@pytest.fixture
def db(tmp_path: Path, watchlist: Watchlist) -> Database:
    database = Database(tmp_path / "newsmon.duckdb")
    database.migrate()
    tags.sync_entities(database, watchlist.entities)
    return database


def _article(url: str, key: str, published: datetime | None, day: int = 3) -> Article:
    return stored_article(url, TEXTS[key], published, datetime(2025, 2, day, 8, 0, tzinfo=UTC))


def _store(
    db: Database, watchlist: Watchlist, articles: list[Article], duplicates: dict[str, str]
) -> None:
    tagged = [tag(a.article_id, a.text, watchlist, a.published) for a in articles]
    batch = Batch((), articles, duplicates, (), {}, tagged)
    store.store_batch(db, "run", batch, {}, keep_raw=False)


def _state(con: duckdb.DuckDBPyConnection) -> dict:
    """What the index holds, independent of docid numbering and of the order of rows."""
    postings = con.execute(
        "select t.term, d.article_id, p.tf, p.len from search_postings as p "
        "inner join search_docs as d on d.docid = p.docid "
        "inner join search_terms as t on t.term_id = p.term_id order by all"
    ).fetchall()
    # the document frequencies the batches kept, against a count of the postings (a term
    # no article holds any more may stay with df = 0)
    terms = con.execute("select term, df from search_terms where df > 0 order by all").fetchall()
    counted = con.execute(
        "select t.term, count(*) from search_postings as p "
        "inner join search_terms as t on t.term_id = p.term_id group by t.term order by all"
    ).fetchall()
    assert terms == counted
    unique = con.execute("select count(*) = count(distinct term_id) from search_terms")
    assert unique.fetchone()[0]
    # fetched now: `execute` returns the connection, whose next statement replaces this result
    docs = con.execute(
        "select article_id, len, seen_at, day from search_docs order by all"
    ).fetchall()
    totals = con.execute("select num_docs, total_len from search_state").fetchone()
    hits = {
        (q, since, entity): [
            (h.article_id, round(h.score, 9))
            for h in search.search(con, q, since=since, entity=entity, limit=50)
        ]
        for q in QUERIES
        for since, entity in ((None, None), (date(2025, 2, 4), None), (None, "Microsoft"))
    }
    return {
        "postings": postings,
        "terms": terms,
        "docs": docs,
        "totals": totals,
        "hits": hits,
    }


def assert_equal_to_rebuild(db: Database) -> dict:
    """The index as kept, against a rebuild from `articles` (rolled back)."""
    con = db.connect()
    try:
        kept = _state(con)
        con.execute("begin transaction")
        search.rebuild(con)
        rebuilt = _state(con)
        con.execute("rollback")
    finally:
        con.close()
    assert kept["totals"] == rebuilt["totals"]
    assert kept["docs"] == rebuilt["docs"]
    assert kept["postings"] == rebuilt["postings"]
    assert kept["terms"] == rebuilt["terms"]
    assert kept["hits"] == rebuilt["hits"]
    return kept


def _found(state: dict, query: str) -> set[str]:
    return {article for article, _ in state["hits"][(query, None, None)]}


def test_incremental_index_equals_a_rebuild(
    db: Database, watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    stargate = _article("https://a.example/stargate", "stargate", day)
    chips = _article("https://a.example/chips", "chips", day.replace(day=5))
    azure = _article("https://b.example/azure", "azure", day.replace(day=6))
    first = [stargate, chips, azure]
    _store(db, watchlist, first, {})
    state = assert_equal_to_rebuild(db)
    assert state["totals"][0] == 3
    assert _found(state, "chip export rules") == {chips.article_id}

    # a syndicated copy of `chips` (not indexed: no text of its own), and a new original
    # with no publish time (its day is its fetch day)
    copy = _article("https://c.example/reprint", "chips", day.replace(day=7))
    rules = _article("https://c.example/rules", "rules", None, day=8)
    _store(db, watchlist, [copy, rules], {copy.article_id: chips.article_id})
    state = assert_equal_to_rebuild(db)
    assert state["totals"][0] == 4
    assert copy.article_id not in {d[0] for d in state["docs"]}
    assert _found(state, "chip export rules") == {chips.article_id, rules.article_id}

    # a retag with a smaller watchlist: the tags (and so the entity filter's hits) change,
    # the postings do not
    smaller = Watchlist(tuple(e for e in watchlist.entities if e.name != "Azure"))
    tags.save_tags(db, [tag(a.article_id, a.text, smaller, a.published) for a in first])
    retagged = assert_equal_to_rebuild(db)
    assert {k: retagged[k] for k in INDEX} == {k: state[k] for k in INDEX}
    assert retagged["hits"] != state["hits"]  # Azure no longer counts for Microsoft
    state = retagged

    # the first batch again (a re-run, whose tags replace the retag's): no article is
    # stored twice, none indexed twice
    _store(db, watchlist, first, {})
    rerun = assert_equal_to_rebuild(db)
    assert {k: rerun[k] for k in INDEX} == {k: state[k] for k in INDEX}

    # postings past the bound are sorted into a run of their own, in the batch
    monkeypatch.setattr(search, "RUN_POSTINGS", 10)
    tokyo = _article("https://d.example/tokyo", "tokyo", day.replace(day=9))
    energy = _article("https://d.example/energy", "energy", day.replace(day=10))
    _store(db, watchlist, [tokyo, energy], {})
    with db.reader() as con:
        assert con.execute("select tail_postings from search_state").fetchone()[0] == 0
    state = assert_equal_to_rebuild(db)
    assert _found(state, "tokyo office") == {tokyo.article_id}

    # an article removed (with its postings, in the transaction that removes it)
    with db.transaction() as con:
        con.execute("delete from articles where article_id = ?", [azure.article_id])
        search.remove_articles(con, [azure.article_id])
    state = assert_equal_to_rebuild(db)
    assert state["totals"][0] == 5
    assert azure.article_id not in _found(state, "microsoft azure cloud")


def test_a_batch_that_fails_leaves_no_postings(
    db: Database, watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    _store(db, watchlist, [_article("https://a.example/stargate", "stargate", day)], {})
    before = assert_equal_to_rebuild(db)

    def crash(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
        raise RuntimeError("crashed after the articles and postings were written")

    monkeypatch.setattr(summaries, "refresh", crash)
    tokyo = _article("https://d.example/tokyo", "tokyo", day.replace(day=9))
    with pytest.raises(RuntimeError, match="crashed"):
        _store(db, watchlist, [tokyo], {})
    monkeypatch.undo()
    assert assert_equal_to_rebuild(db) == before  # the postings rolled back with the batch
    _store(db, watchlist, [tokyo], {})  # the retry indexes it once
    assert _found(assert_equal_to_rebuild(db), "tokyo office") == {tokyo.article_id}


OLD_LAYOUT = (  # the postings as migration 006 kept them: the term as a string, no df table
    "create temp table old_postings as select t.term, p.docid, p.tf, p.len "
    "from search_postings as p inner join search_terms as t on t.term_id = p.term_id",
    "drop table search_postings",
    "drop table search_terms",
    "create table search_postings (term varchar not null, docid bigint not null, "
    "tf integer not null, len integer not null)",
    "insert into search_postings select * from old_postings order by term, docid",
    "drop table old_postings",
    "delete from schema_migrations where version = 11",
)


def test_a_warehouse_from_before_term_numbers_is_migrated_in_place(
    db: Database, watchlist: Watchlist
) -> None:
    day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    keys = ("stargate", "chips", "azure", "rules")
    articles = [
        _article(f"https://a.example/{k}", k, day.replace(day=3 + n)) for n, k in enumerate(keys)
    ]
    _store(db, watchlist, articles[:2], {})
    _store(db, watchlist, articles[2:], {})
    before = assert_equal_to_rebuild(db)
    with db.transaction() as con:
        for statement in OLD_LAYOUT:
            con.execute(statement)
    assert db.migrate() == ["011_search_term_ids"]
    assert assert_equal_to_rebuild(db) == before  # the same postings, frequencies and hits
    with db.reader() as con:  # rewritten as one run sorted by term number
        order = con.execute("select term_id, docid from search_postings").fetchall()
        assert order == sorted(order)
    tokyo = _article("https://d.example/tokyo", "tokyo", day.replace(day=9))
    _store(db, watchlist, [tokyo], {})  # and kept by the next batch
    assert _found(assert_equal_to_rebuild(db), "tokyo office") == {tokyo.article_id}


@contextlib.contextmanager
def _no_split_inside(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Splitting terms inside a write transaction fails (a rebuild is not run inside)."""

    def refuse(con: duckdb.DuckDBPyConnection) -> None:
        raise AssertionError("terms split inside the write transaction")

    with monkeypatch.context() as patched:
        patched.setattr(search, "_add_incoming", refuse)
        yield


def test_terms_split_before_the_transaction_equal_a_rebuild(
    db: Database, watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's terms are split before its transaction holds the file; through the dedup
    look-up in the transaction (an article split as a possible original turns out to copy
    a stored one, and is not indexed), a batch rolled back and retried, and a re-run."""
    day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    chips = _article("https://a.example/chips", "chips", day)
    with _no_split_inside(monkeypatch):
        _store(db, watchlist, [chips], {})
    copy = _article("https://c.example/reprint", "chips", day.replace(day=4))
    rules = _article("https://c.example/rules", "rules", None, day=5)
    fresh = [copy, rules]
    tagged = [tag(a.article_id, a.text, watchlist, a.published) for a in fresh]

    def batch_of(known: Mapping[str, tuple[str, str]]) -> Batch:
        duplicates = {
            a.article_id: known[a.content_hash][0] for a in fresh if a.content_hash in known
        }
        return Batch((), fresh, duplicates, (), {}, tagged)

    def crash(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
        raise RuntimeError("crashed after the postings were written")

    hashes = [a.content_hash for a in fresh]
    with _no_split_inside(monkeypatch), monkeypatch.context() as patched:
        patched.setattr(summaries, "refresh", crash)
        with pytest.raises(RuntimeError, match="crashed"):
            store.dedup_and_store(db, "run", hashes, batch_of, {})
    state = assert_equal_to_rebuild(db)
    assert [d[0] for d in state["docs"]] == [chips.article_id]  # nothing of the failed batch

    with _no_split_inside(monkeypatch):
        batch = store.dedup_and_store(db, "run", hashes, batch_of, {})
    assert batch.duplicates == {copy.article_id: chips.article_id}
    state = assert_equal_to_rebuild(db)
    assert sorted(d[0] for d in state["docs"]) == sorted([chips.article_id, rules.article_id])
    assert _found(state, "chip export rules") == {chips.article_id, rules.article_id}

    with _no_split_inside(monkeypatch):  # a re-run indexes nothing twice
        store.dedup_and_store(db, "run", hashes, batch_of, {})
    assert assert_equal_to_rebuild(db) == state


def test_terms_are_split_in_the_transaction_when_the_stopwords_differ(
    db: Database, watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warehouse whose stopwords are not the tokenizer's (another version of the fts
    extension made it) gets its batches' terms split with its own, as a rebuild would."""
    with db.transaction() as con:
        con.execute("delete from search_stopwords where word = 'the'")
    day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
    _store(db, watchlist, [_article("https://a.example/chips", "chips", day)], {})
    state = assert_equal_to_rebuild(db)
    with db.reader() as con:
        found = "select count(*) from search_terms where term = 'the' and df > 0"
        assert con.execute(found).fetchone() == (1,)
    assert state["totals"][0] == 1

    rules = _article("https://a.example/rules", "rules", day)
    with _no_split_inside(monkeypatch), pytest.raises(AssertionError, match="inside"):
        _store(db, watchlist, [rules], {})
