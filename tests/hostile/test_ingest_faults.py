"""Every fault of the hostile server in one real ingest (`newsmon ingest`, real Prefect,
real DuckDB) beside the seed feeds: the run exits 0, the seeds are stored, and each fault
is recorded with its own kind, at the stage it belongs to, within the small deadlines."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.hostile.conftest import FEED_CASES, seed_feeds, write_config
from tests.hostile.server import CAFE, PAGE_CASES, HostileServer

pytestmark = pytest.mark.usefixtures("prefect_harness")

# poll stage: the kind recorded for a feed URL that answers so
POLL_ERRORS = {
    "slow-drip": "deadline",
    "slow-headers": "deadline",
    "never-answers": "timeout",
    "too-large-length": "too_large",
    "too-large-chunked": "too_large",
    "too-large-close": "too_large",
    "gzip-bomb": "too_large",
    "deflate-bomb": "too_large",
    "nested-gzip-bomb": "too_large",
    "br-bomb": "bad_encoding",
    "gzip-truncated": "bad_encoding",
    "gzip-corrupt": "bad_encoding",
    "huge-headers": "network",
    "redirect-loop": "redirect_loop",
    "redirect-many": "too_many_redirects",
    "redirect-file": "bad_scheme",
    "redirect-ftp": "bad_scheme",
    "redirect-private-10": "private_address",
    "redirect-metadata": "private_address",
    "redirect-ipv6-loopback": "private_address",
    "redirect-cgnat": "private_address",
    "status-429-seconds": "http_429",
    "status-429-date": "http_429",
    "status-429-garbage": "http_429",
    "status-429-88h": "http_429",
    "status-503-seconds": "http_503",
    "status-503-date": "http_503",
    "status-503-garbage": "http_503",
    "status-503-88h": "http_503",
    "status-500": "http_500",
    "status-502": "http_502",
    "status-504": "http_504",
    "status-404": "http_404",
    "status-410": "http_410",
    "challenge": "challenge",
    "html": "not_a_feed",
    "pdf": "not_a_feed",
    "empty": "not_a_feed",
    "not-modified": "unexpected_304",
}
# fetch or extract stage: the (stage, kind) recorded for an article URL that answers so
PAGE_ERRORS = {
    name: ("fetch", kind)
    for name, kind in POLL_ERRORS.items()
    if kind not in ("not_a_feed", "unexpected_304")
} | {
    "pdf": ("fetch", "not_html"),
    "json-feed": ("fetch", "not_html"),
    "empty": ("fetch", "empty"),
    "not-modified": ("fetch", "http_304"),
    "page-million-nodes": ("extract", "timeout"),
    "page-rowspan": ("extract", "timeout"),
}
PAGES_STORED = {"html", "page-charset-conflict", "page-invalid-utf8", "page-hostile"}
# Cases that are no fault at a feed URL: read as feeds, their items stored.
FEEDS_READ = {"json-feed"}

# seconds from the poll to the next one (before jitter, which adds up to 10 %)
TEMPORARY = {"status-429-seconds": 120, "status-503-seconds": 120}
TEMPORARY |= {"status-429-date": 300, "status-503-date": 300}
TEMPORARY |= {"status-429-88h": 86400, "status-503-88h": 86400}  # capped at a day
FIRST_BACKOFF = 900  # any other failure: one backoff step


@dataclass(frozen=True)
class Run:
    output: str
    exit_code: int
    seconds: float
    database: Path

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, seed_site: str, hostile: HostileServer) -> Run:
    folder = tmp_path_factory.mktemp("hostile-ingest")
    feeds = seed_feeds(seed_site)
    feeds |= {f"hostile-{name}": hostile.feed(name) for name in FEED_CASES}
    feeds["hostile-pages"] = f"{hostile.base}/feeds/pages.xml"
    config = write_config(folder / "newsmon.toml", folder / "newsmon.duckdb", feeds)
    started = time.monotonic()
    result = CliRunner().invoke(app, ["ingest", "--config", str(config)])
    return Run(
        result.output, result.exit_code, time.monotonic() - started, folder / "newsmon.duckdb"
    )


def test_the_run_completes_in_bounded_time(run: Run) -> None:
    assert run.exit_code == 0, run.output
    # The slowest faults take one 6 s deadline or 5 s extraction limit each, all at once:
    # not one waits on a default (45 s, 30 s).
    assert run.seconds < 60
    assert run.query("select status from ingest_runs") == [("completed",)]


def test_the_seed_feeds_are_ingested(run: Run) -> None:
    stored = run.query(
        "select count(*) filter (where duplicate_of is null), count(duplicate_of) "
        "from articles where feed_name like 'seed-%'"
    )
    assert stored == [(2, 1)]
    seeds = run.query("select last_status, consecutive_failures from feeds where name like 'seed%'")
    assert seeds == [("ok", 0), ("ok", 0)]


def test_every_feed_case_is_covered() -> None:
    content = {n for n in FEED_CASES if n.startswith("feed-")}
    assert set(FEED_CASES) - content == set(POLL_ERRORS) | FEEDS_READ
    assert set(PAGE_CASES) == set(PAGE_ERRORS) | PAGES_STORED


@pytest.mark.parametrize(("case", "kind"), sorted(POLL_ERRORS.items()))
def test_feed_fault_is_recorded_with_its_kind(run: Run, case: str, kind: str) -> None:
    errors = run.query(
        "select stage, kind from fetch_errors where feed_name = ?", [f"hostile-{case}"]
    )
    assert errors == [("poll", kind)]
    status = run.query(
        "select last_status, consecutive_failures, last_error from feeds where name = ?",
        [f"hostile-{case}"],
    )
    assert status[0][:2] == ("error", 1)
    assert status[0][2].startswith(f"{kind}: ")


@pytest.mark.parametrize(("case", "expected"), sorted(PAGE_ERRORS.items()))
def test_page_fault_is_recorded_with_its_kind(
    run: Run, hostile: HostileServer, case: str, expected: tuple[str, str]
) -> None:
    url = hostile.page(case)
    assert run.query("select stage, kind from fetch_errors where url = ?", [url]) == [expected]
    assert run.query("select state from entries where url = ?", [url]) == [("failed",)]
    assert run.query("select count(*) from articles where url = ?", [url]) == [(0,)]


@pytest.mark.parametrize("case", sorted(PAGES_STORED))
def test_page_that_is_odd_but_valid_is_stored(run: Run, hostile: HostileServer, case: str) -> None:
    rows = run.query("select length(text) from articles where url = ?", [hostile.page(case)])
    assert len(rows) == 1 and rows[0][0] > 200


def test_page_charset_header_outranks_its_meta(run: Run, hostile: HostileServer) -> None:
    title, text = run.query(
        "select title, text from articles where url = ?", [hostile.page("page-charset-conflict")]
    )[0]
    assert title == CAFE
    assert f"{CAFE}: report charset, part 1" in text


def _next_poll_after(run: Run, case: str) -> float:
    rows = run.query(
        "select epoch(next_poll) - epoch(last_polled) from feeds where name = ?",
        [f"hostile-{case}"],
    )
    return rows[0][0]


@pytest.mark.parametrize(("case", "seconds"), sorted(TEMPORARY.items()))
def test_retry_after_is_honoured_capped_and_jittered(run: Run, case: str, seconds: int) -> None:
    delay = _next_poll_after(run, case)
    # an HTTP date has whole seconds, and took a moment to arrive
    assert seconds - 3 <= delay <= seconds * 1.1 + 1
    assert run.query("select last_failure_class from feeds where name = ?", [f"hostile-{case}"])[
        0
    ] == ("temporary",)


@pytest.mark.parametrize(
    ("case", "failure_class"),
    [
        ("status-429-garbage", "temporary"),  # rate limited, but no usable Retry-After
        ("status-503-garbage", "soft"),
        ("status-500", "soft"),
        ("slow-drip", "soft"),
        ("status-404", "hard"),
        ("html", "hard"),
        ("redirect-metadata", "hard"),
    ],
)
def test_other_failures_back_off_one_step(run: Run, case: str, failure_class: str) -> None:
    assert FIRST_BACKOFF <= _next_poll_after(run, case) <= FIRST_BACKOFF * 1.1 + 1
    row = run.query(
        "select last_failure_class, failure_weight from feeds where name = ?", [f"hostile-{case}"]
    )
    weights = {"temporary": 0.0, "soft": 0.25, "hard": 1.0}
    assert row == [(failure_class, weights[failure_class])]


def _entries(run: Run, case: str) -> list[tuple[str, str | None]]:
    return run.query(
        "select url, title from entries where feed_name = ? order by url", [f"hostile-{case}"]
    )


@pytest.mark.parametrize(
    "case", ["feed-charset-conflict", "feed-utf16-bom", "feed-utf16-nobom", "feed-invalid-utf8"]
)
def test_feed_in_an_odd_encoding_is_read(run: Run, case: str) -> None:
    entries = _entries(run, case)
    # Declared UTF-8 but not: feedparser falls back to windows-1252 for the whole document.
    assert [title for _, title in entries] == ["Broken ÿ byte" if "invalid" in case else CAFE]
    slug = case.removeprefix("feed-")
    stored = run.query("select title from articles where url like ?", [f"%/article/{slug}"])
    assert stored == [(f"Story {slug}",)]


def test_a_json_feed_is_read_and_its_item_stored(run: Run, hostile: HostileServer) -> None:
    assert _entries(run, "json-feed") == [(f"{hostile.base}/article/json-feed", "J")]
    stored = run.query("select title from articles where url like '%/article/json-feed'")
    assert stored == [("Story json-feed",)]
    assert run.query("select last_status from feeds where name = 'hostile-json-feed'") == [("ok",)]


def test_billion_laughs_is_not_expanded(run: Run) -> None:
    assert _entries(run, "feed-billion-laughs")[0][1] == "&lol9;"
    assert run.query("select max(length(title)) from entries")[0][0] < 10_000


def test_feed_of_5000_items_is_cut_at_max_items(run: Run) -> None:
    assert len(_entries(run, "feed-5000-items")) == 50
    gone = run.query("select count(*) from fetch_errors where url like '%/gone/%'")
    assert gone == [(50,)]


def test_item_urls_over_the_length_limit_are_refused(run: Run) -> None:
    entries = _entries(run, "feed-long-urls")
    assert len(entries) == 3
    kinds = run.query(
        "select kind, count(*) from fetch_errors where url like '%/article/long-%' group by 1"
    )
    assert kinds == [("url_too_long", 2)]
    assert run.query("select count(*) from articles where url like '%/long-ok'") == [(1,)]


def test_duplicate_guids_keep_the_first_item(run: Run) -> None:
    urls = [url.rsplit("/", 1)[1] for url, _ in _entries(run, "feed-duplicate-guids")]
    assert urls == ["dup-1", "dup-3"]


def test_relative_links_resolve_and_script_links_are_dropped(
    run: Run, hostile: HostileServer
) -> None:
    urls = [url for url, _ in _entries(run, "feed-relative-links")]
    assert urls == [f"{hostile.base}/article/rel-dir", f"{hostile.base}/article/rel-root"]
    assert run.query("select count(*) from articles where url like '%/article/rel-%'") == [(2,)]


def test_markup_in_titles_and_text_is_stored_as_text(run: Run, hostile: HostileServer) -> None:
    assert _entries(run, "feed-hostile-titles") == [
        (f"{hostile.base}/article/hostile-title", "Deal & news")
    ]
    title, text = run.query(
        "select title, text from articles where url = ?", [hostile.page("page-hostile")]
    )[0]
    assert title == "<script>alert(1)</script> Hostile title"  # the page's text, as text
    assert "injected by script" not in text and "display:none" not in text
    assert "<img src=x onerror=alert(2)>" in text  # text the page escaped stays text


def test_the_run_summary_counts_errors_by_kind(run: Run) -> None:
    assert "errors: poll:too_large" in run.output
    assert "errors: extract:timeout" in run.output


def test_hostile_faults_do_not_leak_next_polls_into_the_future(run: Run) -> None:
    # Every feed is due again within the Retry-After cap plus jitter, never later.
    latest = run.query("select max(next_poll) - min(last_polled) from feeds")[0][0]
    assert latest <= timedelta(days=1.1, seconds=5)
