"""Full-text search over articles: a BM25 index from DuckDB's `fts` extension.

The extension is loaded from the `duckdb-ext-fts` wheel (see `warehouse.db`), never
installed at run time, so search works offline. The index is a snapshot: DuckDB's fts
index is not updated when `articles` changes, so `refresh_index` rebuilds it after each
ingest when new articles arrived. Building needs a write transaction; searching works on
a read-only connection over an index built earlier.

On the DuckLake backend no index is kept (DuckLake cannot store the index's macros):
each search builds one in memory from the articles in the lake (here 1.4 s for 1,000
articles, 13 s for 5,000).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse.db import StoreError, dialect, rows_as_dicts, sql

log = logging.getLogger(__name__)

# The characters the fts tokenizer turns into spaces (its `tokenize` macro): a "word" here
# is what the index saw as one token, so snippets highlight what actually matched.
_WORD = re.compile(r"[^\s0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/|'\"`-]+")
SNIPPET_CHARS = 240
_FLATTEN = str.maketrans("\n\r\t", "   ")


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


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(sql("a_search_index_exists")).fetchone()[0])


def refresh_index(con: duckdb.DuckDBPyConnection, force: bool = False) -> int | None:
    """Rebuild the index if articles were added since it was built (call inside a write
    transaction). Returns the number of articles indexed, or None when it was current
    (or, on DuckLake, kept by no one: searches there index in memory)."""
    load_fts(con)
    if dialect(con) == "ducklake":
        return None
    if not force and index_exists(con):
        indexed, originals = con.execute(sql("a_search_index_state")).fetchone()
        if indexed == originals:
            return None
    _build(con)
    indexed = con.execute(sql("a_search_index_state")).fetchone()[0]
    log.info("full-text index rebuilt over %d articles", indexed)
    return indexed


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    since: date | None = None,
    entity: str | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    """The best `limit` articles for `query`, with a snippet around the first match."""
    load_fts(con)
    if dialect(con) == "ducklake":
        _index_in_memory(con)
    elif not index_exists(con):
        raise SearchUnavailable(
            "no search index yet: run `newsmon search --reindex` (each ingest refreshes it)"
        )
    terms = {row[0] for row in con.execute(sql("a_search_terms"), [query]).fetchall()}
    rows = rows_as_dicts(con.execute(sql("a_search"), [query, since, entity, limit]))
    stems = _stems(con, (w for r in rows for w in _words(r["text"] or "", r["title"] or "")))
    return [_hit(row, terms, stems) for row in rows]


def _index_in_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Build the index in memory over the lake's articles (for this connection's search)."""
    con.execute(sql("a_search_scratch", "ducklake"))
    _build(con)


def _build(con: duckdb.DuckDBPyConnection) -> None:
    """The extension's index over the original articles, and its term-ordered postings."""
    con.execute(sql("a_search_documents"))
    con.execute(sql("a_search_build"))
    con.execute(sql("a_search_postings"))
    con.execute(sql("a_search_drop_documents"))


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
