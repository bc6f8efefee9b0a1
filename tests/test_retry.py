"""The retry policy of failed entries: a permanent failure (404, 410, too large, not an
article) is failed at once with its reason and never fetched again; a transient one waits a
back-off that grows with its attempts, or the server's Retry-After (429, 503), bounded; a
garbage Retry-After falls back to the back-off and says so.

The policy itself is pure (pipeline/retry.py); the rest runs over real HTTP on 127.0.0.1,
through the real flow and a real DuckDB file, counting the requests each URL gets."""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest_flow
from pipeline.fetch import Politeness, fetch_one, open_client
from pipeline.records import FeedEntry, FetchFailure
from pipeline.retry import RetryPolicy, classify, judge, parse_retry_after
from pipeline.settings import FeedSettings, HttpSettings, Settings, SettingsError, load_settings
from tests.conftest import send_page
from tests.feedsite import write_rss
from warehouse import store
from warehouse.db import Database

AT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(backoff_s=60, factor=2, cap_s=3600)
HTML = (
    "<!doctype html><html><head><title>A story</title></head><body><article>"
    + "".join(
        f"<p>In its {n}th round of talks this week, Microsoft and OpenAI discussed the terms "
        f"of a new agreement on {topic}.</p>"
        for n, topic in enumerate(("compute", "revenue", "models", "governance", "staff"), 4)
    )
    + "</article></body></html>"
).encode()


def _failure(
    kind: str,
    stage: str = "fetch",
    status: int | None = None,
    retry_after: str | None = None,
) -> FetchFailure:
    return FetchFailure("http://a.example/x", stage, kind, "m", AT, None, True, status, retry_after)


# ---- the policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stage", "status", "expected"),
    [
        ("http_410", "fetch", 410, "permanent"),
        ("http_404", "fetch", 404, "permanent"),
        ("http_404", "fetch", None, "permanent"),  # a row from before: the kind says it
        ("http_400", "fetch", 400, "permanent"),
        ("http_401", "fetch", 401, "permanent"),
        ("http_403", "fetch", 403, "permanent"),
        ("http_451", "fetch", 451, "permanent"),
        ("too_large", "fetch", None, "permanent"),  # also what a decompression bomb is
        ("not_html", "fetch", None, "permanent"),
        ("redirect_loop", "fetch", None, "permanent"),
        ("private_address", "fetch", None, "permanent"),
        ("no_text", "extract", None, "permanent"),
        ("http_429", "fetch", 429, "transient"),
        ("http_408", "fetch", 408, "transient"),
        ("http_409", "fetch", 409, "transient"),  # an unlisted 4xx: retried, not lost
        ("http_500", "fetch", 500, "transient"),
        ("http_503", "fetch", 503, "transient"),
        ("challenge", "fetch", 403, "transient"),  # a bot check may pass later
        ("dns", "fetch", None, "transient"),
        ("network", "fetch", None, "transient"),
        ("timeout", "fetch", None, "transient"),
        ("deadline", "fetch", None, "transient"),
        ("host_skipped", "fetch", None, "transient"),
        ("bad_encoding", "fetch", None, "transient"),  # a truncated transfer, maybe
        ("timeout", "extract", None, "transient"),  # a loaded machine, maybe
        ("crashed", "extract", None, "transient"),
    ],
)
def test_failures_are_permanent_or_transient(
    kind: str, stage: str, status: int | None, expected: str
) -> None:
    assert classify(_failure(kind, stage, status)) == expected


def test_the_back_off_grows_with_the_attempts_up_to_its_cap() -> None:
    assert [POLICY.delay_s(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert POLICY.delay_s(10_000) == 3600  # no overflow on the way
    assert RetryPolicy(0, 3, 0).delay_s(5) == 0  # no back-off at all
    assert RetryPolicy(30, 1, 30).delay_s(7) == 30  # factor 1: a constant wait
    assert RetryPolicy.of() == RetryPolicy(600, 3, 86400)  # the documented defaults


def test_a_permanent_failure_is_never_tried_again() -> None:
    assert judge(_failure("http_410", status=410), 1, POLICY) == judge(
        _failure("too_large"), 2, POLICY
    )
    assert judge(_failure("http_410", status=410), 1, POLICY).next_attempt is None


@pytest.mark.parametrize(
    ("status", "header", "attempts", "wait_s"),
    [
        (503, "120", 1, 120),  # the server's wait, longer than the back-off
        (429, "120", 1, 120),
        (503, "5", 1, 60),  # never sooner than the back-off
        (503, "120", 3, 240),  # the later of the two
        (503, "999999999999", 1, 3600),  # bounded by the cap
        (503, "9" * 400, 1, 3600),  # too large for a float: infinite, then capped
        (429, "Wed, 04 Mar 2026 12:30:00 GMT", 1, 1800),  # an HTTP date
        (429, "Wed, 04 Mar 2026 11:00:00 GMT", 1, 60),  # a date past: the back-off
        (500, "120", 1, 60),  # a 500's Retry-After is not a wait it asks for
    ],
)
def test_retry_after_is_honoured_bounded(status: int, header: str, attempts: int, wait_s: int):
    verdict = judge(_failure(f"http_{status}", status=status, retry_after=header), attempts, POLICY)
    assert verdict.failure_class == "transient"
    assert verdict.next_attempt == AT + timedelta(seconds=wait_s)
    assert verdict.note is None


@pytest.mark.parametrize("header", ["soon, maybe", "-1; tomorrow", "1.5", "²", "", "\x00" * 300])
def test_a_garbage_retry_after_falls_back_to_the_back_off_and_says_so(header: str) -> None:
    verdict = judge(_failure("http_503", status=503, retry_after=header), 2, POLICY)
    assert verdict.next_attempt == AT + timedelta(seconds=120)
    if header:
        assert verdict.note is not None and "not understood" in verdict.note
        assert len(verdict.note) < 120  # quoted, not copied whole


def test_parse_retry_after_refuses_non_ascii_digits() -> None:
    assert parse_retry_after("²") is None  # str.isdigit says yes; float() would raise
    assert parse_retry_after("٣") is None
    assert parse_retry_after("9" * 400) == float("inf")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("retry_backoff_s = -1", r"ingest\.retry_backoff_s"),
        ("retry_backoff_factor = 0.5", r"ingest\.retry_backoff_factor"),
        ('retry_backoff_cap_s = "a day"', r"ingest\.retry_backoff_cap_s"),
        ("retry_backoff_s = 100\nretry_backoff_cap_s = 10", "retry_backoff_cap_s .* is below"),
    ],
)
def test_the_back_off_keys_are_validated(tmp_path: Path, body: str, message: str) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text(f"[ingest]\n{body}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(config, env={})


# ---- over HTTP -----------------------------------------------------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    """`/gone/*` 410, `/missing/*` 404, `/busy/*` 503 with Retry-After 120, `/garbage/*`
    503 with a Retry-After that means nothing, `/flaky/*` 500, anything else an article.
    Each path's requests are counted."""

    requests: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        if self.path != "/robots.txt":  # asked once a run, whatever the pages
            self.requests[self.path] += 1
        answers: dict[str, tuple[int, list[tuple[str, str]]]] = {
            "gone": (410, []),
            "missing": (404, []),
            "busy": (503, [("Retry-After", "120")]),
            "garbage": (503, [("Retry-After", "soon, maybe")]),
            "flaky": (500, []),
        }
        status, headers = answers.get(self.path.split("/")[1], (200, []))
        send_page(self, status, HTML if status == 200 else b"no", headers)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pages() -> Iterator[tuple[str, Counter[str]]]:
    handler = type("Pages", (_Pages,), {"requests": Counter()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()


def test_a_failed_page_carries_its_status_and_retry_after(pages: tuple[str, Counter]) -> None:
    base, _ = pages
    settings = HttpSettings(
        allow_private_networks=("127.0.0.0/8",), per_host_delay_s=0, respect_robots_txt=False
    )

    async def fetch(path: str) -> Any:
        async with open_client(settings) as client:
            entry = FeedEntry("http://127.0.0.1/feed.xml", f"{base}{path}", None, "t", None)
            return await fetch_one(client, entry, Politeness(settings))

    busy, gone = asyncio.run(fetch("/busy/1")), asyncio.run(fetch("/gone/1"))
    assert (busy.kind, busy.status, busy.retry_after) == ("http_503", 503, "120")
    assert (gone.kind, gone.status, gone.retry_after) == ("http_410", 410, None)


PATHS = {
    "gone": "/gone/1",
    "missing": "/missing/1",
    "busy": "/busy/1",
    "garbage": "/garbage/1",
    "flaky": "/flaky/1",
    "ok": "/ok/1",
}


def _entries(settings: Settings) -> dict[str, tuple]:
    """path kind -> (state, attempts, failure_class, next_attempt, last_error)."""
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        rows = con.execute(
            "select url, state, attempts, failure_class, next_attempt, last_error from entries "
            "where feed_name = 'mixed'"
        ).fetchall()
    return {url.split("/")[3]: tuple(rest) for url, *rest in rows}


def _counts(settings: Settings) -> tuple[int, int, int]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(
            "select (select count(*) from entries), (select count(distinct entry_key) from "
            "entries), (select count(*) from articles)"
        ).fetchone()


@pytest.mark.usefixtures("prefect_harness")
def test_permanent_failures_fail_at_once_and_transient_ones_wait_across_runs(
    seed_settings: Settings, tmp_path: Path, pages: tuple[str, Counter[str]]
) -> None:
    from flows.seedserver import serve_site

    base, requests = pages
    write_rss(tmp_path / "site", [f"{base}{path}" for path in PATHS.values()], "Mixed")
    ingest = seed_settings.ingest.model_copy(
        update={"retry_backoff_s": 60, "retry_backoff_factor": 2, "retry_backoff_cap_s": 3600}
    )
    with serve_site(tmp_path / "site") as site:
        feeds = (*seed_settings.feeds, FeedSettings(name="mixed", url=f"{site}/feed.xml"))
        settings = seed_settings.model_copy(update={"feeds": feeds, "ingest": ingest})
        started = datetime.now(UTC)
        asyncio.run(ingest_flow(settings=settings))
        ended = datetime.now(UTC)
        first = _entries(settings)
        rows_first = _counts(settings)

        # Run 1: every page asked for once; 410 and 404 failed for good, with their reason.
        assert requests == Counter(PATHS.values())
        for kind in ("gone", "missing"):
            assert first[kind][:4] == ("failed", 1, "permanent", None)
        assert first["gone"][4] == "fetch:http_410: HTTP 410"
        assert first["missing"][4] == "fetch:http_404: HTTP 404"
        assert first["ok"][:3] == ("stored", 1, None), first["ok"]
        # the transient ones: not before their back-off (60 s) or Retry-After (120 s)
        waits = {"busy": 120, "garbage": 60, "flaky": 60}
        for kind, wait in waits.items():
            state, attempts, failure, next_attempt, _ = first[kind]
            assert (state, attempts, failure) == ("failed", 1, "transient")
            assert started + timedelta(seconds=wait) <= next_attempt
            assert next_attempt <= ended + timedelta(seconds=wait)
        assert "Retry-After 'soon, maybe' not understood: back-off used" in first["garbage"][4]

        # Run 2, right after: nothing failed is asked for again; the rows are as they were.
        second_run = asyncio.run(ingest_flow(settings=settings)).counts
        assert requests == Counter(PATHS.values())
        assert second_run.pages_fetched == 0 and second_run.errors == 0
        assert _entries(settings) == first
        assert _counts(settings) == rows_first

        # The flaky page's back-off is over (its time set in the past), the others' not:
        # the next run tries that one alone.
        with duckdb.connect(str(settings.storage.database)) as con:
            con.execute(
                "update entries set next_attempt = now() - interval 1 second "
                "where url like '%/flaky/%'"
            )
        asyncio.run(ingest_flow(settings=settings))
        assert requests == Counter(PATHS.values()) + Counter({PATHS["flaky"]: 1})
        third = _entries(settings)
        assert third["flaky"][:3] == ("failed", 2, "transient")
        assert third["flaky"][3] >= datetime.now(UTC) + timedelta(seconds=100)  # 60 × 2
        assert {k: v for k, v in third.items() if k != "flaky"} == {
            k: v for k, v in first.items() if k != "flaky"
        }

        # --retry-now: the transient ones now, back-off or not; the permanent ones never.
        asyncio.run(ingest_flow(settings=settings, retry_now=True))
        assert requests == Counter(PATHS.values()) + Counter(
            {PATHS["flaky"]: 2, PATHS["busy"]: 1, PATHS["garbage"]: 1}
        )
        after = _entries(settings)
        assert {k: v[1] for k, v in after.items()} == {
            "gone": 1,
            "missing": 1,
            "ok": 1,
            "busy": 2,
            "garbage": 2,
            "flaky": 3,
        }
    # no entry lost nor duplicated, no article stored twice
    assert _counts(settings) == rows_first


@pytest.mark.usefixtures("prefect_harness")
def test_out_of_attempts_is_failed_for_good_and_status_shows_what_comes_next(
    seed_settings: Settings, tmp_path: Path, pages: tuple[str, Counter[str]]
) -> None:
    from flows.seedserver import serve_site

    base, requests = pages
    write_rss(tmp_path / "site", [f"{base}/flaky/1", f"{base}/gone/1", f"{base}/busy/1"], "Mixed")
    ingest = seed_settings.ingest.model_copy(update={"max_attempts": 2})
    with serve_site(tmp_path / "site") as site:
        feeds = (*seed_settings.feeds, FeedSettings(name="mixed", url=f"{site}/feed.xml"))
        settings = seed_settings.model_copy(update={"feeds": feeds, "ingest": ingest})
        for retry_now in (False, True, True):  # the third has nothing left to try
            asyncio.run(ingest_flow(settings=settings, retry_now=retry_now))
    assert requests == {"/flaky/1": 2, "/gone/1": 1, "/busy/1": 2}
    db = Database(settings.storage.database)
    status = store.entry_status(db, 2, datetime.now(UTC))
    failed = {row["retry"]: row["entries"] for row in status if row["state"] == "failed"}
    assert failed == {"never: out of attempts": 2, "never: permanent": 1}
    # with more attempts allowed, the two transient ones are waiting for their back-off
    status = store.entry_status(db, 5, datetime.now(UTC))
    waiting = [row for row in status if row["retry"] == "waiting"]
    assert [row["entries"] for row in waiting] == [2]
    assert waiting[0]["first_due"] > datetime.now(UTC) + timedelta(seconds=500)
    # and `newsmon status` shows them
    config = tmp_path / "status.toml"
    config.write_text(
        f'[storage]\ndatabase = "{settings.storage.database}"\n[ingest]\nmax_attempts = 5\n',
        encoding="utf-8",
    )
    shown = CliRunner().invoke(app, ["status", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "waiting" in shown.stdout and "never: permanent" in shown.stdout
    assert "--retry-now" in shown.stdout


def test_a_warehouse_from_before_migrates_in_place(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.duckdb")
    db.migrate()
    entry = FeedEntry("http://127.0.0.1/feed.xml", "http://a.example/story", None, "t", None)
    store.add_entries(db, "old", [entry], AT)
    with db.transaction() as con:  # a failure recorded before 009
        con.execute("update entries set state = 'failed', attempts = 1, last_error = 'x'")
    with db.transaction() as con:  # and the schema of 008
        con.execute("alter table entries drop column failure_class")
        con.execute("alter table entries drop column next_attempt")
        con.execute("delete from schema_migrations where version = 9")
    assert store.entry_status(db, 3, AT) is None  # not yet migrated: nothing to show
    assert db.migrate() == ["009_entry_retry"]
    # an old failure was transient then, and is due now: it is retried as before
    assert [e.url for e in store.pending_entries(db, 10, 3, AT)] == [entry.url]
    assert store.still_pending(db, [entry], 3, AT) == [entry]
