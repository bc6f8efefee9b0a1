"""Own postings against a kept search library: what a batch and a query cost each.

    pip install tantivy          # not a dependency of newsmon: only this measure needs it
    python -m bench.search_choice --db PATH [--batches 5] [--repeats 7]

On a warehouse made by `bench/views.py` (PATH, e.g. 100,000 articles), measures:

- newsmon's postings: adding a batch of 200 new articles to the index in a write
  transaction (`warehouse.search.add_articles`, rolled back each time), and
  `warehouse.search.search` for the views bench's query;
- tantivy (Rust's Lucene-like library, through its Python binding): an index of the
  same articles built in a folder, then the same batches added, each followed by a
  commit (what keeping it current per batch costs), and the same query, top 10 by BM25.

Both take the same texts; medians of `--repeats`. tantivy's index lives beside the
warehouse, outside its transactions: consistency after a crash would need a reconciling
step on the next run, and on DuckLake every writer host would need the same index.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from warehouse import search
from warehouse.db import Database

QUERY = "chip export rules"
BATCH = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    try:
        import tantivy  # noqa: F401
    except ImportError:
        sys.exit("tantivy is not installed: `pip install tantivy` to measure it (not a dependency)")
    db = Database(args.db)
    docs = _documents(db)
    extra = _new_documents(docs, args.batches)
    figures = {
        "articles": len(docs),
        "postings": _postings(db, extra, args.repeats),
        "tantivy": _tantivy(docs, extra, args.repeats),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _documents(db: Database) -> list[dict]:
    with db.reader() as con:
        rows = con.execute(
            "select article_id, title, text, coalesce(published, fetched_at) "
            "from articles where duplicate_of is null and text is not null"
        ).fetchall()
    return [{"article_id": a, "title": t, "text": x, "seen_at": s} for a, t, x, s in rows]


def _new_documents(docs: list[dict], batches: int) -> list[list[dict]]:
    """Batches of new articles: texts of stored ones under new ids (new to both indexes)."""
    made = []
    for b in range(batches):
        batch = []
        for i in range(BATCH):
            source = docs[(b * BATCH + i) * 7 % len(docs)]
            batch.append(source | {"article_id": f"new-{b}-{i}"})
        made.append(batch)
    return made


def _postings(db: Database, batches: list[list[dict]], repeats: int) -> dict:
    adds = []
    for batch in batches:
        rows = [
            d | {"duplicate_of": None, "published": d["seen_at"], "fetched_at": d["seen_at"]}
            for d in batch
        ]
        con = db.connect()
        try:
            con.execute("begin transaction")
            began = time.perf_counter()
            search.add_articles(con, rows)
            adds.append(time.perf_counter() - began)
            con.execute("rollback")
        finally:
            con.close()
    with db.reader() as con:
        search.search(con, QUERY)
        queries = [_timed(lambda: search.search(con, QUERY)) for _ in range(repeats)]
    return {
        "batch_add_ms": round(statistics.median(adds) * 1000, 1),
        "query_ms": round(statistics.median(queries) * 1000, 1),
    }


def _tantivy(docs: list[dict], batches: list[list[dict]], repeats: int) -> dict:
    import tantivy

    schema = _schema(tantivy)
    folder = Path(tempfile.mkdtemp(prefix="newsmon-tantivy-"))
    try:
        index = tantivy.Index(schema, path=str(folder))
        writer = index.writer()
        began = time.perf_counter()
        for d in docs:
            writer.add_document(_doc(tantivy, d))
        writer.commit()
        build_s = time.perf_counter() - began
        commits = []
        for batch in batches:
            began = time.perf_counter()
            for d in batch:
                writer.add_document(_doc(tantivy, d))
            writer.commit()
            commits.append(time.perf_counter() - began)
        writer.wait_merging_threads()
        index.reload()
        searcher = index.searcher()
        parsed = index.parse_query(QUERY, ["title", "text"])
        searcher.search(parsed, 10)
        queries = [_timed(lambda: searcher.search(parsed, 10).hits) for _ in range(repeats)]
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "build_s": round(build_s, 1),
        "batch_add_commit_ms": round(statistics.median(commits) * 1000, 1),
        "query_ms": round(statistics.median(queries) * 1000, 1),
        "index_mb": round(size / 1e6, 1),
    }


def _schema(tantivy):
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("article_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
    return builder.build()


def _doc(tantivy, d: dict):
    return tantivy.Document(article_id=d["article_id"], title=d["title"] or "", text=d["text"])


def _timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
