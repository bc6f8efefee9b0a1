"""End-to-end ingest throughput: newsmon against this machine's limit and against a peer.

    python -m bench.ingest [--n N] [--repeats R] [--quick] [--json FILE] [--no-peer]

A local web (bench/server.py) serves N article pages made from the 181 real pages of the
extraction corpus, and RSS feeds of 50 items listing them, over 20 loopback hosts. Then,
in one run, on the same pages, each repetition measures in turn:

- limit: raw `trafilatura.extract()` with its default options over the same HTML bytes,
  built in memory, in a warm process pool over all cores: the CPU ceiling. Beside it, the
  same pool running newsmon's own `extract()` (trafilatura with newsmon's options and its
  metadata): the ceiling for the extraction newsmon does; and the same pool running a
  newsmon worker's whole job (`process_page`: that extraction, tagging, gzip of the raw
  page): the work limit, the ceiling for everything newsmon's workers do (no fetch, no
  Prefect, no store);
- newsmon: `newsmon ingest --config <generated>` as a subprocess, from an empty database
  (poll, fetch, extract, tag, store; Prefect on, its ephemeral server and imports
  included): "process wall"; and the flow's own span from `ingest_runs`: "flow wall";
- peer: newspaper4k's documented multi-threaded download, `fetch_news(articles,
  threads=...)`, over the same URLs, in a process of its own (skipped when not installed).

Medians of the repetitions are printed, with the ratios newsmon/limit, newsmon/work limit
(`ratio_work`) and newsmon/peer
and the peak memory of the newsmon process tree. Then, once: where the time goes (the
library stages timed in-process, batch by batch as the flow runs them, without
Prefect), a re-poll of 500 unchanged feeds (all 304), `newsmon retag --force` on the
stored corpus, and extraction quality (token F1 against ground-truth.json) of newsmon's
`extract()` next to trafilatura's default and `fast` settings and the peer.

Everything stays on loopback: the server binds 127.0.0.x only and the measuring
processes refuse connections elsewhere (the peer would otherwise fetch the pages' images).
Heavy imports are made inside functions, so the peer's process does not pay for them.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import ipaddress
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import EXTRACTION, ROOT, newsmon_command, newsmon_env
from bench.server import Site, SiteSpec, serve_site

if TYPE_CHECKING:
    from pipeline.records import FetchedPage

MB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    pages: int
    hosts: int
    repeats: int
    repoll_feeds: int
    quality_pages: int | None  # None: all 181
    peer: bool
    peer_threads: int
    dask: bool = False  # also newsmon with `[compute] runner = "dask"`, each repetition
    server: bool = True  # newsmon reports to a running Prefect server (else: ephemeral)
    ephemeral_once: bool = True  # also one run on Prefect's temporary server, for reference
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def timeout_s(self) -> float:
        """Upper bound of any one measured step (a run that hangs must not hang the bench)."""
        return 600 + self.pages * 1.0


def plan_from(args: argparse.Namespace) -> Plan:
    quick = args.quick
    hosts = args.hosts or (2 if quick else 20)
    return Plan(
        pages=args.n or (8 if quick else 1000),
        hosts=hosts,
        repeats=args.repeats or (1 if quick else 3),
        repoll_feeds=args.repoll_feeds or (4 if quick else 500),
        quality_pages=3 if quick else None,
        peer=not args.no_peer and _peer_installed(),
        peer_threads=args.peer_threads or min(40, 2 * hosts),
        dask=args.dask,
        server=not args.ephemeral,
        # --quick checks the wiring: the reference run would start a second Prefect server
        ephemeral_once=not quick,
    )


def _peer_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("newspaper") is not None


# ---- loopback only -------------------------------------------------------------------------


def loopback_only() -> None:
    """Refuse name lookups and connections off this machine, in this process and its forks.

    The corpus pages link images and scripts on the live web; the peer fetches images by
    default, and tldextract (under it) its suffix list. Nothing here may leave loopback.
    """
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_loopback(host):
            raise socket.gaierror(f"bench: {host!r} is not on loopback")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise ConnectionRefusedError(f"bench: {address[0]} is not on loopback")
        return real_connect(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


# ---- the generated config ------------------------------------------------------------------


def write_config(folder: Path, feeds: Sequence[str], pages: int, extra: Sequence[str] = ()) -> Path:
    """A newsmon.toml for the bench web: loopback allowed, no politeness delay."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "[storage]",
        f"database = {json.dumps(str(folder / 'newsmon.duckdb'))}",
        "",
        "[http]",
        "per_host_delay_s = 0.0",
        'allow_private_networks = ["127.0.0.0/8"]',
        "",
        "[ingest]",
        f"max_entries_per_run = {max(20_000, pages)}",
        *extra,
    ]
    for k, url in enumerate(feeds):
        lines += ["", "[[feeds]]", f'name = "bench-{k:04d}"', f"url = {json.dumps(url)}"]
    path = folder / "newsmon.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- limit: trafilatura in a warm process pool, from memory -------------------------------

_site: Site | None = None  # a limit worker's site, handed over at fork


def _limit_init(site: Site, tagging=None) -> None:  # tagging: pipeline.extract.WorkerTagging
    global _site
    _site = site
    if tagging is not None:  # as an extraction worker's initializer sets it
        import pipeline.extract

        pipeline.extract._worker_tagging = tagging


def _warm(_: int) -> None:
    import pipeline.extract  # noqa: F401  (imports are not part of the ceiling)

    time.sleep(0.1)


def _raw_one(i: int) -> bool:
    """Raw trafilatura, its defaults: the issue's limit."""
    assert _site is not None
    return _trafilatura_default(_site.page(i), _site.page_url(i)) is not None


def _options_one(i: int) -> bool:
    """newsmon's `extract()`: trafilatura with newsmon's options and metadata."""
    assert _site is not None
    return _newsmon_text(_site.page(i), _site.page_url(i)) is not None


def _work_one(i: int) -> bool:
    """A newsmon worker's whole job for one page (`process_page`): newsmon's `extract()`
    with metadata, tagging of the article, gzip of the raw page."""
    from pipeline.extract import process_page

    assert _site is not None
    return process_page(_fetched(_site.page(i), _site.page_url(i)), 200).article is not None


def worker_tagging():  # -> pipeline.extract.WorkerTagging, imported late
    """What newsmon's extraction workers tag with under the bench's config (the default
    watchlist)."""
    from pipeline.extract import WorkerTagging
    from pipeline.settings import Settings
    from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tagger_version

    watchlist = load_tagging_watchlist(Settings().tagging)
    return WorkerTagging(watchlist, tagger_version(watchlist), parents_of(watchlist))


def measure_limit(
    site: Site, plan: Plan, one: Callable[[int], bool] = _raw_one, tagging=None
) -> tuple[float, int, float]:
    """Seconds to run `one` on every page over all cores, how many gave an article, and the
    CPU seconds the pool's processes spent on it."""
    fork = multiprocessing.get_context("fork")
    chunksize = max(1, min(4, plan.pages // (plan.cores * 16)))
    with ProcessPoolExecutor(
        plan.cores, mp_context=fork, initializer=_limit_init, initargs=(site, tagging)
    ) as pool:
        list(pool.map(_warm, range(plan.cores * 2)))
        workers = list(pool._processes)  # started by the warm-up; none is replaced
        cpu = sum(_cpu_seconds(pid) for pid in workers)
        start = time.perf_counter()
        found = sum(pool.map(one, range(plan.pages), chunksize=chunksize, timeout=plan.timeout_s))
        seconds = time.perf_counter() - start
        return seconds, found, sum(_cpu_seconds(pid) for pid in workers) - cpu


# ---- newsmon, as a subprocess --------------------------------------------------------------


class TreeMemory:
    """Peak memory of a process and all its descendants, sampled from /proc: the sum of
    RSS (shared pages counted in every process), the sum of PSS (shared pages split), and
    the largest single RSS. Also the CPU seconds of each process of the tree, by role (the
    last sample of each: a process's last 0.2 s may be missed), and of `others` (processes
    outside the tree that the run keeps busy: the Prefect server, the bench's web)."""

    def __init__(
        self, pid: int, interval_s: float = 0.2, others: dict[str, int] | None = None
    ) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.rss = self.pss = self.largest = 0
        self._cpu: dict[int, tuple[str, float]] = {}
        self._others = {name: (pid, _cpu_seconds(pid)) for name, pid in (others or {}).items()}
        self.others_cpu: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.others_cpu = {
            name: _cpu_seconds(pid) - start for name, (pid, start) in self._others.items()
        }

    @property
    def cpu(self) -> dict[str, float]:
        """CPU seconds by role: the ingest process, its extraction workers, the rest."""
        by_role: dict[str, float] = defaultdict(float)
        for role, seconds in self._cpu.values():
            by_role[role] += seconds
        return dict(by_role) | self.others_cpu

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            tree = _tree(self.pid)
            sizes = [_memory(pid) for pid in tree]
            self.rss = max(self.rss, sum(rss for rss, _ in sizes))
            self.pss = max(self.pss, sum(pss for _, pss in sizes))
            self.largest = max([self.largest, *(rss for rss, _ in sizes)])
            for pid in tree:
                seconds = _cpu_seconds(pid)
                if seconds:
                    role = self._cpu[pid][0] if pid in self._cpu else self._role(pid)
                    self._cpu[pid] = (role, seconds)

    def _role(self, pid: int) -> str:
        if pid == self.pid:
            return "ingest process"
        parent = _parent(pid)
        if parent in self._cpu and self._cpu[parent][0] == "fork server":
            return "extraction workers"  # (forked: their command line is the server's)
        command = b""
        with suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read()
        if b"forkserver" in command and parent == self.pid:
            return "fork server"
        return "other processes of the run"


def _tree(root: int) -> list[int]:
    found, todo = [], [root]
    while todo and len(found) < 10_000:
        pid = todo.pop()
        found.append(pid)
        with suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
    return found


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name; empty when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (its own, not its children's)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK if len(fields) > 12 else 0.0


def _parent(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if len(fields) > 1 else 0


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; zeros when it is gone."""
    rss = pss = 0
    with suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    return rss, pss


SHARED_SERVER_ENV = "NEWSMON_BENCH_PREFECT_API"


@contextmanager
def prefect_server(
    folder: Path, timeout_s: float = 180, watch: dict[str, int] | None = None
) -> Iterator[str]:
    """A Prefect API server on 127.0.0.1, as `make server` runs one for scheduled ingests:
    newsmon's runs report to it instead of each starting a temporary server of its own.

    With `NEWSMON_BENCH_PREFECT_API` set (the test session's `--quick` checks share one
    server that way), that server is used and none is started: a server takes 20 to 30 s
    to come up on a loaded machine, more than a quick check's own work."""
    shared = os.environ.get(SHARED_SERVER_ENV)
    if shared:
        yield shared
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = newsmon_env() | {"PREFECT_HOME": str(folder)}
    folder.mkdir(parents=True, exist_ok=True)
    prefect = Path(sys.executable).with_name("prefect")
    with open(folder / "server.log", "wb") as log:
        server = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/api"
    if watch is not None:  # its CPU is counted beside the runs that report to it
        watch["Prefect server"] = server.pid
    try:
        _wait_healthy(url, server, timeout_s)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _wait_healthy(url: str, server: subprocess.Popen, timeout_s: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with {server.returncode}")
        with suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server did not answer within {timeout_s:.0f} s")


def run_newsmon(
    args: Sequence[str],
    log: Path,
    timeout_s: float,
    api_url: str | None = None,
    watch: dict[str, int] | None = None,
) -> tuple[float, TreeMemory]:
    """Wall seconds of one `newsmon ...` run, and its process tree's peak memory and CPU
    (and the CPU the run costs the processes in `watch`)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*newsmon_command(), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=newsmon_env(api_url),
            cwd=ROOT,
        )
        with TreeMemory(process.pid, others=watch) as memory:
            try:
                code = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
                raise RuntimeError(
                    f"newsmon {args[0]} took over {timeout_s:.0f} s; log: {log}"
                ) from None
        seconds = time.perf_counter() - start
    if code != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"newsmon {' '.join(args)} exited {code}:\n{tail}")
    return seconds, memory


def last_run(database: Path) -> dict[str, Any]:
    """The newest row of `ingest_runs`, with its span in seconds."""
    from warehouse import store
    from warehouse.db import Database

    row = store.read(Database(database), "recent_runs", [1])[0]
    row["flow_s"] = (row["finished_at"] - row["started_at"]).total_seconds()
    return row


def _ingest_once(
    config: Path, plan: Plan, api_url: str | None, watch: dict[str, int] | None = None
) -> tuple[float, TreeMemory, dict[str, Any]]:
    """`newsmon ingest` with this config: wall seconds, peak memory, its `ingest_runs` row."""
    args = ["ingest", "--config", str(config)]
    log = config.with_name("ingest.log")
    seconds, memory = run_newsmon(args, log, plan.timeout_s, api_url, watch)
    return seconds, memory, last_run(config.with_name("newsmon.duckdb"))


def measure_newsmon(
    site: Site,
    plan: Plan,
    folder: Path,
    api_url: str | None,
    extra: Sequence[str] = (),
    watch: dict[str, int] | None = None,
) -> dict[str, Any]:
    config = write_config(folder, site.feed_urls(), plan.pages, extra)
    seconds, memory, run = _ingest_once(config, plan, api_url, watch)
    return {
        "process_s": seconds,
        "flow_s": run["flow_s"],
        "stored": run["articles_stored"],
        "duplicates": run["duplicates"],
        "errors": run["errors"],
        "rss": memory.rss,
        "pss": memory.pss,
        "largest": memory.largest,
        "cpu": memory.cpu,
        "config": config,
    }


# ---- peer: newspaper4k, in a process of its own --------------------------------------------


def _peer_main(urls: list[str], threads: int, conn: Connection) -> None:
    """The peer's process: download and parse every URL with `fetch_news`."""
    try:
        loopback_only()
        warnings.simplefilter("ignore")  # "nltk is not installed", dateutil's time zones
        start = time.perf_counter()
        from newspaper.mthreading import fetch_news

        config = _peer_config()
        article = _tolerant_article()
        articles = [article(url, config=config) for url in urls]
        ready = time.perf_counter()
        fetch_news(articles, threads=threads)
        done = time.perf_counter()
        parsed = sum(1 for a in articles if len(a.text or "") >= 200)
        failed = Counter(a.failure for a in articles if a.failure)
        conn.send(
            {"call_s": done - ready, "import_s": ready - start, "parsed": parsed, "failed": failed}
        )
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})


def _peer_config():  # -> newspaper.Config, imported late
    """newspaper4k's defaults, but offline beyond loopback: no image downloads (the pages'
    images are on the live web) and tldextract's bundled suffix list, not a download."""
    import newspaper
    import tldextract

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    config = newspaper.Config()
    config.fetch_images = False
    return config


def _tolerant_article() -> type:
    """newspaper's Article, but a page it cannot parse does not end the whole run (its
    Korean and Japanese tokenizers want NLTK data or extra packages): newsmon, too, goes
    on past a bad page. The failure is counted."""
    import newspaper

    class Tolerant(newspaper.Article):
        failure: str | None = None

        def parse(self) -> Tolerant:
            try:
                return super().parse()
            except Exception as exc:
                self.failure = type(exc).__name__
                return self

    return Tolerant


def measure_peer(site: Site, plan: Plan) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    parent, child = spawn.Pipe()
    start = time.perf_counter()
    process = spawn.Process(
        target=_peer_main, args=(site.page_urls(), plan.peer_threads, child), daemon=True
    )
    process.start()
    try:
        if not parent.poll(plan.timeout_s):
            raise RuntimeError(f"the peer took over {plan.timeout_s:.0f} s")
        result = parent.recv()
        result["process_s"] = time.perf_counter() - start
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
    if "error" in result:
        raise RuntimeError(f"the peer failed: {result['error']}")
    return result


# ---- where the time goes: the library stages, in-process ----------------------------------


class Stopwatch:
    """Wall seconds of each stage, and the CPU seconds this process (all its threads:
    DuckDB's, pebble's) spent meanwhile: the workers' CPU is theirs, not counted here."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu


def run_stages(config: Path, clock: Stopwatch) -> int:
    """poll -> fetch -> extract -> tag -> store as the ingest flow runs them, batch by
    batch, without Prefect, each stage timed. Returns the articles stored."""
    from pipeline.settings import load_settings

    settings = load_settings(config, env={})
    return asyncio.run(_stages(settings, clock))


async def _stages(settings, clock: Stopwatch) -> int:
    from pipeline.extract import Extractor, WorkerTagging
    from pipeline.fetch import Politeness, open_client
    from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tagger_version
    from warehouse import store, tags
    from warehouse.db import Database
    from warehouse.store import RunCounts

    db = Database(settings.storage.database, settings.storage.lock_timeout_s)
    run_id = uuid.uuid4().hex
    with clock("setup (migrate, feeds, watchlist)"):
        watchlist = load_tagging_watchlist(settings.tagging)
        db.migrate()
        store.sync_feeds(db, settings.feeds)
        tags.sync_entities(db, watchlist.entities)
        store.start_run(db, run_id, None, datetime.now(UTC))
        feeds = store.due_feeds(db, datetime.now(UTC))
    limits = settings.ingest
    extractor = Extractor(
        limits.extract_workers,
        limits.extract_timeout_s,
        limits.min_text_chars,
        limits.extract_memory_mb,
        WorkerTagging(watchlist, tagger_version(watchlist), parents_of(watchlist)),
    )
    async with open_client(settings.http) as client:
        politeness = Politeness(settings.http)
        entries = await _poll_and_queue(db, settings, run_id, feeds, client, politeness, clock)
        with extractor:
            stored = 0
            for start in range(0, len(entries), limits.batch_size):
                chunk = entries[start : start + limits.batch_size]
                stored += await _batch(
                    db,
                    settings,
                    run_id,
                    feeds,
                    chunk,
                    client,
                    politeness,
                    extractor,
                    clock,
                )
    with clock("setup (migrate, feeds, watchlist)"):
        store.finish_run(db, run_id, RunCounts(articles_stored=stored), "completed")
    return stored


async def _poll_and_queue(db, settings, run_id, feeds, client, politeness, clock):
    from pipeline.feeds import poll_feed
    from warehouse import store

    with clock("poll"):
        results = await asyncio.gather(
            *(
                poll_feed(client, state, politeness, settings.ingest.max_items_per_feed)
                for _, state in feeds
            )
        )
    polls = [(name, result) for (name, _), result in zip(feeds, results, strict=True)]
    with clock("queue (record polls, pending entries)"):
        store.record_polls(db, run_id, polls, datetime.now(UTC), settings.health)
        limits = settings.ingest
        return store.pending_entries(db, limits.max_entries_per_run, limits.max_attempts)


async def _batch(db, settings, run_id, feeds, chunk, client, politeness, extractor, clock) -> int:
    from pipeline.dedup import find_duplicates
    from pipeline.fetch import fetch_pages
    from pipeline.records import Crawl
    from warehouse import store
    from warehouse.store import Batch

    with clock("fetch"):
        pages, failures = await fetch_pages(client, chunk, politeness)
    with clock("extract + tag + gzip (workers)"):
        found = Crawl(len(pages), tuple(extractor.process_many(pages)), tuple(failures))
    with clock("store (dedup, write, raw html)"):
        articles = found.articles

        def batch_of(known):  # in the store's transaction, as the flow's `save` does
            duplicates = find_duplicates(articles, {h: ids[0] for h, ids in known.items()})
            return Batch(chunk, articles, duplicates, found.failures, found.raw, found.tagged)

        feed_names = {state.url: name for name, state in feeds}
        raw = found.raw if settings.storage.keep_raw_html else None
        hashes = (a.content_hash for a in articles)
        batch = store.dedup_and_store(db, run_id, hashes, batch_of, feed_names, raw)
    return len(articles) - len(batch.duplicates)


# ---- re-poll and retag ---------------------------------------------------------------------


def measure_repoll(site: Site, plan: Plan, folder: Path, api_url: str | None) -> dict[str, Any]:
    """A first ingest of the small feeds (in-process, untimed), then `newsmon ingest` again:
    every feed answers 304."""
    config = write_config(folder, site.small_feed_urls(), plan.pages)
    run_stages(config, Stopwatch())
    seconds, _, run = _ingest_once(config, plan, api_url)
    return {
        "process_s": seconds,
        "flow_s": run["flow_s"],
        "polled": run["feeds_polled"],
        "not_modified": run["feeds_not_modified"],
        "entries_new": run["entries_new"],
    }


def measure_retag(config: Path, articles: int, plan: Plan, api_url: str | None) -> dict[str, Any]:
    """`newsmon retag --force` on a stored corpus, then the same work in-process."""
    seconds, _ = run_newsmon(
        ["retag", "--force", "--config", str(config)],
        config.with_name("retag.log"),
        plan.timeout_s,
        api_url,
    )
    return {"process_s": seconds, "library_s": _retag_in_process(config), "articles": articles}


def _retag_in_process(config: Path) -> float:
    from pipeline.settings import load_settings
    from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tag, tagger_version
    from warehouse import tags
    from warehouse.db import Database

    settings = load_settings(config, env={})
    db = Database(settings.storage.database)
    start = time.perf_counter()
    watchlist = load_tagging_watchlist(settings.tagging)
    version, parents = tagger_version(watchlist), parents_of(watchlist)
    ids = tags.stale_articles(db, version, True)
    for first in range(0, len(ids), 1000):
        rows = tags.article_texts(db, ids[first : first + 1000])
        tags.save_tags(
            db,
            [tag(i, text, watchlist, published, version, parents) for i, text, published in rows],
        )
    return time.perf_counter() - start


# ---- extraction quality --------------------------------------------------------------------


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def token_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Multiset token precision, recall and F1."""
    got, want = tokens(predicted), tokens(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _quality_one(task: tuple[str, str, str]) -> str:
    setting, page_id, url = task
    html = gzip.decompress((EXTRACTION / "html" / f"{page_id}.html.gz").read_bytes())
    return EXTRACTORS[setting](html, url) or ""


def _fetched(html: bytes, url: str) -> FetchedPage:
    """The page as newsmon's fetcher hands it on: 200, text/html, no redirect."""
    from pipeline.records import FetchedPage

    return FetchedPage(url, url, 200, "text/html", html, datetime.now(UTC))


def _newsmon_text(html: bytes, url: str) -> str | None:
    from pipeline.extract import extract

    article = extract(_fetched(html, url))
    return article.text if article else None


def _trafilatura_default(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html)


def _trafilatura_fast(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, fast=True)


def _peer_text(html: bytes, url: str) -> str | None:
    from w3lib.encoding import html_to_unicode

    warnings.simplefilter("ignore")
    article = _tolerant_article()(url, config=_peer_config())
    article.download(input_html=html_to_unicode(None, html)[1])
    article.parse()
    return article.text


EXTRACTORS: dict[str, Callable[[bytes, str], str | None]] = {
    "newsmon extract()": _newsmon_text,
    "trafilatura default": _trafilatura_default,
    "trafilatura fast=True": _trafilatura_fast,
    "newspaper4k (peer)": _peer_text,
}


def measure_quality(plan: Plan) -> dict[str, dict[str, float]]:
    """Token P/R/F1 of each extractor over the corpus pages, and its pages/s over all cores."""
    truth = json.loads((EXTRACTION / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: plan.quality_pages]
    settings = [s for s in EXTRACTORS if plan.peer or "peer" not in s]
    results = {}
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(plan.cores, mp_context=fork) as pool:
        list(pool.map(_warm, range(plan.cores * 2)))
        for setting in settings:
            start = time.perf_counter()
            tasks = [(setting, i, truth[i]["url"]) for i in ids]
            texts = list(pool.map(_quality_one, tasks, timeout=plan.timeout_s))
            seconds = time.perf_counter() - start
            scores = [
                token_prf(text, truth[i]["articleBody"]) for text, i in zip(texts, ids, strict=True)
            ]
            results[setting] = {
                "precision": statistics.fmean(s[0] for s in scores),
                "recall": statistics.fmean(s[1] for s in scores),
                "f1": statistics.fmean(s[2] for s in scores),
                "pages_per_s": len(ids) / seconds,
                "pages": len(ids),
            }
    return results


# ---- per-page CPU of each part of a worker's job --------------------------------------------


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, 1, mtime=0)  # as a worker keeps the raw page


def _round_trip(value: object) -> object:
    import pickle

    return pickle.loads(pickle.dumps(value))


LIMIT_PART = "raw trafilatura.extract() (the limit)"
WORKER_PART = "worker's whole job (process_page)"


def measure_page_costs(site: Site, plan: Plan) -> dict[str, float]:
    """CPU ms per page (`time.process_time()`, one process, serially) of the limit's call and
    of each part of what a newsmon worker does with a page, over the first copy of each
    corpus page: the account of how close the whole ingest can get to the limit."""
    import pipeline.extract as px
    from pipeline.tagging.tagger import tag

    job = worker_tagging()
    watchlist = job.watchlist
    count = min(plan.pages, len(site.templates), plan.quality_pages or len(site.templates))
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, call, *args):
        start = time.process_time()
        result = call(*args)
        spent[name] += time.process_time() - start
        return result

    def one(i: int) -> None:
        url = site.page_url(i)
        page = _fetched(site.page(i), url)
        timed(LIMIT_PART, _trafilatura_default, page.body, url)
        article = timed("newsmon extract()", px.extract, page)
        if article is not None:
            args = (article.article_id, article.text, watchlist, article.published)
            timed("tag", tag, *args, job.version, job.parents)
        timed("gzip raw page", _gzip, page.body)
        done = timed(WORKER_PART, px.process_page, page, 200)
        timed("pickle page in, result out", _round_trip, (page, done))

    previous, px._worker_tagging = px._worker_tagging, job
    try:
        one(0)  # warms caches and lazy set-up; not counted
        spent.clear()
        for i in range(count):
            one(i)
    finally:
        px._worker_tagging = previous
    return {name: 1000 * seconds / count for name, seconds in spent.items()}


# ---- the run ------------------------------------------------------------------------------


def measure(plan: Plan) -> dict[str, Any]:
    spec = SiteSpec(pages=plan.pages, hosts=plan.hosts, small_feeds=plan.repoll_feeds)
    figures: dict[str, Any] = {
        "limit": [],
        "limit_options": [],
        "work_limit": [],
        "newsmon": [],
        "peer": [],
        "dask": [],
    }
    work = Path(tempfile.mkdtemp(prefix="newsmon-bench-"))
    try:
        with serve_site(spec) as site, _api(plan, work, watch := {}) as api:
            watch["bench web server"] = site.server_pid
            _header(site, plan)
            for rep in range(plan.repeats):
                _repetition(site, plan, work, rep, figures, api, watch)
            figures["stages"], figures["stages_cpu"], figures["stages_stored"] = _breakdown(
                site, plan, work
            )
            last = figures["newsmon"][-1]
            figures["retag"] = measure_retag(last["config"], last["stored"], plan, api)
            figures["repoll"] = measure_repoll(site, plan, work / "repoll", api)
            figures["page_costs"] = measure_page_costs(site, plan)
            if api and plan.ephemeral_once:  # once, for reference: a one-off run without a server
                figures["ephemeral"] = _reference_run(site, plan, work / "ephemeral")
        figures["quality"] = measure_quality(plan)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _reference_run(site: Site, plan: Plan, folder: Path) -> dict[str, Any]:
    """newsmon on Prefect's temporary server. On a loaded machine that server may not start
    within Prefect's own time limit: the failure is reported, and the figures measured
    before it are kept."""
    try:
        return measure_newsmon(site, plan, folder, None)
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1][:300]
        print(f"  reference run on Prefect's temporary server failed: {reason}", flush=True)
        return {"error": reason}


@contextmanager
def _api(plan: Plan, work: Path, watch: dict[str, int]) -> Iterator[str | None]:
    if not plan.server:
        yield None
        return
    with prefect_server(work / "prefect", watch=watch) as url:
        yield url


def _header(site: Site, plan: Plan) -> None:
    sizes = [len(site.page(i)) for i in range(min(plan.pages, 181))]
    print(
        f"ingest bench: {plan.pages} pages made from the 181 corpus pages "
        f"({statistics.fmean(sizes) / 1024:,.0f} KiB avg), {plan.hosts} hosts, "
        f"{len(site.feed_urls())} feeds; {plan.cores} cores; median of {plan.repeats}; "
        f"load average {os.getloadavg()[0]:.1f} at start",
        flush=True,
    )


def _repetition(
    site: Site,
    plan: Plan,
    work: Path,
    rep: int,
    figures: dict[str, Any],
    api: str | None,
    watch: dict[str, int],
) -> None:
    n = plan.pages
    seconds, found, _ = measure_limit(site, plan, _raw_one)
    figures["limit"].append({"s": seconds, "articles": found})
    options_s, options_found, _ = measure_limit(site, plan, _options_one)
    figures["limit_options"].append({"s": options_s, "articles": options_found})
    work_s, work_found, work_cpu = measure_limit(site, plan, _work_one, worker_tagging())
    figures["work_limit"].append({"s": work_s, "articles": work_found, "cpu_s": work_cpu})
    run = measure_newsmon(site, plan, work / f"newsmon-{rep}", api, watch=watch)
    figures["newsmon"].append(run)
    if rep > 0:  # the last run's database is kept for retag; the others only cost disk
        shutil.rmtree(work / f"newsmon-{rep - 1}", ignore_errors=True)
    line = (
        f"  rep {rep + 1}: limit {n / seconds:.1f}/s ({found} articles), with newsmon's "
        f"options {n / options_s:.1f}/s ({options_found}), a worker's whole job "
        f"{n / work_s:.1f}/s ({work_found}); newsmon "
        f"{n / run['process_s']:.1f}/s process, {n / run['flow_s']:.1f}/s flow ({run['stored']} "
        f"stored, {run['duplicates']} duplicates, {run['errors']} errors)"
    )
    if plan.dask:
        extra = ["", "[compute]", 'runner = "dask"', f"dask_workers = {plan.cores}"]
        dask_run = measure_newsmon(site, plan, work / f"dask-{rep}", api, extra)
        shutil.rmtree(work / f"dask-{rep}", ignore_errors=True)
        figures["dask"].append(dask_run)
        line += f"; dask {n / dask_run['process_s']:.1f}/s process ({dask_run['stored']} stored)"
    if plan.peer:
        peer = measure_peer(site, plan)
        figures["peer"].append(peer)
        failed = ", ".join(f"{count} {kind}" for kind, count in peer["failed"].items())
        line += f"; peer {n / peer['process_s']:.1f}/s ({peer['parsed']} parsed"
        line += f", failed: {failed})" if failed else ")"
    print(line, flush=True)


def _breakdown(
    site: Site, plan: Plan, work: Path
) -> tuple[dict[str, float], dict[str, float], int]:
    clock = Stopwatch()
    stored = run_stages(write_config(work / "stages", site.feed_urls(), plan.pages), clock)
    shutil.rmtree(work / "stages", ignore_errors=True)
    return clock.seconds, clock.cpu, stored


def summarize(plan: Plan, figures: dict[str, Any]) -> dict[str, Any]:
    """The JSON figures: medians, ratios, and the raw samples."""
    n = plan.pages

    def med(rows: list[dict], key: str) -> float | None:
        return statistics.median(r[key] for r in rows) if rows else None

    limit_s, process_s, flow_s = (
        med(figures["limit"], "s"),
        med(figures["newsmon"], "process_s"),
        med(figures["newsmon"], "flow_s"),
    )
    peer_s, peer_call_s = med(figures["peer"], "process_s"), med(figures["peer"], "call_s")
    quality, repoll, retag = figures["quality"], figures["repoll"], figures["retag"]
    out = {
        "pages": n,
        "hosts": plan.hosts,
        "cores": plan.cores,
        "repeats": plan.repeats,
        "limit_aps": n / limit_s,
        "limit_options_aps": n / med(figures["limit_options"], "s"),
        "work_limit_aps": n / med(figures["work_limit"], "s"),
        "newsmon_aps": n / process_s,
        "newsmon_flow_aps": n / flow_s,
        "peer_aps": n / peer_s if peer_s else None,
        "peer_call_aps": n / peer_call_s if peer_call_s else None,
        "peer_threads": plan.peer_threads if plan.peer else None,
        "newsmon_stored": figures["newsmon"][-1]["stored"],
        "newsmon_duplicates": figures["newsmon"][-1]["duplicates"],
        "newsmon_errors": figures["newsmon"][-1]["errors"],
        "peak_rss_mb": max(r["rss"] for r in figures["newsmon"]) / MB,
        "peak_pss_mb": max(r["pss"] for r in figures["newsmon"]) / MB,
        "largest_process_mb": max(r["largest"] for r in figures["newsmon"]) / MB,
        "stages_s": figures["stages"],
        "stages_cpu_s": figures["stages_cpu"],
        "stages_articles": figures["stages_stored"],
        "repoll_feeds": plan.repoll_feeds,
        "repoll_500_s": repoll["flow_s"],
        "repoll_500_process_s": repoll["process_s"],
        "repoll_not_modified": repoll["not_modified"],
        "retag_articles": retag["articles"],
        "retag_aps": retag["articles"] / retag["process_s"],
        "retag_library_aps": retag["articles"] / retag["library_s"],
        "extraction_f1": quality["newsmon extract()"]["f1"],
        "extraction_f1_default": quality["trafilatura default"]["f1"],
        "extraction_f1_fast": quality["trafilatura fast=True"]["f1"],
        "extraction_f1_peer": quality.get("newspaper4k (peer)", {}).get("f1"),
        "quality": quality,
        "cpu_ms_per_page": figures["page_costs"],
        "samples": {
            "limit_s": [r["s"] for r in figures["limit"]],
            "limit_options_s": [r["s"] for r in figures["limit_options"]],
            "work_limit_s": [r["s"] for r in figures["work_limit"]],
            "newsmon_process_s": [r["process_s"] for r in figures["newsmon"]],
            "newsmon_flow_s": [r["flow_s"] for r in figures["newsmon"]],
            "peer_process_s": [r["process_s"] for r in figures["peer"]],
        },
    }
    dask_s = med(figures["dask"], "process_s")
    out["dask_aps"] = n / dask_s if dask_s else None
    out["ratio_dask"] = out["dask_aps"] / out["newsmon_aps"] if dask_s else None
    out["prefect"] = "server" if plan.server else "ephemeral"
    if "process_s" in figures.get("ephemeral", {}):
        out["ephemeral_aps"] = n / figures["ephemeral"]["process_s"]
    out["samples"]["dask_process_s"] = [r["process_s"] for r in figures["dask"]]
    out["ratio_limit"] = out["newsmon_aps"] / out["limit_aps"]
    out["ratio_limit_flow"] = out["newsmon_flow_aps"] / out["limit_aps"]
    out["ratio_limit_options"] = out["newsmon_aps"] / out["limit_options_aps"]
    out["ratio_work"] = out["newsmon_aps"] / out["work_limit_aps"]
    # CPU seconds of the last repetition: the work limit's pool, and newsmon's run by process
    out["cpu_s"] = {"work limit pool": figures["work_limit"][-1]["cpu_s"]} | {
        f"newsmon run: {role}": seconds for role, seconds in figures["newsmon"][-1]["cpu"].items()
    }
    out["ratio_work_flow"] = out["newsmon_flow_aps"] / out["work_limit_aps"]
    out["ratio_peer"] = out["newsmon_aps"] / out["peer_aps"] if out["peer_aps"] else None
    out["ratio_peer_flow"] = (
        out["newsmon_flow_aps"] / out["peer_call_aps"] if out["peer_call_aps"] else None
    )
    return out


def _row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<62} {value:>9}  {note}".rstrip())


def report(plan: Plan, out: dict[str, Any], peer_note: str) -> None:
    print(f"\nthroughput, articles/s (median of {plan.repeats}; {plan.pages} pages):")
    limit = f"limit: raw trafilatura.extract(), warm pool of {plan.cores}, HTML from memory"
    _row(limit, f"{out['limit_aps']:.1f}")
    _row(
        "  the same pool running newsmon's extract() (its options, metadata)",
        f"{out['limit_options_aps']:.1f}",
        f"{out['limit_options_aps'] / out['limit_aps']:.2f} x limit",
    )
    _row(
        "work limit: the same pool running a worker's whole job (process_page)",
        f"{out['work_limit_aps']:.1f}",
        f"{out['work_limit_aps'] / out['limit_aps']:.2f} x limit",
    )
    prefect = "a running Prefect server" if plan.server else "Prefect's temporary server"
    _row(
        f"newsmon ingest, process wall (Prefect on: {prefect})",
        f"{out['newsmon_aps']:.1f}",
        f"{out['ratio_limit']:.2f} x limit, {out['ratio_work']:.2f} x work limit",
    )
    _row(
        "newsmon ingest, flow wall (ingest_runs)",
        f"{out['newsmon_flow_aps']:.1f}",
        f"{out['ratio_limit_flow']:.2f} x limit, {out['ratio_work_flow']:.2f} x work limit",
    )
    if out.get("ephemeral_aps"):
        _row(
            "newsmon ingest, process wall, Prefect's temporary server (once)",
            f"{out['ephemeral_aps']:.1f}",
            f"{out['ephemeral_aps'] / out['limit_aps']:.2f} x limit",
        )
    if out["dask_aps"]:
        _row(
            f"newsmon ingest on a Dask LocalCluster of {plan.cores}, process wall",
            f"{out['dask_aps']:.1f}",
            f"{out['ratio_dask']:.2f} x default runner",
        )
    if out["peer_aps"]:
        peer = f"peer: newspaper4k fetch_news, {plan.peer_threads} threads"
        _row(f"{peer}, process wall", f"{out['peer_aps']:.1f}")
        _row(f"{peer}, in the call", f"{out['peer_call_aps']:.1f}")
        print(
            f"  newsmon / peer: {out['ratio_peer']:.2f} (process walls), "
            f"{out['ratio_peer_flow']:.2f} (flow wall / in the call)"
        )
    else:
        print(f"  peer: skipped ({peer_note})")
    print(
        f"  newsmon peak memory, whole process tree: RSS {out['peak_rss_mb']:,.0f} MB summed, "
        f"PSS {out['peak_pss_mb']:,.0f} MB, largest process {out['largest_process_mb']:,.0f} MB"
    )
    _report_stages(out)
    print(
        f"\nre-poll of {out['repoll_feeds']} unchanged feeds: {out['repoll_500_s']:.2f} s "
        f"flow wall, {out['repoll_500_process_s']:.2f} s process wall "
        f"({out['repoll_not_modified']} answered 304)"
    )
    print(
        f"retag --force of {out['retag_articles']} articles: {out['retag_aps']:.1f} "
        f"articles/s process wall, {out['retag_library_aps']:.1f} articles/s in-process "
        f"(library calls, no Prefect)"
    )
    _report_quality(out["quality"])
    _report_costs(out)
    _report_run_cpu(out)


def _report_costs(out: dict[str, Any]) -> None:
    costs = out["cpu_ms_per_page"]
    limit, worker = costs[LIMIT_PART], costs[WORKER_PART]
    stages = out["stages_s"]
    per_run = ("extract", "setup")  # the workers' stage, and the once-per-run setup
    main_ms = 1000 * sum(v for k, v in stages.items() if not k.startswith(per_run)) / out["pages"]
    print("\nCPU per page, one process, serially (ms; first copy of each corpus page):")
    for name, ms in costs.items():
        print(f"  {name:<40} {ms:7.2f}  {ms / limit:5.2f} x limit")
    print(
        f"  the ingest process's own stages (fetch, store, poll, queue), per page: "
        f"{main_ms:.2f} ms (their wall time in the breakdown, run one after another)\n"
        f"  so newsmon's CPU per page is about {(worker + main_ms) / limit:.2f} x the limit's: "
        f"its best ratio, every core busy and no Prefect, is about "
        f"{limit / (worker + main_ms):.2f} x limit"
    )


def _report_run_cpu(out: dict[str, Any]) -> None:
    cpu, pages = out["cpu_s"], out["pages"]
    work = cpu["work limit pool"]
    print(
        "\nCPU of the last repetition by process (user + system s, ms per page, and against "
        "the work limit pool's):"
    )
    for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        per_page = 1000 * seconds / pages
        print(f"  {name:<48} {seconds:8.2f} s  {per_page:6.2f} ms  {seconds / work:5.2f} x")
    run = sum(v for k, v in cpu.items() if k.startswith("newsmon run"))
    print(
        f"  {'newsmon run, all of it':<48} {run:8.2f} s  {1000 * run / pages:6.2f} ms  "
        f"{run / work:5.2f} x: at best, every core busy, {work / run:.2f} x the work limit"
    )


def _report_stages(out: dict[str, Any]) -> None:
    stages = out["stages_s"]
    total = sum(stages.values())
    cpu, pages = out["stages_cpu_s"], out["pages"]
    print(
        f"\nstage breakdown (in-process: the library calls, batch by batch as the flow "
        f"makes them, no Prefect; {out['stages_articles']} articles stored; wall, and the "
        f"CPU of this process meanwhile, all its threads, per page):"
    )
    for stage, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(
            f"  {stage:<40} {seconds:8.2f} s  {100 * seconds / total:5.1f} %  "
            f"CPU {1000 * cpu[stage] / pages:6.2f} ms a page"
        )
    flow_s, process_s = out["pages"] / out["newsmon_flow_aps"], out["pages"] / out["newsmon_aps"]
    print(
        f"  {'sum':<40} {total:8.2f} s  (newsmon: flow wall {flow_s:.2f} s, "
        f"process wall {process_s:.2f} s)"
    )


def _report_quality(quality: dict[str, dict[str, float]]) -> None:
    pages = next(iter(quality.values()))["pages"]
    print(
        f"\nextraction quality: token F1 against ground-truth.json, mean over {pages} pages "
        f"(speed: pages/s over all cores):"
    )
    for setting, q in quality.items():
        print(
            f"  {setting:<24} F1 {q['f1']:.3f}  (P {q['precision']:.3f}, "
            f"R {q['recall']:.3f})  {q['pages_per_s']:6.1f} pages/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="article pages (default 1000; 8 with --quick)")
    parser.add_argument("--repeats", type=int, help="repetitions, medians quoted (default 3)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 8 pages, 2 hosts, once")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-peer", action="store_true", help="skip newspaper4k")
    parser.add_argument(
        "--dask", action="store_true", help="also ingest on a Dask LocalCluster (prefect-dask)"
    )
    parser.add_argument(
        "--ephemeral",
        action="store_true",
        help="newsmon runs start Prefect's temporary server (default: one running server)",
    )
    parser.add_argument("--hosts", type=int, help="loopback hosts (default 20; 2 with --quick)")
    parser.add_argument("--repoll-feeds", type=int, help="feeds for the re-poll (default 500)")
    parser.add_argument(
        "--peer-threads", type=int, help="fetch_news threads (default 2 per host, <= 40)"
    )
    args = parser.parse_args()
    if not (EXTRACTION / "ground-truth.json").exists():
        sys.exit(f"corpus not found at {EXTRACTION}: the benchmarks need ../shared/corpora")
    plan = plan_from(args)
    peer_note = (
        "--no-peer" if args.no_peer else "newspaper4k not installed (pip install newspaper4k)"
    )
    loopback_only()
    out = summarize(plan, measure(plan))
    report(plan, out, peer_note)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
