"""Crash safety: `newsmon ingest` killed with SIGKILL in a batch write and in extraction.

After each kill the database opens, nothing half-written is visible (every article has its
entry, stored or duplicate; every such entry has its article; no tag or raw page without
its article), nothing is duplicated, no extraction worker outlives the killed process,
and the next run completes the set.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from prefect.settings import get_current_settings

from flows.ingest import ingest_flow
from pipeline.settings import load_settings
from tests.hostile.conftest import write_config
from tests.hostile.server import (
    ROOT,
    SLOW_COPIES,
    SLOW_ITEMS,
    HostileServer,
    serve_hostile,
    slow_urls,
)
from warehouse.store import entry_key

pytestmark = pytest.mark.usefixtures("prefect_harness")

HTTP = """\
allow_private_networks = ["127.0.0.0/8"]
per_host_delay_s = 0
per_host_connections = 2
"""
INGEST = """\
batch_size = 4
extract_workers = 2
extract_timeout_s = 60
"""


@pytest.fixture(scope="module")
def slow_site() -> Iterator[HostileServer]:
    with serve_hostile() as server:  # in this process: the test watches its hits
        yield server


def _start(config: Path) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"ingest ended before the kill: {proc.stderr.read()}"
        assert time.monotonic() < deadline, "the moment to kill never came"
        time.sleep(0.002)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (the extraction fork server and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill(proc: subprocess.Popen) -> set[int]:
    children = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    return children


def _consistent(db: Path) -> dict[str, int]:
    """Check the invariants; return the figures the test compares across runs."""
    with duckdb.connect(str(db), read_only=True) as con:

        def one(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        assert (
            one(
                "select count(*) from articles a where not exists (select 1 from entries e "
                "where e.article_id = a.article_id and e.state in ('stored', 'duplicate'))"
            )
            == 0
        ), "an article without its entry"
        assert (
            one(
                "select count(*) from entries e where e.state in ('stored', 'duplicate') "
                "and not exists (select 1 from articles a where a.article_id = e.article_id)"
            )
            == 0
        ), "an entry marked stored without its article"
        for table in ("mentions", "deal_mentions", "article_tags"):
            assert (
                one(
                    f"select count(*) from {table} t where not exists "
                    "(select 1 from articles a where a.article_id = t.article_id)"
                )
                == 0
            ), f"{table} rows without their article"
        assert one("select count(*) - count(distinct canonical_url) from articles") == 0
        assert one("select count(*) - count(distinct url) from entries") == 0
        hashes = [r[0] for r in con.execute("select distinct raw_hash from articles").fetchall()]
        figures = {
            "articles": one("select count(*) from articles"),
            "duplicates": one("select count(*) from articles where duplicate_of is not null"),
            "done": one("select count(*) from entries where state in ('stored', 'duplicate')"),
            "tagged": one("select count(*) from article_tags"),
        }
    for raw in hashes:  # every stored article's raw page is whole
        gzip.decompress((db.parent / "raw" / raw[:2] / f"{raw}.html.gz").read_bytes())
    return figures


def _last_salt(base: str) -> str:
    """A salt that puts the heavy page in the last batch: entries are fetched in the
    order of their keys (hashes of their URLs), so the first kill can come before it."""
    others = max(entry_key(url) for url in slow_urls(base, "")[1:])  # the salt moves none
    # With the server's port in every URL, the others' largest key can be near the top:
    # the heavy page then needs many salts (expected 1 / (1 - largest) of them).
    for n in range(2_000_000):
        if entry_key(slow_urls(base, str(n))[0]) > others:
            return str(n)
    raise AssertionError("no salt found")


@pytest.mark.timeout(240)
def test_sigkill_mid_write_and_mid_extraction_then_the_next_run_completes(
    tmp_path: Path, slow_site: HostileServer
) -> None:
    db = tmp_path / "newsmon.duckdb"
    salt = _last_salt(slow_site.base)
    feeds = {"slow": f"{slow_site.base}/slow/feed.xml?salt={salt}"}
    config = write_config(tmp_path / "newsmon.toml", db, feeds, http=HTTP, ingest=INGEST)
    wal = db.with_name(db.name + ".wal")
    hits, heavy = slow_site.hits, f"/slow/heavy/{salt}"

    # 1. in a batch write: a batch is through, and the write-ahead log is open
    proc = _start(config)
    _wait_for(lambda: sum(n for p, n in hits.items() if "/slow/article/" in p) >= 5, proc, 90)
    _wait_for(wal.exists, proc, 30)
    _kill(proc)
    first = _consistent(db)
    assert first["done"] < SLOW_ITEMS  # it was stopped with work left
    assert hits[heavy] == 0, "the first kill came too late for the second"

    # 2. in extraction: the slow page is fetched and being extracted in a worker
    proc = _start(config)
    _wait_for(lambda: hits[heavy] >= 1, proc, 90)
    time.sleep(0.5)  # its batch is fetched and in the pool; that page takes seconds there
    workers = _kill(proc)
    assert workers, "no extraction processes were running"
    time.sleep(1.5)  # they watch the ingest process every 0.5 s
    assert not [pid for pid in workers if _alive(pid)], "extraction workers outlived the kill"
    second = _consistent(db)
    assert second["done"] >= first["done"]  # nothing committed was lost

    # 3. the next run (in this process) completes the set, each article once
    settings = load_settings(config, env={})
    assert asyncio.run(ingest_flow(settings=settings)).counts.errors == 0
    final = _consistent(db)
    assert final == {
        "articles": SLOW_ITEMS,
        "duplicates": SLOW_COPIES,
        "done": SLOW_ITEMS,
        "tagged": SLOW_ITEMS - SLOW_COPIES,
    }
