"""Full-text search over articles: BM25 from postings newsmon keeps itself.

Every batch that stores new original articles adds them to the index in the same
transaction (`add_articles`), so the index is never behind the articles and no run
rebuilds it: a batch costs what it adds. Its texts are split into terms before that
transaction (`tokenize`), so the file is held only for the numbering and the appends.
The tables (migrations 006 and 011) hold raw counts only: per term its number and
document frequency (`search_terms`), per term and article the term's count and the
article's length, per article its length and day, and in one row the number of articles
and their total length. BM25's idf and length
normalisation depend on every article stored, so a query computes them from those counts
(`a_search.sql`): its scores are exactly those of the fts extension's `match_bm25` over an
index built at once from the same articles (tests/test_search_incremental.py). `rebuild`
builds the index whole, for repairs (`newsmon search --rebuild`) and the first migration
of an older warehouse.

Postings are kept in runs sorted by term number, so a query reads only its own terms'
row groups (zone maps). A batch appends its postings unsorted at the end; once the
unsorted tail passes `RUN_POSTINGS` it is sorted into a run of its own, in that batch's
transaction: bounded work, whatever the size of the warehouse.

A search ranks in one statement (the postings summed per docid in DuckDB's perfect hash
table), then looks its hits' articles up one by one by key, all in one read transaction.

The same tables and SQL serve the DuckLake backend, where they are Parquet files in the
lake, so search there reads persistent postings too. DuckDB's `fts` extension (from the
`duckdb-ext-fts` wheel, never installed at run time) still provides the Porter stemmer
and the stopword list, so terms are exactly those its index would hold.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.errors import StoreError
from warehouse.extensions import duckdb_config
from warehouse.sqlfiles import bulk, query, rows_as_dicts, sql

log = logging.getLogger(__name__)

# The characters the tokenizer turns into spaces (as the fts extension's `tokenize`): a
# "word" here is what the index saw as one token, so snippets highlight what matched.
_WORD = re.compile(r"[^\s0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/|'\"`-]+")
SNIPPET_CHARS = 240
_FLATTEN = str.maketrans("\n\r\t", "   ")
# Postings appended since the last sort, at most: past this a batch sorts them into a run.
# About 5,000 articles' worth; sorting that many takes well under a second.
RUN_POSTINGS = 1_000_000
# Articles tokenized at once in a rebuild (by rowid), to bound its memory; each slice's
# postings are one run sorted by term (ten runs at a million articles).
REBUILD_SLICE = 100_000


class SearchUnavailable(StoreError):
    """No index to search, or no `fts` extension to search it with."""


@dataclass(frozen=True)
class Snippet:
    """A window of an article's text, with the spans (offsets in `text`) that matched."""

    text: str
    spans: tuple[tuple[int, int], ...]
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class SearchHit:
    article_id: str
    title: str | None
    url: str
    sitename: str | None
    seen_at: datetime
    score: float
    snippet: Snippet
    title_spans: tuple[tuple[int, int], ...]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """`LOAD fts` from the wheel's folder; a clear error when the wheel is missing."""
    try:
        con.execute("load fts")
    except duckdb.Error as exc:
        raise SearchUnavailable(
            f"DuckDB's fts extension is not available ({exc}); "
            "install the duckdb-ext-fts wheel that matches duckdb"
        ) from None


# ---- keeping the index -------------------------------------------------------------


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """After the migrations (inside their transaction): the stopword list, once, and a
    first build when the index has never been built (a warehouse from before it)."""
    load_fts(con)
    if not con.execute(sql("search_stopwords_count")).fetchone()[0]:
        con.execute(sql("search_insert_stopwords"), [list(english_stopwords())])
    built = con.execute(sql("search_state")).fetchone()[0]
    if not built:
        rebuild(con)


@functools.cache
def english_stopwords() -> tuple[str, ...]:
    """The fts extension's English stopword list, read from the extension itself (an
    index over an empty table, in a throw-away in-memory database); once a process."""
    scratch = duckdb.connect(config=duckdb_config(read_only=False))
    try:
        load_fts(scratch)
        _script(scratch, "search_scratch_index")
        return tuple(row[0] for row in scratch.execute(sql("search_scratch_stopwords")).fetchall())
    finally:
        scratch.close()


@dataclass(frozen=True)
class Tokens:
    """A batch's documents split into terms before its write transaction (`tokenize`):
    the documents as given (article_id -> its `search_docs` row) and the stopwords they
    were split with; the terms in Parquet files in `folder`, read by the transaction."""

    folder: Path
    docs: Mapping[str, Mapping[str, Any]]
    stopwords: tuple[str, ...]

    @property
    def docs_file(self) -> Path:
        return self.folder / "docs.parquet"

    @property
    def postings_file(self) -> Path:
        return self.folder / "postings.parquet"


def search_doc(
    article_id: str, title: str | None, text: str | None, seen_at: datetime
) -> dict[str, Any]:
    """The document the index holds for an article."""
    return {"article_id": article_id, "title": title, "text": text, "seen_at": seen_at}


@contextlib.contextmanager
def tokenize(docs: Sequence[Mapping[str, Any]]) -> Iterator[Tokens | None]:
    """Split documents into terms outside any transaction on the warehouse (a batch's
    candidates, before its write transaction holds the file): the regular expressions,
    accents and stems are most of what indexing costs, and need only the stopwords. In a
    throw-away in-memory database, with the same SQL as the index's own tokenizing; the
    files are removed when the block ends. None when there is nothing to split."""
    unique = {d["article_id"]: d for d in docs if d["text"] is not None}
    if not unique:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="newsmon-terms-") as folder:
        tokens = Tokens(Path(folder), unique, english_stopwords())
        _split_in_scratch(list(unique.values()), tokens)
        yield tokens


def _split_in_scratch(docs: Sequence[Mapping[str, Any]], tokens: Tokens) -> None:
    scratch = duckdb.connect(config=duckdb_config(read_only=False))
    try:
        load_fts(scratch)
        _script(scratch, "search_scratch_tokenizer")
        scratch.execute(sql("search_insert_stopwords"), [list(tokens.stopwords)])
        bulk(scratch, "search_stage_batch", docs)
        _script(scratch, "search_tokenize")
        scratch.execute(sql("search_tokens_docs"), [str(tokens.docs_file)])
        scratch.execute(sql("search_tokens_postings"), [str(tokens.postings_file)])
    finally:
        scratch.close()


def add_articles(
    con: duckdb.DuckDBPyConnection,
    articles: Sequence[Mapping[str, Any]],
    tokens: Tokens | None = None,
) -> int:
    """Index articles the caller has just stored, in its write transaction (`articles`
    rows: originals with text are indexed, syndicated copies are not). Their terms come
    from `tokens` (split before the transaction) when it holds every one of these
    documents as stored and was split with the index's stopwords; else they are split
    here. Returns how many were indexed."""
    docs = [
        search_doc(a["article_id"], a["title"], a["text"], a["published"] or a["fetched_at"])
        for a in articles
        if a["duplicate_of"] is None and a["text"] is not None
    ]
    if not docs:
        return 0
    if _tokens_fit(con, tokens, docs):  # no stemmer needed: no `load fts` (tens of ms)
        ids = sorted(d["article_id"] for d in docs)
        con.execute(sql("search_load_docs"), [str(tokens.docs_file), ids])
        con.execute(sql("search_load_postings"), [str(tokens.postings_file)])
        _script(con, "search_add_incoming")
    else:
        load_fts(con)
        bulk(con, "search_stage_batch", docs)
        _add_incoming(con)
    _sort_tail_when_long(con)
    return len(docs)


def _tokens_fit(
    con: duckdb.DuckDBPyConnection, tokens: Tokens | None, docs: Sequence[Mapping[str, Any]]
) -> bool:
    if tokens is None or any(tokens.docs.get(d["article_id"]) != d for d in docs):
        return False
    stored = [row[0] for row in con.execute(sql("search_stopwords_list")).fetchall()]
    if sorted(stored) != sorted(tokens.stopwords):
        log.info("the index's stopwords are not the tokenizer's: terms split in the batch")
        return False
    return True


def remove_articles(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Take articles out of the index, in the write transaction that removes them (or turns
    them into copies): their postings go, and their share of the document count and
    length. Reads the runs holding their postings."""
    if article_ids:
        _script(con, "search_remove", [list(article_ids)])


def rebuild(con: duckdb.DuckDBPyConnection) -> int:
    """Build the index whole from `articles` (inside a write transaction); returns the
    number of articles indexed."""
    load_fts(con)
    _script(con, "search_clear")
    rows = con.execute(sql("search_article_range")).fetchone()[0]
    for start in range(0, rows, REBUILD_SLICE):  # each slice a run sorted by term
        con.execute(sql("search_stage_stored"), [start, start + REBUILD_SLICE])
        _add_incoming(con)
    _script(con, "search_built")
    indexed = con.execute(sql("search_state")).fetchone()[2]
    log.info("full-text index built over %d articles", indexed)
    return indexed


def _add_incoming(con: duckdb.DuckDBPyConnection) -> None:
    _script(con, "search_tokenize")
    _script(con, "search_add_incoming")


def _sort_tail_when_long(con: duckdb.DuckDBPyConnection) -> None:
    tail = con.execute(sql("search_state")).fetchone()[1]
    if tail > RUN_POSTINGS:
        _script(con, "search_sort_tail")
        log.info("sorted %d postings into a run of their own", tail)


def _script(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[object] = ()) -> None:
    """Run a file of several statements; parameters go to the statements that use them
    (DuckDB binds them for one statement at a time)."""
    for statement in _statements(query(con, name)):
        con.execute(statement, list(params) if "$" in statement else [])


def _statements(text: str) -> list[str]:
    # a statement ends with a semicolon at the end of a line (none does inside one here)
    parts = re.split(r";[ \t]*\n", text + "\n")
    return [p for p in (part.strip() for part in parts) if p and not _only_comments(p)]


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("--") for line in text.splitlines())


# ---- searching ---------------------------------------------------------------------


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    since: date | None = None,
    entity: str | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    """The best `limit` articles for `query`, with a snippet around the first match."""
    load_fts(con)
    with _one_snapshot(con):
        return _search(con, query, since, entity, limit)


@contextlib.contextmanager
def _one_snapshot(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The whole search in one read transaction, unless the caller's is open: the ranking
    and the articles' look-ups see the same snapshot, and DuckLake reads its catalog's
    snapshot once instead of once per statement (a quarter of the look-ups' time)."""
    first, second = (con.execute(sql("search_transaction_id")).fetchone()[0] for _ in "ab")
    if first == second:  # inside the caller's transaction (a failed BEGIN would abort it)
        yield
        return
    con.execute("begin transaction")
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):  # read only: nothing to keep or lose
            con.execute("rollback")


def _search(
    con: duckdb.DuckDBPyConnection, query: str, since: date | None, entity: str | None, limit: int
) -> list[SearchHit]:
    built, found = con.execute(sql("a_search_terms"), [query]).fetchone()
    if not built:
        raise SearchUnavailable(
            "the search index has not been built: run `newsmon search --rebuild`"
        )
    terms = set(found)
    if not terms:
        return []
    con.execute(sql("search_dense_sums"))
    try:
        rows = rows_as_dicts(con.execute(sql("a_search"), [sorted(terms), since, entity, limit]))
    finally:
        with contextlib.suppress(duckdb.Error):  # an error above is the one to report
            con.execute(sql("search_dense_sums_off"))
    rows = [_article(con, row) for row in rows]
    stems = _stems(con, (w for r in rows for w in _words(r["text"] or "", r["title"] or "")))
    return [_hit(row, terms, stems) for row in rows]


def _article(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> dict[str, Any]:
    """A hit with its article's title, URL, site and text: one look-up by key per hit (see
    search_article.sql for why not a join)."""
    key = [row["article_id"], row["seen_at"]]
    found = con.execute(query(con, "search_article"), key).fetchone()
    if found is None:  # DuckLake, an article with no publish time
        found = con.execute(sql("search_article_by_id"), key[:1]).fetchone()
    if found is None:  # the index names an article that is gone: it needs a rebuild
        raise SearchUnavailable(
            f"the search index names article {row['article_id']}, which is not stored: "
            "run `newsmon search --rebuild`"
        )
    title, url, sitename, text, _seen = found
    return row | {"title": title, "url": url, "sitename": sitename, "text": text}


def _hit(row: dict, terms: set[str], stems: dict[str, str]) -> SearchHit:
    title = row["title"] or ""
    return SearchHit(
        article_id=row["article_id"],
        title=row["title"],
        url=row["url"],
        sitename=row["sitename"],
        seen_at=row["seen_at"],
        score=row["score"],
        snippet=snippet(row["text"] or "", matches(row["text"] or "", terms, stems)),
        title_spans=tuple(matches(title, terms, stems)),
    )


def _words(*texts: str) -> set[str]:
    return {m.group() for text in texts for m in _WORD.finditer(text)}


def _stems(con: duckdb.DuckDBPyConnection, words: Iterable[str]) -> dict[str, str]:
    """word -> index term, stemmed by DuckDB itself so snippets agree with the ranking."""
    unique = sorted(set(words))
    if not unique:
        return {}
    return dict(con.execute(sql("a_stem_words"), [" ".join(unique)]).fetchall())


def matches(text: str, terms: set[str], stems: dict[str, str]) -> list[tuple[int, int]]:
    """Spans of the words of `text` whose index term is one of `terms`."""
    return [m.span() for m in _WORD.finditer(text) if stems.get(m.group()) in terms]


def snippet(text: str, spans: Sequence[tuple[int, int]], width: int = SNIPPET_CHARS) -> Snippet:
    """About `width` characters around the first match (the start of the text if none),
    cut at spaces, with the matches inside the window re-based to it."""
    first = spans[0][0] if spans else 0
    start = _cut_at_space(text, max(0, first - width // 3), forward=True)
    end = _cut_at_space(text, min(len(text), start + width), forward=False)
    if end <= first:  # one very long word: cut inside it rather than lose the match
        end = min(len(text), start + width)
    inside = tuple((a - start, b - start) for a, b in spans if a >= start and b <= end)
    flat = text[start:end].translate(_FLATTEN)  # one line; same length, so spans still fit
    return Snippet(flat, inside, start > 0, end < len(text))


def _cut_at_space(text: str, at: int, forward: bool) -> int:
    """Move `at` to a word boundary, within 20 characters, so words are not cut in half."""
    if at <= 0 or at >= len(text):
        return at
    window = text[at : at + 20] if forward else text[max(0, at - 20) : at]
    found = window.find(" ") if forward else window.rfind(" ")
    if found < 0:
        return at
    return at + found + 1 if forward else at - len(window) + found
