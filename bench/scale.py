"""Ingest at warehouse scale: what a run of new pages costs as the warehouse grows.

    python -m bench.scale [--quick] [--sizes 10000,100000,1000000] [--pages 200]
                          [--repeats R] [--keep DIR] [--json FILE]

Warehouses of each size are made by the views bench's generator (`bench/views.py`:
synthetic articles, mentions, deals, summaries and search postings, set-based in DuckDB)
beside an empty one (migrated, nothing stored). Into each, `newsmon ingest` (the real
flow, as a subprocess, reporting to a Prefect server the bench starts once, as `make
server` runs one for scheduled ingests) then stores `--pages` new article
pages served by the ingest bench's web (`bench/server.py`: pages made from the real
pages of the extraction corpus, on 20 loopback hosts); each run gets pages of its own,
so every run stores `--pages` new articles. Runs are interleaved over the sizes, each
repetition a round over them.

Per run: the writer's time (the ingest process, wall) and the longest a reader waited:
a process of its own polls the database as `newsmon sql` does (`Database.reader()` and
a count, every 50 ms) for the length of the run, and times each poll; and the writer's
holds of the file, from its log (`newsmon -v`: each transaction and checkpoint, open to
close): a reader waits for the longest of them, and its own open. Then the slope of
the writer's time from the smallest to the largest size, and each size against the empty
warehouse.

Last, the seed demo (`newsmon demo --database F`: 3 pages from the seed site) into an
empty file and into a copy of the 100,000-article warehouse (the largest size below
that in `--quick`), interleaved, a fresh copy each time.

`--keep DIR` keeps the warehouses there and reuses them (`articles-N.duckdb`, as
generated); the runs go into copies made at the start (`work-N.duckdb`). Before that,
each warehouse is brought to the current schema and watchlist (`settle`): a migration or
new parent chains recompute every summary once, in whichever run comes first; a file in
DuckDB's old storage format is upgraded, as `newsmon upgrade-storage` does. `--quick` is
the test suite's smoke run: 500 articles, 5 pages.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import newsmon_command, newsmon_env
from bench.ingest import prefect_server
from bench.server import Site, SiteSpec, serve_site
from bench.views import Sizes, generate
from pipeline.tagging.watchlist import load_watchlist
from warehouse.db import Database
from warehouse.tags import sync_entities

log = logging.getLogger(__name__)
FEED_ITEMS = 50  # pages per feed of the bench web (fewer when a run takes fewer)
POLL_EVERY_S = 0.05
DEMO_SIZE = 100_000


@dataclass(frozen=True)
class Run:
    """One ingest into one warehouse: the writer's wall time, the reader's longest wait."""

    size: int
    writer_s: float
    reader_max_s: float
    reader_polls: int
    stored: int
    holds: tuple[float, ...] = ()  # the writer's holds of the file, in order (`-v` log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="articles, comma-separated")
    parser.add_argument("--pages", type=int, default=200, help="new pages per ingest")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demo-repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the warehouses here")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 articles, 5 pages")
    parser.add_argument("--poll", type=Path, help=argparse.SUPPRESS)  # the reader process
    parser.add_argument("--until", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.poll:
        poll(args.poll, args.until)
        return
    if args.quick:
        args.sizes, args.pages, args.repeats, args.demo_repeats = "500", 5, 1, 1
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    folder = args.keep or Path(tempfile.mkdtemp(prefix="newsmon-bench-scale-"))
    try:
        figures = run(folder, sizes, args)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


def run(folder: Path, sizes: list[int], args: argparse.Namespace) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    every = [0, *sizes]
    figures: dict = {"sizes": every, "pages": args.pages, "cores": os.cpu_count()}
    figures["generation_s"] = {n: warehouse(folder, n) for n in every}
    figures["settle_s"] = {n: settle(warehouse_path(folder, n)) for n in every}
    for size in every:  # the runs go into a copy: the kept warehouse stays as generated
        _copy(warehouse_path(folder, size), working_path(folder, size))
    items = _feed_items(args.pages)
    spec = SiteSpec(pages=args.pages * len(every) * args.repeats, feed_items=items)
    runs: list[Run] = []
    with serve_site(spec) as site, prefect_server(folder / "prefect") as api:
        for repeat in range(args.repeats):
            for k, size in enumerate(every):
                batch = repeat * len(every) + k
                feeds = _feeds(site, batch, args.pages, items)
                runs.append(ingest(folder, size, site, feeds, api))
                print(_run_line(runs[-1], repeat), flush=True)
        figures["ingest"] = summarise(runs, every)
        print(_ingest_table(figures["ingest"], every, args), flush=True)
        demo_base = max((n for n in every if n <= DEMO_SIZE), default=0)
        figures["demo"] = demo(folder, demo_base, args.demo_repeats, api)
    return figures


# ---- the warehouses --------------------------------------------------------------------


def warehouse_path(folder: Path, size: int) -> Path:
    return folder / f"articles-{size}.duckdb"


def working_path(folder: Path, size: int) -> Path:
    return folder / f"work-{size}.duckdb"


def warehouse(folder: Path, size: int) -> float | None:
    """Make the warehouse of `size` articles unless it is there; seconds it took."""
    path = warehouse_path(folder, size)
    if path.exists():
        print(f"reusing {path}", flush=True)
        return None
    began = time.perf_counter()
    db = Database(path)
    db.migrate()
    if size:
        print(f"generating {size:,} articles in {path}", flush=True)
        generate(db, Sizes.scaled(size))
    else:
        sync_entities(db, load_watchlist().entities)
    return round(time.perf_counter() - began, 1)


def _copy(source: Path | None, target: Path) -> None:
    """A fresh copy of a checkpointed warehouse (none: no file), without the write-ahead
    log an earlier run may have left beside the target (it would be replayed on it)."""
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    if source is not None:
        shutil.copy(source, target)


def settle(path: Path) -> float:
    """Bring a warehouse to the current schema and the default watchlist, as the first
    ingest into it would (a kept warehouse may be from before a migration): a migration,
    or new parent chains, recompute the summaries whole, once, which is not what an
    ingest costs. Seconds it took."""
    began = time.perf_counter()
    db = Database(path)
    applied = db.migrate()
    sync_entities(db, load_watchlist().entities)
    kept = db.upgrade_storage()  # as `newsmon upgrade-storage` does (docs/scaling.md)
    if kept is not None:
        print(f"upgraded the storage of {path}", flush=True)
        kept.unlink()  # the bench's own file: no need to keep it as it was
    db.checkpoint()  # the runs go into copies of the file: nothing left in its log
    if applied:
        print(f"migrated {path}: {', '.join(applied)}", flush=True)
    return round(time.perf_counter() - began, 1)


# ---- one ingest, with a reader polling -------------------------------------------------


def _feed_items(pages: int) -> int:
    """Items per feed: a run's pages make whole feeds, so no two runs share a feed."""
    items = min(FEED_ITEMS, pages)
    while pages % items:
        items -= 1
    return items


def _feeds(site: Site, batch: int, pages: int, items: int) -> list[str]:
    """The feeds listing pages [batch * pages, (batch + 1) * pages)."""
    return site.feed_urls()[batch * pages // items : (batch + 1) * pages // items]


def ingest(folder: Path, size: int, site: Site, feeds: list[str], api: str) -> Run:
    """`newsmon ingest` of `feeds` into (the working copy of) the warehouse of `size`, a
    reader polling."""
    path = working_path(folder, size)
    config = _write_config(folder / f"run-{size}", path, feeds)
    stop = folder / f"stop-{size}"
    stop.unlink(missing_ok=True)
    reader = subprocess.Popen(
        [sys.executable, "-m", "bench.scale", "--poll", str(path), "--until", str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=newsmon_env(),
    )
    try:
        began = time.perf_counter()
        done = subprocess.run(
            [*newsmon_command(), "-v", "ingest", "--config", str(config)],
            capture_output=True,
            text=True,
            env=newsmon_env(api),
        )
        writer_s = time.perf_counter() - began
    finally:
        stop.touch()
        polled, _ = reader.communicate(timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"newsmon ingest failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    waits = json.loads(polled)
    with Database(path).reader() as con:
        stored = con.execute(LAST_RUN).fetchone()[0]
    held = tuple(float(m.group(1)) for m in HELD.finditer(done.stderr))
    return Run(size, round(writer_s, 2), round(max(waits), 3), len(waits), stored, held)


HELD = re.compile(r"warehouse\.holds: held \S+ for ([0-9.]+) s")


LAST_RUN = "select articles_stored from ingest_runs order by started_at desc limit 1"


def _write_config(folder: Path, database: Path, feeds: list[str]) -> Path:
    """A newsmon.toml for the bench web: loopback allowed, no politeness delay."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "[storage]",
        f"database = {json.dumps(str(database))}",
        "lock_timeout_s = 600",
        "",
        "[http]",
        "per_host_delay_s = 0.0",
        'allow_private_networks = ["127.0.0.0/8"]',
    ]
    for k, url in enumerate(feeds):
        lines += ["", "[[feeds]]", f'name = "scale-{k:04d}"', f"url = {json.dumps(url)}"]
    path = folder / "newsmon.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def poll(path: Path, until: Path) -> None:
    """The reader: open read-only and count, as `newsmon sql` does, until `until` exists;
    prints the seconds each poll took (a JSON list)."""
    db = Database(path, lock_timeout_s=600)
    waits = []
    while not until.exists():
        began = time.perf_counter()
        with db.reader() as con:
            con.execute("select count(*) from ingest_runs").fetchall()
        waits.append(time.perf_counter() - began)
        time.sleep(POLL_EVERY_S)
    print(json.dumps(waits))


def summarise(runs: list[Run], sizes: list[int]) -> dict:
    """Per size: median writer time and its ratio to the empty warehouse's, the longest
    reader wait; the slope of the writer's time per 100,000 articles."""
    per = {}
    for size in sizes:
        mine = [r for r in runs if r.size == size]
        per[size] = {
            "writer_s_median": round(statistics.median(r.writer_s for r in mine), 2),
            "writer_s": [r.writer_s for r in mine],
            "reader_max_s": max(r.reader_max_s for r in mine),
            "reader_max_s_runs": [r.reader_max_s for r in mine],
            "longest_hold_s_runs": [max(r.holds, default=0.0) for r in mine],
            "holds_s_runs": [list(r.holds) for r in mine],
            "reader_polls": sum(r.reader_polls for r in mine),
            "stored": [r.stored for r in mine],
        }
    empty = per[0]["writer_s_median"]
    for size in sizes:
        per[size]["x_empty"] = round(per[size]["writer_s_median"] / empty, 2)
    low, high = min(s for s in sizes if s) if len(sizes) > 1 else 0, max(sizes)
    slope = (
        (per[high]["writer_s_median"] - per[low]["writer_s_median"]) / (high - low) * 100_000
        if high > low
        else 0.0
    )
    return {"per_size": per, "slope_s_per_100k": round(slope, 3), "slope_from": [low, high]}


def _run_line(r: Run, repeat: int) -> str:
    return (
        f"  run {repeat + 1}, {r.size:>9,} articles: writer {r.writer_s:6.2f} s, "
        f"longest reader wait {r.reader_max_s:5.2f} s over {r.reader_polls} polls, "
        f"longest writer hold {max(r.holds, default=0.0):5.2f} s of {len(r.holds)}, "
        f"stored {r.stored}"
    )


def _ingest_table(ingest: dict, sizes: list[int], args: argparse.Namespace) -> str:
    lines = [
        f"\n  ingest of {args.pages} new pages, median of {args.repeats} (writer: the "
        "ingest process, wall)",
        f"  {'warehouse':>12} {'writer s':>9} {'x empty':>8} {'longest reader wait s':>22}",
    ]
    for size in sizes:
        f = ingest["per_size"][size]
        lines.append(
            f"  {size:>12,} {f['writer_s_median']:9.2f} {f['x_empty']:8.2f} "
            f"{f['reader_max_s']:22.2f}"
        )
    low, high = ingest["slope_from"]
    lines.append(
        f"  slope from {low:,} to {high:,} articles: "
        f"{ingest['slope_s_per_100k']:+.3f} s per 100,000 articles"
    )
    return "\n".join(lines)


# ---- the seed demo ---------------------------------------------------------------------


def demo(folder: Path, base: int, repeats: int, api: str) -> dict:
    """`newsmon demo` into an empty file and into a copy of the warehouse of `base`."""
    times: dict[str, list[float]] = {"empty": [], f"{base}": []}
    for _ in range(repeats):
        for label, source in (("empty", None), (f"{base}", warehouse_path(folder, base))):
            # a fresh copy of the warehouse as generated: the seed pages are new to it
            target = folder / f"demo-{label}.duckdb"
            _copy(source, target)
            times[label].append(_demo_once(target, api))
    medians = {k: round(statistics.median(v), 2) for k, v in times.items()}
    ratio = round(medians[f"{base}"] / medians["empty"], 2)
    print(
        f"\n  seed demo, median of {repeats}: into an empty warehouse {medians['empty']:.2f} s, "
        f"into a copy of the {base:,}-article warehouse {medians[f'{base}']:.2f} s "
        f"({ratio:.2f} x)",
        flush=True,
    )
    return {"seconds": times, "median_s": medians, "x_empty": ratio, "base": base}


def _demo_once(target: Path, api: str) -> float:
    with tempfile.TemporaryDirectory() as cwd:  # no ./newsmon.toml to pick up
        began = time.perf_counter()
        done = subprocess.run(
            [*newsmon_command(), "demo", "--database", str(target)],
            cwd=cwd,
            capture_output=True,
            text=True,
            env=newsmon_env(api),
        )
        took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"newsmon demo failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return round(took, 2)


if __name__ == "__main__":
    main()
