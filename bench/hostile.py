"""The hostile-feed run, twice: what an ingest costs when many links are on failing hosts.

    python -m bench.hostile [--quick] [--json FILE] [--breaker N] [--skip CASE ...]

One configuration, ingested twice from an empty database: every fault feed of the hostile
server (tests/hostile/server.py) and its page list, the two seed feeds, and the 79 feeds of
../shared/corpora/real-feeds, which the hostile server serves as their sites served them
(the document untouched, an ETag, 304 when it matches). The real feeds' links point at the
live web. The newsmon processes this bench starts resolve no name and connect to no
address off loopback (`bench.ingest.loopback_only`), so those links fail to resolve on any
machine, as they do offline, and nothing leaves loopback.

Each run is `newsmon ingest` in a process of its own, reporting to one Prefect server the
bench starts. The config is newsmon's defaults except: loopback allowed, and the hostile
suite's short timeouts (connect and read 3 s, deadline 6 s, extraction 5 s), so that the
faults' deadlines do not hide what the failing hosts cost. The per-host delay (0.5 s) and
concurrency (4) stay at newsmon's defaults: they are what makes a dead host's links cost.
`--breaker N` sets `http.host_failures_before_skip` (0: off; default: newsmon's default);
`--skip CASE` leaves a fault feed out (`feed-5000-items`: its 500 links answer 410 from a
live host; before the retry policy, their retries behind the per-host delay dominated both
runs, and now a 410 is failed for good at its first answer).

Printed per run: the process wall and the flow's span, entries by state and attempts,
failed entries by what comes next (permanent, waiting for their back-off, or due),
articles, `fetch_errors` rows by kind, and digests of the rows (each entry's URL, state and
attempts; the articles' URLs; the servers' ports left out), so that runs with and without
the breaker can be compared.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.common import CORPORA, ROOT, newsmon_env

REAL_FEEDS = CORPORA / "real-feeds"
QUICK_REAL_FEEDS = 3  # --quick: the first real feeds of the manifest, 10 items each
QUICK_FAULTS = ("status-404", "slow-drip", "gzip-bomb", "feed-relative-links")
HTTP = """\
allow_private_networks = ["127.0.0.0/8"]
connect_timeout_s = 3
read_timeout_s = 3
deadline_s = 6
"""
INGEST = """\
extract_timeout_s = 5
"""


def real_feeds(limit: int | None = None) -> list[tuple[str, str]]:
    """(file, format) of each feed of the real-feeds corpus, in manifest order."""
    with (REAL_FEEDS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(row["file"], row["format"]) for row in rows][:limit]


def write_config(
    folder: Path,
    seed_site: str,
    hostile_base: str,
    quick: bool,
    breaker: int | None,
    skip: tuple[str, ...] = (),
) -> Path:
    from tests.hostile.conftest import FEED_CASES, seed_feeds
    from tests.hostile.conftest import write_config as write

    faults = [n for n in (QUICK_FAULTS if quick else FEED_CASES) if n not in skip]
    feeds = seed_feeds(seed_site) | {f"hostile-{n}": f"{hostile_base}/f/{n}" for n in faults}
    if not quick:
        feeds["hostile-pages"] = f"{hostile_base}/feeds/pages.xml"
    for k, (file, kind) in enumerate(real_feeds(QUICK_REAL_FEEDS if quick else None)):
        feeds[f"real-{k:02d}"] = f"{hostile_base}/real/{quote(file)}?format={kind}"
    http = HTTP if breaker is None else f"{HTTP}host_failures_before_skip = {breaker}\n"
    database = folder / "newsmon.duckdb"
    ingest = f"{INGEST}max_items_per_feed = 10\n" if quick else INGEST
    return write(folder / "newsmon.toml", database, feeds, http=http, ingest=ingest)


def ingest(config: Path, api_url: str, timeout_s: float) -> float:
    """Wall seconds of one `newsmon ingest`, in a process that stays on loopback."""
    log = config.with_name("ingest.log")
    command = [sys.executable, "-m", "bench.hostile", "--ingest", str(config)]
    with open(log, "ab") as out:
        start = time.perf_counter()
        done = subprocess.run(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=newsmon_env(api_url),
            cwd=ROOT,
            timeout=timeout_s,
            check=False,
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"newsmon ingest exited {done.returncode}:\n{tail}")
    return seconds


def _ingest_on_loopback(config: str) -> None:
    """The child: `newsmon ingest --config CONFIG`, no name resolved and no connection made
    off loopback (the real feeds' links fail as they do offline)."""
    from bench.ingest import loopback_only

    loopback_only()
    from flows.cli import app

    app(["ingest", "--config", config])


def rows(database: Path) -> dict[str, Any]:
    """What the warehouse holds after a run, and digests to compare runs by."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:

        def pairs(sql: str, params: list | None = None) -> dict[str, int]:
            return {str(k): v for k, v in con.execute(sql, params or []).fetchall()}

        run_id, flow_s, polled, not_modified, fetched = con.execute(
            "select run_id, epoch(finished_at - started_at), feeds_polled, feeds_not_modified, "
            "pages_fetched from ingest_runs order by started_at desc limit 1"
        ).fetchone()
        # The servers' ports change from one bench to the next: URLs are compared without.
        here = r"regexp_replace(url, '^http://127\.0\.0\.1:[0-9]+', 'http://loopback')"
        entries = con.execute(
            f"select {here} as u, state, attempts from entries order by u"
        ).fetchall()
        articles = [
            r[0] for r in con.execute(f"select {here} as u from articles order by u").fetchall()
        ]
        offsite = "url not like 'http://127.0.0.1%'"
        return {
            "flow_s": flow_s,
            # feeds due and polled (one host serves them all: each poll takes a turn behind
            # the per-host delay), answered 304, and pages fetched
            "feeds_polled": polled,
            "feeds_not_modified": not_modified,
            "pages_fetched": fetched,
            "entries": len(entries),
            "entries_by_state": pairs("select state, count(*) from entries group by 1 order by 1"),
            "entries_by_attempts": pairs(
                "select attempts, count(*) from entries group by 1 order by 1"
            ),
            # the retry policy (migration 009): permanent failures, and transient ones
            # still due now or waiting for their back-off
            "failed_by_retry": pairs(
                "select case when failure_class = 'permanent' then 'permanent' "
                "when next_attempt > now() then 'waiting' else 'due' end, count(*) "
                "from entries where state = 'failed' group by 1 order by 1"
            ),
            "offsite_entries": pairs(
                f"select state, count(*) from entries where {offsite} group by 1 order by 1"
            ),
            "offsite_hosts": con.execute(
                f"select count(distinct split_part(url, '/', 3)) from entries where {offsite}"
            ).fetchone()[0],
            # an entry neither stored nor retried later must say why (nothing lost silently)
            "failed_without_reason": con.execute(
                "select count(*) from entries where state = 'failed' and last_error is null"
            ).fetchone()[0],
            "articles": len(articles),
            "errors_this_run": con.execute(
                "select count(*) from fetch_errors where run_id = ?", [run_id]
            ).fetchone()[0],
            "errors_by_kind": pairs(
                "select stage || ':' || kind, count(*) from fetch_errors where run_id = ? "
                "group by 1 order by 2 desc, 1",
                [run_id],
            ),
            "entries_digest": _digest(entries),
            "articles_digest": _digest(articles),
        }


def _digest(values: list) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:16]


def measure(quick: bool, breaker: int | None, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    from bench.ingest import prefect_server
    from flows.seedserver import serve_site
    from tests.hostile.server import spawn_hostile

    runs = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsmon-hostile-")))
        api = stack.enter_context(prefect_server(folder / "prefect"))
        seed_site = stack.enter_context(serve_site())
        hostile = stack.enter_context(spawn_hostile())
        config = write_config(folder, seed_site, hostile.base, quick, breaker, skip)
        feeds = config.read_text(encoding="utf-8").count("[[feeds]]")
        print(f"hostile-feed run: {feeds} feeds; breaker {_breaker_label(breaker)}", flush=True)
        for number in (1, 2):
            seconds = ingest(config, api, timeout_s=1800)
            found = rows(config.with_name("newsmon.duckdb")) | {"process_s": seconds}
            runs.append(found)
            _print_run(number, found)
    return {"feeds": feeds, "breaker": breaker, "quick": quick, "skipped": skip, "runs": runs}


def _breaker_label(breaker: int | None) -> str:
    if breaker is None:
        return "newsmon's default"
    return "off" if breaker == 0 else f"after {breaker} failures"


def _print_run(number: int, run: dict[str, Any]) -> None:
    states = ", ".join(f"{n} {state}" for state, n in run["entries_by_state"].items())
    offsite = ", ".join(f"{n} {state}" for state, n in run["offsite_entries"].items())
    kinds = ", ".join(f"{kind} {n}" for kind, n in list(run["errors_by_kind"].items())[:8])
    print(
        f"run {number}: {run['process_s']:.1f} s process wall, {run['flow_s']:.1f} s flow\n"
        f"  feeds polled {run['feeds_polled']} ({run['feeds_not_modified']} not modified); "
        f"pages fetched {run['pages_fetched']}\n"
        f"  entries {run['entries']} ({states}); attempts {run['entries_by_attempts']}\n"
        f"  failed entries by retry: {run['failed_by_retry']}\n"
        f"  off-loopback links: {offsite} on {run['offsite_hosts']} hosts; "
        f"failed without a reason: {run['failed_without_reason']}\n"
        f"  articles {run['articles']}; fetch_errors this run {run['errors_this_run']} "
        f"({kinds}, ...)\n"
        f"  digests: entries {run['entries_digest']}, articles {run['articles_digest']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="4 fault feeds, 3 real feeds of 10 items"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--breaker", type=int, help="http.host_failures_before_skip (0: off)")
    parser.add_argument("--skip", action="append", default=[], help="leave this fault feed out")
    parser.add_argument("--ingest", help=argparse.SUPPRESS)  # the child process's own mode
    args = parser.parse_args()
    if args.ingest:
        _ingest_on_loopback(args.ingest)
        return
    if not (REAL_FEEDS / "MANIFEST.tsv").is_file():
        sys.exit(f"corpus not found at {REAL_FEEDS}: the benchmarks need ../shared/corpora")
    figures = measure(args.quick, args.breaker, tuple(args.skip))
    first, second = (run["process_s"] for run in figures["runs"])
    figures["second_over_first"] = second / first
    print(f"second run / first run: {second / first:.2f} (process walls)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
