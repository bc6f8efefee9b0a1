"""The store on its two backends: the embedded DuckDB file against DuckLake over PostgreSQL.

    NEWSMON_PG_PASSWORD=... python -m bench.storage --host H --port P --user U
        [--n N] [--repeats R] [--quick]

Each repetition, for each backend in turn (interleaved), on a fresh store (a new file, or
a new PostgreSQL database made with `createdb` plus a new Parquet folder):

- store: migrate, sync the watchlist, queue N entries, then store N tagged articles in
  batches of `ingest.batch_size` (200): the library calls the ingest flow makes, without
  fetching or extracting. The articles are copies of the two seed articles under URLs of
  their own, tagged once before timing;
- seed ingest: the ingest flow over the seed site on 127.0.0.1 (a throw-away Prefect API,
  started once before timing), its own span from `ingest_runs`.

Medians are printed, with the ratio DuckLake / embedded. The catalog's server must be
reachable and the user allowed to create databases; nothing leaves this machine unless
the catalog host is elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT
from pipeline.alerts import AlertSettings
from pipeline.dedup import article_id, canonical_url, content_hash
from pipeline.records import Article, FeedEntry, TaggedArticle
from pipeline.settings import FeedSettings, Settings, StorageSettings, load_settings
from pipeline.tagging.tagger import parents_of, tag, tagger_version
from pipeline.tagging.watchlist import load_watchlist

SEED_TEXTS = sorted((ROOT / "seeds").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="newsmon")
    parser.add_argument("--n", type=int, default=500, help="articles stored (default 500)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 articles, once")
    args = parser.parse_args()
    n, repeats = (20, 1) if args.quick else (args.n, args.repeats)
    folder = Path(tempfile.mkdtemp(prefix="newsmon-bench-storage-"))
    try:
        run(args, n, repeats, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, n: int, repeats: int, folder: Path) -> None:
    from prefect.testing.utilities import prefect_test_harness

    from flows.seedserver import serve_site

    tagged, articles = corpus(n)
    fresh = {
        "embedded": lambda: embedded_storage(folder),
        "ducklake": lambda: lake_storage(args, folder),
    }
    store_s: dict[str, list[float]] = {name: [] for name in fresh}
    ingest_s: dict[str, list[float]] = {name: [] for name in fresh}
    with prefect_test_harness(server_startup_timeout=120), serve_site() as base:
        for _ in range(repeats):
            for name, make in fresh.items():
                store_s[name].append(time_store(make(), articles, tagged))
                ingest_s[name].append(time_seed_ingest(make(), base))
    report(f"store {n} tagged articles", store_s)
    report("seed ingest, flow wall", ingest_s)


def report(what: str, seconds: dict[str, list[float]]) -> None:
    embedded, lake = (statistics.median(seconds[k]) for k in ("embedded", "ducklake"))
    runs = len(seconds["embedded"])
    print(f"{what} (median of {runs}):")
    print(f"  embedded file: {embedded:.2f} s")
    print(f"  ducklake:      {lake:.2f} s  ({lake / embedded:.1f}x the embedded file)")


# ---- the stores ------------------------------------------------------------------------


def embedded_storage(folder: Path) -> StorageSettings:
    return StorageSettings(database=folder / f"{uuid.uuid4().hex[:8]}" / "newsmon.duckdb")


def lake_storage(args: argparse.Namespace, folder: Path) -> StorageSettings:
    name = f"newsmon_bench_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PGPASSWORD": os.environ.get("NEWSMON_PG_PASSWORD", "")}
    subprocess.run(
        ["createdb", "-h", args.host, "-p", str(args.port), "-U", args.user, name],
        check=True,
        env=env,
        timeout=60,
    )
    lake = {"host": args.host, "port": args.port, "user": args.user, "dbname": name}
    return StorageSettings.model_validate(
        {"backend": "ducklake", "ducklake": {**lake, "data_path": folder / name}}
    )


# ---- store: the library calls of the ingest flow, without fetch and extract ------------


def corpus(n: int) -> tuple[list[TaggedArticle], list[Article]]:
    """`n` copies of the seed articles, each under its own URL, tagged (not timed)."""
    watchlist = load_watchlist()
    version, parents = tagger_version(watchlist), parents_of(watchlist)
    texts = [path.read_text(encoding="utf-8") for path in SEED_TEXTS]
    now = datetime.now(UTC)
    articles, tagged = [], []
    for i in range(n):
        text = f"{texts[i % len(texts)]}\n\nCopy {i} of this story, for the benchmark."
        url = f"https://bench.example/{i}"
        key = article_id(canonical_url(url))
        articles.append(
            Article(key, url, url, f"Story {i}", None, now, "bench", "en", text,
                    content_hash(text), f"raw{i}", "bench", now)
        )  # fmt: skip
        tagged.append(tag(key, text, watchlist, now, version, parents))
    return tagged, articles


def time_store(
    storage: StorageSettings, articles: list[Article], tagged: list[TaggedArticle]
) -> float:
    from warehouse import store, tags
    from warehouse.backend import open_database
    from warehouse.store import Batch

    db = open_database(storage)
    entries = [FeedEntry("bench", a.url, None, a.title, a.published) for a in articles]

    def work() -> None:
        db.migrate()
        tags.sync_entities(db, load_watchlist().entities)
        store.add_entries(db, "bench", entries, datetime.now(UTC))
        for start in range(0, len(articles), 200):
            chunk = slice(start, start + 200)
            batch = Batch(entries[chunk], articles[chunk], {}, [], (), tagged[chunk])
            store.store_batch(db, "bench", batch, {}, keep_raw=False)

    return timed(work)


# ---- seed ingest: the flow over the seed site ------------------------------------------


def time_seed_ingest(storage: StorageSettings, base: str) -> float:
    from flows.ingest import ingest_flow
    from warehouse import store
    from warehouse.backend import open_database

    settings = seed_settings(storage, base)
    asyncio.run(ingest_flow(settings=settings))
    row = store.read(open_database(storage), "recent_runs", [1])[0]
    return (row["finished_at"] - row["started_at"]).total_seconds()


def seed_settings(storage: StorageSettings, base: str) -> Settings:
    settings = load_settings(ROOT / "seeds" / "demo.toml", env={})
    feeds = (
        FeedSettings(name="seed-rss", url=f"{base}/feeds/rss.xml"),
        FeedSettings(name="seed-atom", url=f"{base}/feeds/atom.xml"),
    )
    ingest = settings.ingest.model_copy(update={"extract_workers": 1})
    alerts = AlertSettings()  # the demo's would write beside the project
    return settings.model_copy(
        update={"storage": storage, "feeds": feeds, "ingest": ingest, "alerts": alerts}
    )


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
