"""Full-text search with DuckDB's fts extension, loaded from its wheel, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
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
    docs = con.execute("select name from fts_main_search_documents.docs").fetchall()
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


def test_refresh_index_skips_a_current_index_and_rebuilds_on_new_articles(
    seeded: Settings, tmp_path: Path
) -> None:
    db = Database(copy_database(seeded, tmp_path / "copy.duckdb"))
    with db.transaction() as con:
        assert search.refresh_index(con) is None  # nothing new since the last build
        con.execute(
            "insert into articles (article_id, url, canonical_url, title, published, text, "
            "content_hash, extractor_version, fetched_at, stored_at) "
            "select 'new1', 'https://example.com/x', 'https://example.com/x', "
            "'Anthropic opens a Tokyo office', now(), 'Anthropic will open an office in Tokyo.', "
            "'h', 'test', now(), now()"
        )
        assert search.refresh_index(con) == 3
    with db.reader() as con:
        assert _urls(search.search(con, "tokyo")) == ["https://example.com/x"]


def test_searching_without_an_index_says_how_to_build_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.duckdb")
    db.migrate()
    with db.reader() as con, pytest.raises(search.SearchUnavailable, match="--reindex"):
        search.search(con, "openai")
    with db.transaction() as con:
        assert search.refresh_index(con) == 0  # an empty warehouse indexes fine
    with db.reader() as con:
        assert search.search(con, "openai") == []


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


def test_scores_are_the_extensions_bm25(tmp_path: Path) -> None:
    """search() scores from the term-ordered postings; match_bm25 over the extension's own
    tables must give every article the same score."""
    db = Database(tmp_path / "bm25.duckdb")
    db.migrate()
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "theta",
        "kappa",
        "lambda",
        "sigma",
        "omega",
    ]
    with db.transaction() as con:
        for n in range(60):
            text = " ".join(words[(n * k + k * k) % len(words)] for k in range(1, 8 + n % 13))
            con.execute(
                "insert into articles (article_id, url, canonical_url, title, text, "
                "content_hash, extractor_version, fetched_at, stored_at) "
                "values (?, ?, ?, ?, ?, ?, 'test', now(), now())",
                [
                    f"a{n}",
                    f"https://x.example/{n}",
                    f"https://x.example/{n}",
                    words[n % 11],
                    text,
                    f"h{n}",
                ],
            )
        search.refresh_index(con)
    with db.reader() as con:
        search.load_fts(con)
        for query in ("alpha beta", "gamma", "delta delta epsilon", "omega kappa sigma", "nothing"):
            ours = {h.article_id: h.score for h in search.search(con, query, limit=100)}
            theirs = dict(
                con.execute(
                    "select article_id, score from (select article_id, "
                    "fts_main_search_documents.match_bm25(article_id, ?) as score "
                    "from articles) where score is not null",
                    [query],
                ).fetchall()
            )
            assert ours.keys() == theirs.keys(), query
            assert all(abs(ours[k] - theirs[k]) < 1e-9 for k in ours), query
            assert query == "nothing" or len(ours) > 3
