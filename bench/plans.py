"""Every query an ingest runs, profiled on a large warehouse: what each statement reads.

    python -m bench.plans --db PATH [--pages 200] [--json FILE]

On a copy of the warehouse at PATH (made by `bench/views.py`, e.g. a million articles),
runs the warehouse calls of one ingest of `--pages` new pages, in order, as the flow
makes them: `prepare_run` (migrations, feeds, watchlist), `record_polls` (the new
entries), `pending_entries`, `originals_by_hash`, `store_batch` (articles, entries,
errors, tags, summaries, search postings) and `finish_run`. The articles are the 181
real article texts of the extraction corpus (tagged by newsmon's tagger, so mentions and
deals are real), under new URLs and published in the warehouse's last days.

Every statement runs under DuckDB's profiler (the figures `EXPLAIN ANALYZE` prints):
its time, and for each table scan the rows it read against the rows in the table. A
scan that reads most of a large table is flagged: its cost grows with the warehouse,
not with the batch. Prints one line per statement, and the time of each call,
including opening and closing the file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bench.common import ground_truth_texts
from pipeline.dedup import article_id, canonical_url, content_hash
from pipeline.records import Article, FeedEntry, PollResult
from pipeline.settings import FeedSettings
from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import load_watchlist
from warehouse import store
from warehouse.db import Database
from warehouse.search import _statements
from warehouse.store import Batch, RunCounts

LARGE = 100_000  # rows: a scan of a table this size that reads most of it is flagged
PROFILE_SETTINGS = {
    "OPERATOR_TYPE": "true",
    "OPERATOR_CARDINALITY": "true",
    "OPERATOR_ROWS_SCANNED": "true",
    "EXTRA_INFO": "true",
    "LATENCY": "true",
}


@dataclass
class Statement:
    call: str
    sql: str
    seconds: float
    scans: list[tuple[str, int, int]]  # table, rows read, -1 when by an index look-up


@dataclass
class Profile:
    statements: list[Statement] = field(default_factory=list)
    calls: dict[str, float] = field(default_factory=dict)
    call: str = ""


class _Profiled:
    """A connection whose every `execute` is profiled (the rest is passed through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, profile: Profile, out: Path) -> None:
        self._con, self._profile, self._out = con, profile, out

    def execute(self, query: str, params: Any = None) -> _Profiled:
        # DuckDB profiles one statement per call: a file of several runs one at a time
        statements = [query] if params is not None else _statements(query) or [query]
        for statement in statements:
            self._record()  # a query's profile is written once its result is consumed
            if params is None:
                self._con.execute(statement)
            else:
                self._con.execute(statement, params)
        return self

    def close(self) -> None:
        self._record()
        self._con.close()

    def _record(self) -> None:
        try:
            tree = json.loads(self._out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self._out.unlink(missing_ok=True)
        query = str(tree.get("query_name") or "")
        if query.startswith("set ") or "duckdb_databases()" in query:
            return  # the profiler's own settings; the dialect probe
        scans = list(_scans(tree))
        seconds = float(tree.get("latency") or 0.0)
        self._profile.statements.append(Statement(self._profile.call, query, seconds, scans))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _scans(node: dict) -> Iterator[tuple[str, int, int]]:
    """(table, rows read, -1 for an index look-up); the profiler counts an index scan's
    rows as the whole table's, so it is marked instead."""
    if node.get("operator_type") == "TABLE_SCAN":
        info = node.get("extra_info") or {}
        table = info.get("Table") or info.get("Function") or "?"
        by_index = info.get("Type") == "Index Scan"
        yield str(table), int(node.get("operator_rows_scanned") or 0), -1 if by_index else 0
    for child in node.get("children") or ():
        yield from _scans(child)


class ProfiledDatabase(Database):
    """The embedded file, each connection profiled into `profile`."""

    def __init__(self, path: Path, profile: Profile, scratch: Path) -> None:
        super().__init__(path, lock_timeout_s=600)
        self.profile, self.scratch = profile, scratch

    def connect(self, read_only: bool = False) -> Any:
        con = super().connect(read_only)
        out = self.scratch / "profile.json"
        con.execute("set enable_profiling = 'json'")
        con.execute("set profiling_output = ?", [str(out)])
        con.execute("set custom_profiling_settings = ?", [json.dumps(PROFILE_SETTINGS)])
        return _Profiled(con, self.profile, out)


@contextmanager
def timed(profile: Profile, call: str) -> Iterator[None]:
    profile.call = call
    began = time.perf_counter()
    yield
    profile.calls[call] = profile.calls.get(call, 0.0) + time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a warehouse (copied first)")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsmon-plans-", dir=args.db.parent) as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(args.db, copy)
        sizes = _table_sizes(copy)
        profile = Profile()
        one_ingest(ProfiledDatabase(copy, profile, Path(tmp)), args.pages, profile)
    report = _report(profile, sizes)
    print(report["text"])
    if args.json:
        args.json.write_text(json.dumps(report["figures"], indent=2), encoding="utf-8")


def _table_sizes(path: Path) -> dict[str, int]:
    with Database(path).reader() as con:
        rows = con.execute("select table_name, estimated_size from duckdb_tables()").fetchall()
    return {name: int(size or 0) for name, size in rows}


def one_ingest(db: ProfiledDatabase, pages: int, profile: Profile) -> None:
    """The warehouse calls of one ingest of `pages` new pages, as the flow makes them."""
    watchlist = load_watchlist()
    with Database(db.path).reader() as con:
        latest = con.execute("select max(published) from articles").fetchone()[0]
    now = (latest or datetime.now(UTC)) + timedelta(hours=1)
    feed = FeedSettings(name="plans-feed", url="https://plans.example/feed.xml")
    articles = _articles(pages, now)
    entries = tuple(FeedEntry(feed.url, a.url, a.url, a.title, a.published) for a in articles)
    run_id = "plans-run"
    with timed(profile, "prepare_run"):
        store.prepare_run(db, [feed], watchlist.entities, run_id, None, now)
    with timed(profile, "record_polls"):
        poll = PollResult(feed.url, "ok", 200, entries, etag='"x"')
        store.record_polls(db, run_id, [(feed.name, poll)], now)
    with timed(profile, "pending_entries"):
        store.pending_entries(db, 20_000, 3)
    with timed(profile, "originals_by_hash"):
        originals = store.originals_by_hash(db, (a.content_hash for a in articles))
    tagged = [tag(a.article_id, a.text, watchlist, a.published) for a in articles]
    with timed(profile, "store_batch"):
        batch = Batch(entries, articles, {}, (), {}, tagged)
        store.store_batch(db, run_id, batch, {feed.url: feed.name}, keep_raw=False)
    with timed(profile, "finish_run"):
        store.finish_run(db, run_id, RunCounts(articles_stored=len(articles)))
    assert not originals  # the texts are new to the warehouse


def _articles(count: int, now: datetime) -> list[Article]:
    texts = ground_truth_texts()
    made = []
    for i in range(count):
        text = f"{texts[i % len(texts)]}\n\nEdition {i} of the plans bench."
        url = canonical_url(f"https://plans-{i % 20}.example/news/{i:06d}.html")
        made.append(
            Article(
                article_id=article_id(url),
                url=url,
                canonical_url=url,
                title=text.split("\n")[0][:120],
                author=None,
                published=now - timedelta(hours=i % 48),
                sitename=f"Plans {i % 20}",
                language="en",
                text=text,
                content_hash=content_hash(text),
                raw_hash=content_hash(url),
                extractor_version="bench",
                fetched_at=now,
            )
        )
    return made


def _report(profile: Profile, sizes: dict[str, int]) -> dict:
    lines = [
        "  call / statement (first line)                             ms   scans: rows read of rows"
    ]
    figures: dict = {"calls_ms": {}, "statements": []}
    for call, seconds in profile.calls.items():
        figures["calls_ms"][call] = round(seconds * 1000, 1)
        lines.append(f"{call}: {seconds * 1000:.0f} ms (connect, statements, commit, close)")
        for s in (s for s in profile.statements if s.call == call):
            scans = [
                (t, 0 if index else read, sizes.get(t.split(".")[-1], 0), bool(index))
                for t, read, index in s.scans
            ]
            flagged = [x for x in scans if x[2] >= LARGE and x[1] >= x[2] // 2]
            first = " ".join(_first_line(s.sql).split())[:56]
            shown = ", ".join(
                f"{t} by index" if index else f"{t} {r:,}/{n:,}" for t, r, n, index in scans if n
            )
            mark = "  << reads most of a large table" if flagged else ""
            lines.append(f"    {first:<56} {s.seconds * 1000:7.1f}  {shown}{mark}")
            figures["statements"].append(
                {"call": call, "sql": first, "ms": round(s.seconds * 1000, 1), "scans": scans}
            )
    return {"text": "\n".join(lines), "figures": figures}


def _first_line(query: str) -> str:
    for line in query.splitlines():
        if line.strip() and not line.strip().startswith("--"):
            return line
    return query[:60]


if __name__ == "__main__":
    main()
