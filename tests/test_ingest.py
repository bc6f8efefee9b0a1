"""The ingest flow end to end: real HTTP server, real Prefect (test harness), real DuckDB."""

from __future__ import annotations

import asyncio
import json

import duckdb
import pytest

from flows.ingest import ingest_flow
from pipeline.settings import FeedSettings, Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _run(settings: Settings):
    return asyncio.run(ingest_flow(settings=settings))


def _query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _counts(settings: Settings) -> dict[str, int]:
    tables = ["feeds", "entries", "articles", "fetch_errors", "ingest_runs"]
    return {t: _query(settings, f"select count(*) from {t}")[0][0] for t in tables}


def test_seed_ingest_stores_articles_once_and_repolls_with_304(seed_settings: Settings) -> None:
    first = _run(seed_settings).counts
    assert (first.feeds_polled, first.feeds_failed, first.errors) == (2, 0, 0)
    assert (first.entries_new, first.pages_fetched) == (3, 3)
    assert (first.articles_stored, first.duplicates) == (2, 1)
    after_first = _counts(seed_settings)

    second = _run(seed_settings).counts
    assert second.feeds_not_modified == 2
    assert (second.entries_new, second.pages_fetched, second.articles_stored) == (0, 0, 0)
    after_second = _counts(seed_settings)
    assert after_second == after_first | {"ingest_runs": 2}
    runs = _query(
        seed_settings, "select status, feeds_not_modified from ingest_runs order by started_at"
    )
    assert runs == [("completed", 0), ("completed", 2)]


def test_seed_articles_carry_page_metadata(seed_settings: Settings) -> None:
    _run(seed_settings)
    manifest = json.loads((SEEDS / "fixtures.json").read_text())
    pages = [p for p in manifest["pages"] if p["kind"] == "original"]
    for page in pages:
        row = _query(
            seed_settings,
            "select title, author, published, text, duplicate_of "
            "from articles where canonical_url = ?",
            [page["canonical_url"]],
        )
        assert len(row) == 1, page["canonical_url"]
        title, author, published, text, duplicate_of = row[0]
        assert (title, author, duplicate_of) == (page["title"], page["author"], None)
        assert published.isoformat().replace("+00:00", "Z") == page["published"]
        assert len(text) > 2000


def test_syndicated_copy_is_stored_as_duplicate_of_original(seed_settings: Settings) -> None:
    _run(seed_settings)
    manifest = json.loads((SEEDS / "fixtures.json").read_text())
    copy = next(p for p in manifest["pages"] if p["kind"] == "syndicated")
    original = next(p for p in manifest["pages"] if p["path"] == copy["copy_of"])
    rows = _query(
        seed_settings,
        """
        select c.text is null, o.canonical_url
        from articles c join articles o on o.article_id = c.duplicate_of
        where c.canonical_url = ?""",
        [copy["canonical_url"]],
    )
    assert rows == [(True, original["canonical_url"])]
    originals = _query(seed_settings, "select count(*) from articles where duplicate_of is null")
    assert originals == [(2,)]


def test_a_copy_in_a_later_chunk_than_its_original_is_stored_as_its_duplicate(
    seed_settings: Settings,
) -> None:
    # one page a chunk: the copy's text is found among the articles stored by an earlier
    # chunk, by the look-up in the copy's own write transaction
    ingest = seed_settings.ingest.model_copy(update={"batch_size": 1})
    settings = seed_settings.model_copy(update={"ingest": ingest})
    counts = _run(settings).counts
    assert (counts.pages_fetched, counts.articles_stored, counts.duplicates) == (3, 2, 1)
    rows = _query(
        settings,
        """
        select c.content_hash = o.content_hash, c.text is null, o.duplicate_of, o.text <> ''
        from articles c join articles o on o.article_id = c.duplicate_of""",
    )
    assert rows == [(True, True, None, True)]
    states = _query(settings, "select state, count(*) from entries group by 1 order by 1")
    assert states == [("duplicate", 1), ("stored", 2)]


def test_bad_feed_is_recorded_and_the_run_goes_on(seed_settings: Settings, seed_site: str) -> None:
    feeds = (
        *seed_settings.feeds,
        FeedSettings(name="missing", url=f"{seed_site}/feeds/missing.xml"),
        FeedSettings(name="not-a-feed", url=f"{seed_site}/index.html"),
    )
    counts = _run(seed_settings.model_copy(update={"feeds": feeds})).counts
    assert (counts.feeds_polled, counts.feeds_failed, counts.articles_stored) == (4, 2, 2)
    errors = _query(seed_settings, "select feed_name, stage, kind from fetch_errors order by 1")
    assert errors == [("missing", "poll", "http_404"), ("not-a-feed", "poll", "not_a_feed")]
    health = _query(
        seed_settings, "select name, last_status, consecutive_failures from feeds order by name"
    )
    assert health == [
        ("missing", "error", 1),
        ("not-a-feed", "error", 1),
        ("seed-atom", "ok", 0),
        ("seed-rss", "ok", 0),
    ]


def test_the_flow_reports_progress_per_stored_chunk(seed_settings: Settings) -> None:
    import logging

    seen: list[tuple[int, int]] = []

    class Listener(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append((record.done, record.total))

    logger, listener = logging.getLogger("newsmon.progress"), Listener()
    logger.addHandler(listener)
    logger.setLevel(logging.INFO)
    small = seed_settings.ingest.model_copy(update={"batch_size": 2})
    try:
        _run(seed_settings.model_copy(update={"ingest": small}))
    finally:
        logger.removeHandler(listener)
    assert seen == [(2, 3), (3, 3)]  # three entries in chunks of two
