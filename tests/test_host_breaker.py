"""Failing hosts cost once per run: a host that fails to resolve or connect
`host_failures_before_skip` times in a row is not tried again in that run; its other links
fail as `host_skipped` (counted as an attempt, kept for the next run) with one
`fetch_errors` row for the host per run.

Over real HTTP on 127.0.0.1: a port with nothing listening refuses connections, and a name
under `.invalid` never resolves (RFC 6761), through the OS resolver."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.ingest import ingest_flow
from pipeline.fetch import FetchError, HostBreaker, Politeness, fetch_pages, open_client, resolve
from pipeline.records import FeedEntry, FetchFailure
from pipeline.settings import FeedSettings, HttpSettings, Settings, SettingsError, load_settings
from tests.feedsite import write_rss

HTML = (
    b"<!doctype html><html><head><title>A story</title></head><body><article>"
    + b"<p>Microsoft and OpenAI discussed the terms of a new agreement this week.</p>" * 8
    + b"</article></body></html>"
)


def _settings(**overrides: Any) -> HttpSettings:
    base: dict[str, Any] = {
        "allow_private_networks": ("127.0.0.0/8",),
        "per_host_delay_s": 0,
        "per_host_connections": 1,  # one link at a time per host: the tries are countable
        "respect_robots_txt": False,
        "connect_timeout_s": 3,
    }
    return HttpSettings(**base | overrides)


def _closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Pages(http.server.BaseHTTPRequestHandler):
    """An article at every path; `/r/...` redirects to the URL after `/r/`."""

    def do_GET(self) -> None:
        if self.path.startswith("/r/"):
            self.send_response(302)
            self.send_header("Location", self.path[3:])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(HTML)))
        self.end_headers()
        self.wfile.write(HTML)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _entry(url: str) -> FeedEntry:
    return FeedEntry("http://127.0.0.1/feed.xml", url, None, "t", datetime(2025, 1, 1, tzinfo=UTC))


def _fetch(
    urls: list[str], settings: HttpSettings, lookups: Counter[str] | None = None
) -> tuple[int, list[FetchFailure]]:
    """Fetch every URL through one run's politeness; pages fetched and the failures.
    `lookups` counts the name lookups per host (the OS resolver answers them)."""

    async def counted(host: str, port: int):
        if lookups is not None:
            lookups[host] += 1
        return await resolve(host, port)

    async def run():
        async with open_client(settings, counted) as client:
            politeness = Politeness(settings)
            return await fetch_pages(client, [_entry(u) for u in urls], politeness)

    pages, failures = asyncio.run(run())
    return len(pages), failures


def _kinds(failures: list[FetchFailure], host: str) -> Counter[str]:
    return Counter(f.kind for f in failures if host in f.url)


def test_a_host_that_refuses_is_tried_three_times_then_skipped(live: str) -> None:
    dead = f"127.0.0.1:{_closed_port()}"
    urls = [f"http://{dead}/story/{n}" for n in range(12)] + [f"{live}/ok/{n}" for n in range(5)]
    fetched, failures = _fetch(urls, _settings())
    assert fetched == 5  # the live host is not held up
    assert _kinds(failures, dead) == {"network": 3, "host_skipped": 9}
    skipped = [f for f in failures if f.kind == "host_skipped"]
    assert sum(f.recorded for f in skipped) == 1  # one fetch_errors row for the host
    assert all(f.recorded for f in failures if f.kind != "host_skipped")
    assert f"{dead} failed to resolve or connect 3 times in a row" in skipped[0].message
    assert "ConnectError" in skipped[0].message  # the last real failure, quoted


def test_a_name_that_does_not_resolve_is_looked_up_three_times(live: str) -> None:
    urls = [f"http://news.invalid/a/{n}" for n in range(10)]
    urls += [f"http://other.invalid/b/{n}" for n in range(10)]
    lookups: Counter[str] = Counter()
    fetched, failures = _fetch(urls, _settings(), lookups)
    assert fetched == 0
    assert lookups == {"news.invalid": 3, "other.invalid": 3}
    for host in ("news.invalid", "other.invalid"):
        assert _kinds(failures, host) == {"dns": 3, "host_skipped": 7}
        assert sum(f.recorded for f in failures if host in f.url) == 3 + 1


def test_the_threshold_is_configurable_and_zero_turns_it_off() -> None:
    urls = [f"http://news.invalid/a/{n}" for n in range(8)]
    lookups: Counter[str] = Counter()
    _, failures = _fetch(urls, _settings(host_failures_before_skip=0), lookups)
    assert lookups == {"news.invalid": 8}
    assert Counter(f.kind for f in failures) == {"dns": 8}
    lookups.clear()
    _, failures = _fetch(urls, _settings(host_failures_before_skip=5), lookups)
    assert lookups == {"news.invalid": 5}
    assert Counter(f.kind for f in failures) == {"dns": 5, "host_skipped": 3}


def test_concurrent_links_of_a_host_stop_at_the_breaker() -> None:
    # With four links of a host in flight, a few more than three may be tried before the
    # breaker opens (at most threshold + slots - 1); every other one is skipped.
    urls = [f"http://news.invalid/a/{n}" for n in range(40)]
    lookups: Counter[str] = Counter()
    _, failures = _fetch(urls, _settings(per_host_connections=4), lookups)
    assert 3 <= lookups["news.invalid"] <= 3 + 4 - 1
    assert Counter(f.kind for f in failures)["host_skipped"] == 40 - lookups["news.invalid"]


def test_links_skipped_take_no_turn_behind_the_per_host_delay() -> None:
    # Links queued for a slot of a host that has failed are skipped when they get the slot,
    # before taking a turn behind the delay: the host's turns end with its last real tries
    # (at most threshold + slots - 1 of them), not with its last link.
    settings = _settings(per_host_connections=4, per_host_delay_s=0.5)
    urls = [f"http://news.invalid/a/{n}" for n in range(30)]

    async def run() -> float:
        async with open_client(settings) as client:
            politeness = Politeness(settings)
            started = asyncio.get_running_loop().time()
            await fetch_pages(client, [_entry(u) for u in urls], politeness)
            return politeness._last["news.invalid"] - started

    last_turn = asyncio.run(run())
    assert last_turn <= (3 + 4 - 1) * 0.5  # without the check: 29 turns, 14.5 s


def test_a_redirect_to_a_dead_host_blames_that_host(live: str) -> None:
    urls = [f"{live}/r/http://gone.invalid/story/{n}" for n in range(6)]
    lookups: Counter[str] = Counter()
    fetched, failures = _fetch(urls, _settings(), lookups)
    # the live host answered every time: none of its links is skipped
    assert (fetched, Counter(f.kind for f in failures)) == (0, {"dns": 6})


def test_an_answer_resets_the_count() -> None:
    breaker = HostBreaker(3)
    error = FetchError("dns", "cannot resolve")
    for _ in range(2):
        breaker.failed("a.example", error)
    breaker.answered("a.example")  # any HTTP answer: the host is there
    for _ in range(2):
        breaker.failed("a.example", error)
    assert not breaker.is_open("a.example")
    breaker.failed("a.example", error)
    assert breaker.is_open("a.example") and not breaker.is_open("b.example")
    first, second = breaker.skip("a.example"), breaker.skip("a.example")
    assert (first.kind, first.recorded, second.recorded) == ("host_skipped", True, False)


@pytest.mark.parametrize("value", ["-1", "1001", '"three"'])
def test_the_threshold_is_validated(tmp_path: Path, value: str) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text(f"[http]\nhost_failures_before_skip = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"http\.host_failures_before_skip"):
        load_settings(config, env={})


# ---- through the flow: rows, and the next run --------------------------------------------


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.usefixtures("prefect_harness")
def test_skipped_links_stay_for_the_next_run_with_one_row_per_host(
    seed_settings: Settings, tmp_path: Path
) -> None:
    from flows.seedserver import serve_site

    refused = f"127.0.0.1:{_closed_port()}"
    urls = [f"http://dead.invalid/story/{n}" for n in range(8)]
    urls += [f"http://{refused}/story/{n}" for n in range(8)]
    write_rss(tmp_path / "site", urls, "Dead links")
    http = seed_settings.http.model_copy(update={"per_host_connections": 1})
    # no back-off: the second run tries the links again at once, so that the breaker's
    # cost in each run shows (tests/test_retry.py covers the back-off)
    ingest = seed_settings.ingest.model_copy(update={"retry_backoff_s": 0})
    with serve_site(tmp_path / "site") as site:
        feeds = (*seed_settings.feeds, FeedSettings(name="dead-links", url=f"{site}/feed.xml"))
        update = {"feeds": feeds, "http": http, "ingest": ingest}
        settings = seed_settings.model_copy(update=update)
        first = asyncio.run(ingest_flow(settings=settings)).counts
        second = asyncio.run(ingest_flow(settings=settings)).counts
    assert first.articles_stored == 2  # the seed feeds' articles: nothing else is held up
    assert first.error_kinds == {"fetch:dns": 3, "fetch:network": 3, "fetch:host_skipped": 10}
    assert second.error_kinds == first.error_kinds
    rows = _query(
        settings,
        "select r.started_at, e.kind, split_part(e.url, '/', 3), count(*) from fetch_errors e "
        "join ingest_runs r using (run_id) group by all order by all",
    )
    per_run = Counter((started, kind, host) for started, kind, host, _ in rows)
    assert all(n == 1 for n in per_run.values())
    counts = {(kind, host): n for _, kind, host, n in rows}
    assert counts == {
        ("dns", "dead.invalid"): 3,
        ("host_skipped", "dead.invalid"): 1,
        ("network", refused): 3,
        ("host_skipped", refused): 1,
    }
    assert len(rows) == 8  # the same four rows in each of the two runs
    # No entry lost: each is failed with its reason and attempts left for a third run.
    entries = _query(
        settings,
        "select state, attempts, split_part(last_error, ':', 2), count(*) from entries "
        "where feed_name = 'dead-links' group by all order by all",
    )
    assert entries == [
        ("failed", 2, "dns", 3),
        ("failed", 2, "host_skipped", 10),
        ("failed", 2, "network", 3),
    ]
