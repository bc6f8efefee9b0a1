"""Trend views and search on a synthetic warehouse: one entity, one year.

    python -m bench.views [--quick] [--articles N] [--repeats R] [--db PATH] [--json FILE]

Builds a warehouse with the project's own migrations and watchlist (so roll-ups are
real), then fills it with set-based SQL inside DuckDB (`bench/views_data.sql`): N
articles over three years (every tenth a syndicated copy), 10 mentions per article on
average (1 M articles: about 10 M mentions) of entities drawn by a Zipf-like popularity,
N / 5 deal mentions, feeds, entries, fetch errors; then the summary tables behind the
views (`warehouse.summaries.rebuild`) and the full-text index
(`warehouse.search.rebuild`). `--db PATH` keeps the file and reuses it when it
already holds articles (a migration, such as the summaries', runs on it first).

Then, on one read-only connection, after one warm-up, each query is timed `--repeats`
times, the queries interleaved: per view an analyst's query for one entity and one year,
`newsmon search` through `warehouse.search.search`, and baselines (a count of the
entity's mentions that year from the base tables). Prints median, p90 and min ms, the
target and the ratio to the baseline; `newsmon search` is also run once end to end as a
subprocess, for reference. Last, what keeping the summaries costs a write: marking the
200 newest articles and refreshing, in transactions rolled back.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from bench.common import newsmon_command, newsmon_env
from pipeline.settings import DuckLakeSettings, StorageSettings
from pipeline.tagging.watchlist import load_watchlist
from warehouse import summaries
from warehouse.backend import open_database
from warehouse.db import Database
from warehouse.lake import LakeDatabase
from warehouse.search import rebuild, search
from warehouse.tags import sync_entities

DATA_SQL = Path(__file__).with_name("views_data.sql")
START, END, SPAN_DAYS = "2024-01-01 00:00:00+00", "2026-12-15 00:00:00+00", 1079
YEAR = (date(2025, 1, 1), date(2026, 1, 1))
ENTITY = "Microsoft"  # popularity rank 2 of about 5,700 entities: a heavy single entity
PINNED = ["OpenAI", "Microsoft", "Nvidia", "Google", "Apple", "Amazon", "Meta", "Anthropic"]
SEARCH_QUERY = "chip export rules"
VIEW_TARGET_MS, SEARCH_TARGET_MS = 200.0, 300.0

# The most frequent words first: stopwords, then news words (ranks 31 to about 150).
_WORDS = """
the of and to a in that is for on it with as was said by at from its be has have an are
this will which or but not were their been more also after new than would company market
billion million percent year quarter revenue shares investors deal government people data
model models chip chips cloud software users report week growth price prices sales bank
rates energy security court rules law regulators export china europe trade policy
officials workers jobs tech startup funding round valuation acquisition merger partnership
contract license lawsuit antitrust probe election campaign climate oil gas power grid
battery electric vehicles cars phone devices launch product service platform network
customers profit loss debt bonds stocks index inflation economy central federal state city
school health hospital drug trial vaccine research study science space satellite rocket
defense military war ceasefire sanctions tariff tariffs ban supply factory plant
production demand analysts forecast earnings guidance executive chief officer board union
strike
"""
_SYLLABLES = """
ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu
ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu
"""
WORDS, SYLLABLES = _WORDS.split(), _SYLLABLES.split()


@dataclass(frozen=True)
class Sizes:
    articles: int
    mentions_per_article: float = 11.0  # per original; 9 originals in 10: about 10 per article
    deal_mentions: int = 0
    feeds: int = 200
    errors: int = 0
    discovered: int = 5000
    min_words: int = 150
    spread_words: int = 300  # 150 to 449 words a text: about 1,900 characters
    vocab: int = 30000

    @classmethod
    def scaled(cls, articles: int) -> Sizes:
        return cls(
            articles=articles,
            deal_mentions=articles // 5,
            feeds=max(20, min(200, articles // 1000)),
            errors=articles // 20,
            discovered=max(100, min(5000, articles // 200)),
        )


@dataclass(frozen=True)
class Probe:
    """One timed query: a name for the table, the SQL, its parameters, its target."""

    view: str
    sql: str
    params: tuple
    target_ms: float | None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--db", type=Path, help="keep the database here (reused if filled)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI run")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5,000 articles")
    parser.add_argument(
        "--lake-catalog",
        help="a DuckLake catalog instead of the file: libpq string of its PostgreSQL database "
        "(password in $NEWSMON_PG_PASSWORD); with --lake-data",
    )
    parser.add_argument("--lake-data", type=Path, help="the DuckLake's Parquet folder")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.repeats = 5000, 5
    folder = None if args.db else Path(tempfile.mkdtemp(prefix="newsmon-bench-views-"))
    path = args.db or folder / "bench.duckdb"
    try:
        figures = run(_database(path, args), Sizes.scaled(args.articles), args)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


def _database(path: Path, args: argparse.Namespace) -> Database:
    """The embedded file at `path`, or the DuckLake catalog the arguments name."""
    if not args.lake_catalog:
        return Database(path)
    args.no_cli = True  # the CLI run opens an embedded file
    lake = DuckLakeSettings(catalog=args.lake_catalog, data_path=args.lake_data)
    return open_database(StorageSettings(backend="ducklake", ducklake=lake))


def run(db: Database, sizes: Sizes, args: argparse.Namespace) -> dict:
    figures: dict = {"articles_requested": sizes.articles, "entity": ENTITY, "year": YEAR}
    began = time.perf_counter()
    applied = db.migrate()  # (re)creates the views, so a reused file gets the current ones
    if _filled(db):
        print(f"reusing {db.path}")
        if applied:  # e.g. the search postings' migration, which indexes what the file holds
            figures["migration_s"] = round(time.perf_counter() - began, 1)
            print(f"  applied {', '.join(applied)} in {figures['migration_s']:.1f} s")
    else:
        figures["generation_s"] = generate(db, sizes)
    with db.reader() as con:
        figures["counts"] = _counts(con)
    figures["db_mb"] = round(_size(db.path) / 1e6, 1)
    print(_describe(figures))
    with db.reader() as con:
        figures["queries"] = time_probes(con, args.repeats)
    figures["refresh_ms"] = time_refresh(db, args.repeats)
    if not args.no_cli:
        figures["cli_search_s"] = time_cli_search(db.path)
        print(
            f"  newsmon search {SEARCH_QUERY!r} as a subprocess, once: "
            f"{figures['cli_search_s']:.2f} s end to end (imports included)"
        )
    return figures


# ---- generation ---------------------------------------------------------------------


def generate(db: Database, sizes: Sizes) -> dict[str, float]:
    """Fill the migrated database; returns seconds per step (and in all)."""
    steps: dict[str, float] = {}
    start = time.perf_counter()
    sync_entities(db, load_watchlist().entities)
    steps["watchlist"] = time.perf_counter() - start
    with db.transaction() as con:
        for name, text in _sections(DATA_SQL.read_text(encoding="utf-8")):
            began = time.perf_counter()
            con.execute(text, _bindings(text, sizes, con))
            steps[name] = time.perf_counter() - began
            print(f"  generated {name:<20} {steps[name]:7.1f} s", flush=True)
    began = time.perf_counter()
    with db.transaction() as con:
        summaries.rebuild(con)
    steps["summaries"] = time.perf_counter() - began
    print(f"  built summaries          {steps['summaries']:7.1f} s", flush=True)
    began = time.perf_counter()
    with db.transaction() as con:
        rebuild(con)
    steps["search_index"] = time.perf_counter() - began
    print(f"  built search index       {steps['search_index']:7.1f} s", flush=True)
    if not isinstance(db, LakeDatabase):  # DuckLake writes its Parquet files as it goes
        with db.transaction() as con:
            con.execute("checkpoint")
    steps["total"] = time.perf_counter() - start
    return {k: round(v, 1) for k, v in steps.items()}


def _sections(text: str) -> list[tuple[str, str]]:
    """`-- name: x` sections of the data file, each one statement."""
    parts = re.split(r"^-- name: (\w+)\n", text, flags=re.MULTILINE)[1:]
    return [
        (name, body.strip().rstrip(";")) for name, body in zip(parts[::2], parts[1::2], strict=True)
    ]


def _bindings(text: str, sizes: Sizes, con: duckdb.DuckDBPyConnection) -> dict:
    deals = min(sizes.deal_mentions // 2, sizes.articles // 6)
    values = {
        "words": WORDS,
        "syllables": SYLLABLES,
        "vocab": sizes.vocab,
        "discovered": sizes.discovered,
        "start": START,
        "end": END,
        "span_s": SPAN_DAYS * 86400,
        "pinned": PINNED,
        "feeds": sizes.feeds,
        "articles": sizes.articles,
        "min_words": sizes.min_words,
        "spread_words": sizes.spread_words,
        "errors": sizes.errors,
        "spread_mentions": max(1, round(2 * sizes.mentions_per_article - 1)),
        "deals": deals,
        "step": max(2, sizes.articles // (3 * max(deals, 1))),
    }
    if "$entities" in text or "$orgs" in text:
        values["entities"], values["orgs"] = con.execute(
            "select count(*), count(org_rank) from bench_entity_ranks"
        ).fetchone()
    return {k: v for k, v in values.items() if f"${k}" in text}


def _size(path: Path) -> int:
    """Bytes on disk: the file, or every file under a DuckLake's data folder."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _filled(db: Database) -> bool:
    with db.reader() as con:
        return con.execute("select count(*) > 0 from articles").fetchone()[0]


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = (
        "articles",
        "mentions",
        "deal_mentions",
        "deal_parties",
        "entities",
        "entries",
        "feeds",
        "fetch_errors",
    )
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def _describe(figures: dict) -> str:
    counts = ", ".join(f"{k} {v:,}" for k, v in figures["counts"].items())
    made = figures.get("generation_s", {}).get("total")
    return (
        f"views bench: {counts}; {figures['db_mb']:,.0f} MB on disk"
        + (f"; generated in {made:.0f} s" if made is not None else "")
        + f"\n  entity {ENTITY!r}, year {YEAR[0]:%Y}, DuckDB {duckdb.__version__}, "
        f"{os.cpu_count()} cores"
    )


# ---- timing -------------------------------------------------------------------------


def probes() -> list[Probe]:
    """The analyst's queries: one entity, one year (bound as parameters)."""
    e, (lo, hi), t = ENTITY, YEAR, VIEW_TARGET_MS
    return [
        Probe("baseline: mentions x articles, count", BASELINE_JOIN, (e, lo, hi), None),
        Probe("baseline: mentions scan, count", BASELINE_SCAN, (e,), None),
        Probe(
            "entity_mentions_daily",
            "select * from entity_mentions_daily where entity = ? and day >= ? and day < ?",
            (e, lo, hi),
            t,
        ),
        Probe(
            "entity_mentions_daily_rollup",
            "select * from entity_mentions_daily_rollup where entity = ? and day >= ? and day < ?",
            (e, lo, hi),
            t,
        ),
        Probe(
            "entity_trends_weekly",
            "select * from entity_trends_weekly where entity = ? and week >= ? and week < ?",
            (e, lo, hi),
            t,
        ),
        Probe("co_mentions", "select * from co_mentions where entity_a = ?", (e,), t),
        Probe(
            "deal_ledger",
            "select * from deal_ledger where list_contains(parties, ?) "
            "and first_seen >= ? and first_seen < ?",
            (e, lo, hi),
            t,
        ),
        Probe(
            "deal_timeline", "select * from deal_timeline where day >= ? and day < ?", (lo, hi), t
        ),
        Probe(
            "new_entities",
            "select * from new_entities where first_seen >= ? and first_seen < ?",
            (lo, hi),
            t,
        ),
        Probe("feed_health", "select * from feed_health", (), t),
    ]


BASELINE_JOIN = (
    "select count(*) from mentions as m inner join articles as a using (article_id) "
    "where m.entity = ? and a.published >= ? and a.published < ? and a.duplicate_of is null"
)
BASELINE_SCAN = "select count(*) from mentions where entity = ?"


def time_probes(con: duckdb.DuckDBPyConnection, repeats: int) -> dict[str, dict]:
    """Median, p90 and min ms of each probe and of search, interleaved repetitions."""
    queries = probes()
    calls = {p.view: _runner(con, p) for p in queries}
    calls["newsmon search"] = lambda: search(con, SEARCH_QUERY)
    targets = {p.view: p.target_ms for p in queries} | {"newsmon search": SEARCH_TARGET_MS}
    rows = {name: len(fn()) for name, fn in calls.items()}  # warm-up, and the result size
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            began = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - began) * 1000)
    base = statistics.median(times["baseline: mentions x articles, count"])
    figures = {name: _summary(ms, targets[name], base, rows[name]) for name, ms in times.items()}
    _print_table(figures, repeats)
    return figures


def _runner(con: duckdb.DuckDBPyConnection, probe: Probe):
    return lambda: con.execute(probe.sql, list(probe.params)).fetchall()


def _summary(ms: list[float], target: float | None, base: float, rows: int) -> dict:
    median = statistics.median(ms)
    return {
        "median_ms": round(median, 1),
        "p90_ms": round(_p90(ms), 1),
        "min_ms": round(min(ms), 1),
        "target_ms": target,
        "met": None if target is None else median < target,
        "x_baseline": round(median / base, 1),
        "rows": rows,
    }


def _p90(ms: list[float]) -> float:
    """The 90th percentile; with one sample, that sample (quantiles needs two)."""
    if len(ms) < 2:
        return ms[0]
    return statistics.quantiles(ms, n=10, method="inclusive")[8]


def _print_table(figures: dict[str, dict], repeats: int) -> None:
    print(f"\n  median of {repeats} after one warm-up; ms; ratio to the first baseline")
    print(f"  {'query':<38} {'median':>8} {'p90':>8} {'min':>8} {'x base':>7} {'rows':>6}  target")
    for name, f in figures.items():
        verdict = (
            ""
            if f["target_ms"] is None
            else (f"< {f['target_ms']:.0f}: {'met' if f['met'] else 'MISSED'}")
        )
        print(
            f"  {name:<38} {f['median_ms']:8.1f} {f['p90_ms']:8.1f} {f['min_ms']:8.1f} "
            f"{f['x_baseline']:6.1f}x {f['rows']:>6}  {verdict}"
        )


def time_refresh(db: Database, repeats: int, batch: int = 200) -> dict[str, float]:
    """What a batch write adds for the summaries: mark `batch` articles of the last days
    and refresh, in a transaction rolled back each time (median and min ms)."""
    times = []
    for _ in range(repeats):
        con = db.connect()
        try:
            con.execute("begin transaction")
            ids = [r[0] for r in con.execute(LATEST_ARTICLES, [batch]).fetchall()]
            began = time.perf_counter()
            summaries.mark(con, ids)
            summaries.refresh(con)
            times.append((time.perf_counter() - began) * 1000)
            con.execute("rollback")
        finally:
            con.close()
    figures = {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1)}
    print(
        f"\n  summaries after a batch of {batch} articles (mark + refresh): "
        f"median {figures['median_ms']:.0f} ms, min {figures['min_ms']:.0f} ms"
    )
    return figures


LATEST_ARTICLES = "select article_id from articles order by published desc limit ?"


def time_cli_search(path: Path) -> float:
    """`newsmon search` once as a subprocess, end to end (the CLI's imports included)."""
    env = newsmon_env()
    env.pop("NEWSMON_CONFIG", None)
    env["NEWSMON_DB"] = str(path.resolve())
    with tempfile.TemporaryDirectory() as cwd:  # no ./newsmon.toml to pick up
        began = time.perf_counter()
        done = subprocess.run(
            [*newsmon_command(), "search", SEARCH_QUERY],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"newsmon search failed:\n{done.stdout}\n{done.stderr}")
    return round(took, 2)


if __name__ == "__main__":
    main()
