"""Full-text search: BM25 from newsmon's postings, with the fts extension's stemmer and
stopwords (loaded from its wheel, offline), and the same scores as its `match_bm25`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import Settings
from tests.conftest import ROOT
from tests.test_analysis_seed import (
    HYPERSCALERS_URL,
    STARGATE_URL,
    copy_database,
    seeded_settings,
)
from warehouse import search
from warehouse.db import Database, extension_directory
from warehouse.sqlfiles import bulk_returning

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seed_site: str) -> Settings:
    return seeded_settings(tmp_path_factory, seed_site)


@pytest.fixture(scope="module")
def con(seeded: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    with Database(seeded.storage.database).reader() as connection:
        yield connection


def _urls(hits: list[search.SearchHit]) -> list[str]:
    return [hit.url for hit in hits]


def test_stargate_oracle_finds_the_stargate_article_first(
    con: duckdb.DuckDBPyConnection,
) -> None:
    hits = search.search(con, "stargate oracle")
    assert _urls(hits)[0] == STARGATE_URL
    top = hits[0]
    assert top.score > 0
    marked = {top.snippet.text[a:b].lower() for a, b in top.snippet.spans}
    assert marked and marked <= {"stargate", "oracle"}
    assert top.title and top.title[slice(*top.title_spans[0])] == "Stargate"


def test_stemmed_terms_match_and_snippets_mark_them(con: duckdb.DuckDBPyConnection) -> None:
    hits = search.search(con, "investments hyperscaler")
    assert set(_urls(hits)) == {STARGATE_URL, HYPERSCALERS_URL}
    for hit in hits:
        words = [hit.snippet.text[a:b].lower() for a, b in hit.snippet.spans]
        assert words, hit.url
        assert all(w.startswith(("invest", "hyperscaler")) for w in words)


def test_duplicates_are_not_indexed(con: duckdb.DuckDBPyConnection) -> None:
    docs = con.execute("select article_id from search_docs").fetchall()
    originals = con.execute("select article_id from articles where duplicate_of is null")
    indexed, originals = {r[0] for r in docs}, {r[0] for r in originals.fetchall()}
    assert indexed == originals and len(indexed) == 2
    # the syndicated copy carries the same title, yet only the original is found
    assert _urls(search.search(con, "courts new hyperscalers")) == [HYPERSCALERS_URL]


def test_filters_by_day_and_by_entity_family(con: duckdb.DuckDBPyConnection) -> None:
    assert _urls(search.search(con, "microsoft", since=date(2025, 5, 1))) == [HYPERSCALERS_URL]
    assert _urls(search.search(con, "microsoft", entity="Stargate Project")) == [STARGATE_URL]
    assert _urls(search.search(con, "microsoft", entity="Amazon Web Services")) == [
        HYPERSCALERS_URL
    ]
    # Microsoft's family: both articles; an entity named nowhere: none
    assert len(search.search(con, "microsoft", entity="Microsoft")) == 2
    assert search.search(con, "microsoft", entity="Anthropic") == []
    assert len(search.search(con, "microsoft", limit=1)) == 1


def test_stopwords_and_unknown_words_find_nothing(con: duckdb.DuckDBPyConnection) -> None:
    assert search.search(con, "the of and") == []
    assert search.search(con, "zyxwvut") == []


def test_an_empty_warehouse_has_an_index_that_finds_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.duckdb")
    db.migrate()
    with db.reader() as con:
        assert search.search(con, "openai") == []
    with db.transaction() as con:
        assert search.rebuild(con) == 0


def test_searching_an_unbuilt_index_says_how_to_build_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "unbuilt.duckdb")
    db.migrate()
    with db.transaction() as con:
        con.execute("update search_state set built = false")
    with db.reader() as con, pytest.raises(search.SearchUnavailable, match="--rebuild"):
        search.search(con, "openai")


def test_snippet_window_is_cut_at_spaces_around_the_first_match() -> None:
    text = ("alpha " * 60) + "Stargate rises " + ("omega " * 60)
    at = text.index("Stargate")
    cut = search.snippet(text, [(at, at + 8)])
    assert cut.cut_before and cut.cut_after
    assert len(cut.text) <= search.SNIPPET_CHARS
    assert cut.text[slice(*cut.spans[0])] == "Stargate"
    assert not cut.text.startswith(" ") and cut.text.split()[0] in ("alpha", "Stargate")
    start = search.snippet("short text", [])
    assert (start.text, start.spans, start.cut_before, start.cut_after) == (
        "short text",
        (),
        False,
        False,
    )


def test_fts_loads_from_the_wheel_with_no_network(seeded: Settings, tmp_path: Path) -> None:
    """In a network namespace with no interfaces, with an empty HOME (no ~/.duckdb)."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode
    ):
        pytest.skip("needs unshare -rn (user and network namespaces)")
    db_path = copy_database(seeded, tmp_path / "offline.duckdb")
    script = (
        "import sys\n"
        "from warehouse.db import Database\n"
        "from warehouse import search\n"
        "with Database(sys.argv[1]).reader() as con:\n"
        "    print(search.search(con, 'stargate oracle')[0].url)\n"
        '    print(con.execute("select install_path from duckdb_extensions() '
        "where extension_name = 'fts' and loaded\").fetchone()[0])\n"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", script, str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    url, install_path = out.stdout.split()
    assert url == STARGATE_URL
    assert install_path.startswith(extension_directory() or "not found")


# Texts that exercise the tokenizer: case, accents, digits and punctuation as separators,
# apostrophes, stopwords, stems shared by several words, and a text of stopwords only.
BM25_TEXTS = [
    ("Nvidia chips", "Nvidia's new chips ship in 2025; chip exports to China face rules."),
    ("Café chips", "The café sold 3,000 chips. Exports rose: export-led growth, said analysts."),
    (None, "Rules, rules and more rules: regulators ruled on chip export licences."),
    ("Quiet day", "It was the of and to a in that is for on it."),
    ("Oracle and OpenAI", "Oracle will supply OpenAI with data-centre capacity (Stargate)."),
    ("Stargate grows", "STARGATE grows; OpenAI, Oracle and SoftBank invest $500bn in Texas."),
    ("Naïve résumé", "A naïve résumé of the exporting rules for exporters and chipmakers."),
]


def test_scores_are_the_extensions_bm25(tmp_path: Path) -> None:
    """search() scores from newsmon's postings; the fts extension's `match_bm25`, over an
    index it builds from the same articles, must give every article the same score."""
    db = Database(tmp_path / "bm25.duckdb")
    db.migrate()
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "sigma"]
    texts = [*BM25_TEXTS]
    for n in range(40):
        text = " ".join(words[(n * k + k * k) % len(words)] for k in range(1, 8 + n % 13))
        texts.append((words[n % len(words)], text))
    rows = [_article_row(f"a{n}", title, text) for n, (title, text) in enumerate(texts)]
    with db.transaction() as con:
        store_rows(con, rows)
    queries = ("alpha beta", "gamma", "delta delta epsilon", "chip export rules", "Café")
    queries += ("oracle openai stargate", "naive resume exporter", "the of and", "nothing")
    with db.reader() as con:
        ours = {
            q: {h.article_id: h.score for h in search.search(con, q, limit=100)} for q in queries
        }
    theirs = _extension_scores(db, queries)
    for query in queries:
        assert ours[query].keys() == theirs[query].keys(), query
        assert all(abs(ours[query][k] - theirs[query][k]) < 1e-9 for k in ours[query]), query
    assert len(ours["chip export rules"]) >= 4 and len(ours["gamma"]) > 3
    assert ours["the of and"] == {} and ours["nothing"] == {}


def _article_row(article_id: str, title: str | None, text: str) -> dict:
    at = datetime(2025, 3, 1, tzinfo=UTC)
    return {
        "article_id": article_id,
        "url": f"https://x.example/{article_id}",
        "canonical_url": f"https://x.example/{article_id}",
        "feed_name": None,
        "title": title,
        "author": None,
        "published": at,
        "sitename": None,
        "language": "en",
        "text": text,
        "content_hash": f"h-{article_id}",
        "raw_hash": None,
        "duplicate_of": None,
        "extractor_version": "test",
        "fetched_at": at,
        "stored_at": at,
        "run_id": "test",
    }


def store_rows(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Articles stored as a batch stores them, index included."""
    stored = {r[0] for r in bulk_returning(con, "insert_articles", rows)}
    search.add_articles(con, [r for r in rows if r["article_id"] in stored])


def _extension_scores(db: Database, queries: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """`match_bm25` of the fts extension's own index over the stored originals, built in
    an in-memory database."""
    with db.reader() as con:
        originals = con.execute(
            "select article_id, title, text from articles "
            "where duplicate_of is null and text is not null"
        ).fetchall()
    scratch = duckdb.connect(config={"extension_directory": extension_directory() or ""})
    try:
        scratch.execute("load fts")
        scratch.execute("create table documents (article_id varchar, title varchar, text varchar)")
        scratch.executemany("insert into documents values (?, ?, ?)", originals)
        scratch.execute("pragma create_fts_index('documents', 'article_id', 'title', 'text')")
        scores = {}
        for query in queries:
            found = scratch.execute(
                "select article_id, score from (select article_id, "
                "fts_main_documents.match_bm25(article_id, ?) as score from documents) "
                "where score is not null",
                [query],
            ).fetchall()
            scores[query] = dict(found)
        return scores
    finally:
        scratch.close()
