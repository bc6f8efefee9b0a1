"""Soak: the ingest flow in a loop against the hostile server and the seed site.

    python -m bench.soak [--minutes 10] [--quick] [--json FILE]

One long-lived process runs `ingest_flow` again and again (as `newsmon serve` does), for
`--minutes` (`--quick`: about 20 s), against every fault of tests/hostile/server.py and
the two seed feeds. Feed health is told not to back off or give up, and the page list
hands out new URLs each run, so every fault is met on every run. Everything is on
loopback: both servers bind 127.0.0.1, and the faults that point elsewhere (10.0.0.1,
169.254.169.254, [::1], file://, ftp://) are what the SSRF guard refuses.

It prints: runs, errors by stage and kind, the peak RSS of this process and of the
extraction workers (sampled after each run), open file descriptors and threads (first
run, last run, most), rows per table, and duplicated rows (a key stored twice: must be
0). Syndicated copies stored as duplicates of an original are counted apart: they are
the dedup working.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT

# A key stored twice would be a duplicate (every table's natural key).
KEYS = {
    "feeds": "name",
    "entries": "entry_key",
    "entries (by URL)": "url",
    "articles": "article_id",
    "articles (by canonical URL)": "canonical_url",
    "mentions": "article_id, start_offset",
    "deal_mentions": "article_id, deal_index",
    "article_tags": "article_id",
}
HEALTH = "[health]\nbackoff_step_s = 0\nretry_after_cap_s = 0\ndisable_after = 100000\n"


@dataclass
class Figures:
    runs: int = 0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    fds: list[int] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    workers_mib: float = 0.0


def _proc_status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _sample(figures: Figures) -> None:
    figures.fds.append(len(os.listdir("/proc/self/fd")))
    figures.threads.append(_proc_status("Threads"))
    figures.rss_mib.append(_proc_status("VmRSS") / 1024)
    figures.workers_mib = max(figures.workers_mib, _workers_peak_kib() / 1024)


def _workers_peak_kib() -> int:
    """The highest peak RSS among the live extraction workers (children of the fork
    server this process started); a worker killed for overrunning takes its peak along."""
    peak = 0
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if b"forkserver" not in cmdline or f"\nPPid:\t{os.getpid()}\n" in status:
            continue  # not a fork server's child, or the fork server itself
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak


def _config(folder: Path, seed_site: str, hostile_base: str) -> Path:
    from tests.hostile.conftest import FEED_CASES, seed_feeds, write_config

    feeds = seed_feeds(seed_site) | {f"hostile-{n}": f"{hostile_base}/f/{n}" for n in FEED_CASES}
    feeds["hostile-pages"] = f"{hostile_base}/feeds/pages.xml?fresh=1"
    return write_config(folder / "newsmon.toml", folder / "newsmon.duckdb", feeds, extra=HEALTH)


def _loop(config: Path, until: float, figures: Figures) -> None:
    from flows.ingest import ingest_flow
    from pipeline.settings import load_settings

    settings = load_settings(config, env={})
    started = time.monotonic()
    while time.monotonic() < until:
        counts = asyncio.run(ingest_flow(settings=settings)).counts
        figures.runs += 1
        figures.errors.update(counts.error_kinds)
        _sample(figures)
        print(
            f"run {figures.runs}: {counts.articles_stored} stored, {counts.duplicates} copies,"
            f" {counts.errors} errors, rss {figures.rss_mib[-1]:.0f} MiB,"
            f" fds {figures.fds[-1]}",
            flush=True,
        )
    figures.seconds = time.monotonic() - started


def _tables(database: Path) -> tuple[dict[str, int], dict[str, int], int]:
    """Rows per table, duplicated keys per table, syndicated copies."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:

        def one(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        tables = {t.split(" ")[0] for t in KEYS} | {"fetch_errors", "ingest_runs"}
        rows = {t: one(f"select count(*) from {t}") for t in sorted(tables)}
        duplicated = {
            label: one(f"select count(*) - count(distinct ({key})) from {label.split(' ')[0]}")
            for label, key in KEYS.items()
        }
        copies = one("select count(*) from articles where duplicate_of is not null")
    return rows, duplicated, copies


def _report(figures: Figures, database: Path) -> dict:
    rows, duplicated, copies = _tables(database)
    return {
        "runs": figures.runs,
        "minutes": round(figures.seconds / 60, 1),
        "errors_by_kind": dict(sorted(figures.errors.items())),
        "peak_rss_mib": round(_proc_status("VmHWM") / 1024),
        "workers_peak_rss_mib": round(figures.workers_mib),
        "rss_mib_first_last": [round(figures.rss_mib[0]), round(figures.rss_mib[-1])],
        "fds_first_last_max": [figures.fds[0], figures.fds[-1], max(figures.fds)],
        "threads_first_last_max": [figures.threads[0], figures.threads[-1], max(figures.threads)],
        "rows": rows,
        "duplicated_rows": duplicated,
        "syndicated_copies": copies,
    }


def _print(report: dict) -> None:
    print(f"\nsoak: {report['runs']} runs in {report['minutes']} min")
    print("errors by stage:kind (all runs):")
    for kind, n in report["errors_by_kind"].items():
        print(f"  {kind:32} {n}")
    for key in ("peak_rss_mib", "workers_peak_rss_mib", "rss_mib_first_last"):
        print(f"{key}: {report[key]}")
    for key in ("fds_first_last_max", "threads_first_last_max", "syndicated_copies"):
        print(f"{key}: {report[key]}")
    print("rows:", ", ".join(f"{t} {n}" for t, n in report["rows"].items()))
    print("duplicated rows (must all be 0):", report["duplicated_rows"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="about 20 seconds")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    seconds = 20.0 if args.quick else args.minutes * 60
    logging.basicConfig(level=logging.ERROR)  # the faults log a warning each, by design
    # Before Prefect is imported: its home in the project, no telemetry (loopback only).
    os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    from prefect.testing.utilities import prefect_test_harness

    from flows.seedserver import serve_site
    from tests.hostile.server import spawn_hostile

    figures = Figures()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsmon-soak-")))
        stack.enter_context(prefect_test_harness(server_startup_timeout=120))
        seed_site = stack.enter_context(serve_site())
        hostile = stack.enter_context(spawn_hostile())
        config = _config(folder, seed_site, hostile.base)
        _loop(config, time.monotonic() + seconds, figures)
        report = _report(figures, folder / "newsmon.duckdb")
    _print(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if any(report["duplicated_rows"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
