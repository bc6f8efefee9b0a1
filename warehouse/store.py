"""What the pipeline reads from and writes to the warehouse, one transaction per call.

Every write is idempotent on its key, so any run may be repeated or resumed: an entry,
an article or a tag already stored is left as it is.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline import stories
from pipeline.dedup import canonical_url
from pipeline.health import FeedHealth, assess
from pipeline.records import (
    Article,
    Entity,
    FeedEntry,
    FeedState,
    FetchFailure,
    PollResult,
    StorySignature,
    TaggedArticle,
)
from pipeline.retry import RetryPolicy, judge
from pipeline.settings import FeedSettings, HealthSettings
from warehouse import search, summaries
from warehouse.db import (
    Database,
    apply_migrations,
    ask_checkpoint,
    bulk,
    dialect,
    query,
    rows_as_dicts,
    sql,
    unique_by,
)
from warehouse.sqlfiles import bulk_returning, with_keys
from warehouse.tags import write_entities, write_tags


@dataclass
class RunCounts:
    """The figures of one ingest run, as `ingest_runs` and the CLI summary show them."""

    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries_new: int = 0
    pages_fetched: int = 0
    articles_stored: int = 0
    duplicates: int = 0
    off_topic: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def add_errors(self, failures: Iterable[FetchFailure]) -> None:
        for failure in failures:
            self.errors += 1
            key = f"{failure.stage}:{failure.kind}"
            self.error_kinds[key] = self.error_kinds.get(key, 0) + 1


def entry_key(url: str) -> str:
    """Entries are keyed by canonical URL: the same story in two feeds is fetched once."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def sync_feeds(db: Database, feeds: Sequence[FeedSettings], source: str = "config") -> None:
    with db.transaction() as con:
        _write_feeds(con, feeds, source)


def _write_feeds(
    con: duckdb.DuckDBPyConnection, feeds: Sequence[FeedSettings], source: str = "config"
) -> None:
    rows = [
        {
            "name": f.name,
            "url": f.url,
            "source": source,
            "enabled": f.enabled,
            "kind": f.kind,
            "entities": list(f.entities),
        }
        for f in feeds
    ]
    bulk(con, "upsert_feeds", unique_by(rows, "name"))


def due_feeds(db: Database, now: datetime) -> list[tuple[str, FeedState]]:
    """Enabled feeds whose next poll is due, with their conditional-GET validators."""
    with db.transaction() as con:
        return _due_feeds(con, now)


def _due_feeds(con: duckdb.DuckDBPyConnection, now: datetime) -> list[tuple[str, FeedState]]:
    rows = con.execute(sql("feed_states"), [now]).fetchall()
    return [(name, FeedState(url, etag, modified)) for name, url, etag, modified in rows]


def prepare_run(
    db: Database,
    feeds: Sequence[FeedSettings],
    entities: Iterable[Entity],
    run_id: str,
    flow_run_id: str | None,
    now: datetime,
) -> list[tuple[str, FeedState]]:
    """Start a run in one transaction (each costs an open and a close of the file):
    migrate, sync the configured feeds and the watchlist, record the run, and return the
    feeds due for a poll."""
    with db.transaction() as con:
        apply_migrations(con)
        _write_feeds(con, feeds)
        write_entities(con, entities)
        con.execute(query(con, "start_run"), [run_id, flow_run_id, now])
        return _due_feeds(con, now)


def record_polls(
    db: Database,
    run_id: str,
    polls: Sequence[tuple[str, PollResult]],
    now: datetime,
    health: HealthSettings | None = None,
    rng: random.Random | None = None,
) -> int:
    """Save poll outcomes with each feed's health, and queue new entries, in one
    transaction. Returns the number of new entries."""
    health, rng = health or HealthSettings(), rng or random.Random()
    entries = unique_by(
        (_entry_row(name, e, now) for name, p in polls for e in p.entries), "entry_key"
    )
    errors = [_poll_error_row(run_id, name, p, now) for name, p in polls if p.status == "error"]
    with db.transaction() as con:
        before = _health_before(con)
        outcomes = [
            _poll_row(name, p, now, assess(before.get(name, FeedHealth()), p, now, health, rng))
            for name, p in polls
        ]
        count = con.execute(sql("count_entries")).fetchone()[0]
        bulk(con, "insert_entries", entries, [e["entry_key"] for e in entries])
        bulk(con, "record_polls", outcomes)
        bulk(con, "insert_errors", errors)
        return con.execute(sql("count_entries")).fetchone()[0] - count


def _health_before(con: duckdb.DuckDBPyConnection) -> dict[str, FeedHealth]:
    rows = con.execute(sql("feed_health_before")).fetchall()
    return {name: FeedHealth(failures, weight) for name, failures, weight in rows}


def add_entries(db: Database, feed_name: str, entries: Sequence[FeedEntry], now: datetime) -> int:
    """Queue entries that came from elsewhere than a feed poll (backfill). Returns new ones."""
    rows = unique_by((_entry_row(feed_name, e, now) for e in entries), "entry_key")
    with db.transaction() as con:
        before = con.execute(sql("count_entries")).fetchone()[0]
        bulk(con, "insert_entries", rows, [r["entry_key"] for r in rows])
        return con.execute(sql("count_entries")).fetchone()[0] - before


def still_pending(
    db: Database,
    entries: Sequence[FeedEntry],
    max_attempts: int,
    now: datetime | None = None,
    retry_now: bool = False,
) -> list[FeedEntry]:
    """The entries not yet stored, in their order: new, or failed transiently with attempts
    left and due at `now` (any time with `retry_now`)."""
    keys = [entry_key(e.url) for e in entries]
    params = [keys, max_attempts, retry_now, now or datetime.now(UTC)]
    with db.transaction() as con:
        todo = {row[0] for row in con.execute(sql("pending_keys"), params).fetchall()}
    return [e for e, key in zip(entries, keys, strict=True) if key in todo]


def _poll_row(name: str, poll: PollResult, now: datetime, health: FeedHealth) -> dict:
    return {
        "name": name,
        "status": poll.status,
        "http_status": poll.http_status,
        "etag": poll.etag,
        "last_modified": poll.last_modified,
        "error": poll.error,
        "bozo_reason": poll.bozo_reason,
        "polled_at": now,
        "consecutive_failures": health.consecutive_failures,
        "failure_weight": health.failure_weight,
        "failure_class": health.failure_class,
        "next_poll": health.next_poll,
        "disabled_reason": health.disabled_reason,
    }


def _entry_row(feed_name: str, entry: FeedEntry, now: datetime) -> dict:
    return {
        "entry_key": entry_key(entry.url),
        "feed_name": feed_name,
        "url": entry.url,
        "guid": entry.guid,
        "title": entry.title,
        "published": entry.published,
        "first_seen": now,
        "listed_url": entry.listed_url,
        "outlet": entry.outlet,
        "outlet_url": entry.outlet_url,
    }


def _poll_error_row(run_id: str, name: str, poll: PollResult, now: datetime) -> dict:
    kind, _, message = (poll.error or "error").partition(": ")
    return {
        "run_id": run_id,
        "occurred_at": now,
        "stage": "poll",
        "kind": kind,
        "url": poll.feed_url,
        "feed_name": name,
        "message": message or kind,
    }


def pending_entries(
    db: Database,
    limit: int,
    max_attempts: int = 3,
    now: datetime | None = None,
    retry_now: bool = False,
) -> list[FeedEntry]:
    """Entries to fetch now: new ones, and earlier transient failures with attempts left
    whose back-off is over at `now` (whatever their back-off, with `retry_now`)."""
    params = [max_attempts, retry_now, now or datetime.now(UTC), limit]
    with db.transaction() as con:
        rows = rows_as_dicts(con.execute(sql("pending_entries"), params))
    return [
        FeedEntry(r["feed_url"] or "", r["url"], r["guid"], r["title"], r["published"])
        for r in rows
    ]


def originals_by_hash(db: Database, hashes: Iterable[str]) -> dict[str, str]:
    """content hash -> article_id of the stored original with that text."""
    return {h: original for h, (original, _) in known_originals(db, hashes).items()}


def known_originals(db: Database, hashes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """content hash -> (article_id, story_id) of the stored original with that text."""
    with db.transaction() as con:
        return _known_originals(con, hashes)


def _known_originals(
    con: duckdb.DuckDBPyConnection, hashes: Iterable[str]
) -> dict[str, tuple[str, str]]:
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    rows = con.execute(sql("originals_by_hash"), [wanted]).fetchall()
    return {h: (original, story) for h, original, story in rows}


@dataclass(frozen=True)
class Batch:
    """Everything one chunk of entries produced, written in one transaction."""

    entries: Sequence[FeedEntry]
    articles: Sequence[Article]
    duplicates: dict[str, str]  # article_id -> original article_id
    failures: Sequence[FetchFailure]
    raw: Mapping[str, bytes] = field(default_factory=dict)  # raw_hash -> the page, gzipped
    tagged: Sequence[TaggedArticle] = ()  # tags of the originals (duplicates share them)
    off_topic: frozenset[str] = frozenset()  # article_ids that name no focus entity
    keep_off_topic_text: bool = False
    signatures: Mapping[str, StorySignature] = field(default_factory=dict)  # for stories
    stories: Mapping[str, str] = field(default_factory=dict)  # stored original -> its story


def store_batch(
    db: Database,
    run_id: str,
    batch: Batch,
    feed_names: dict[str, str],
    keep_raw: bool = True,
    retry: RetryPolicy | None = None,
) -> None:
    """Articles, entry states and errors of one batch, atomically; raw HTML beside the file.
    A failed entry is classed permanent or transient, and a transient one given its next
    attempt by `retry` (pipeline/retry.py)."""
    if keep_raw:
        save_raw_pages(db.raw_dir, batch.raw)
    before = _Prepared(_entry_keys(batch))
    with search.tokenize(_search_docs(batch)) as tokens, db.transaction() as con:
        _write_batch(con, run_id, batch, feed_names, retry, replace(before, tokens=tokens))


def dedup_and_store(
    db: Database,
    run_id: str,
    hashes: Iterable[str],
    batch_of: Callable[[Mapping[str, tuple[str, str]]], Batch],
    feed_names: dict[str, str],
    raw: Mapping[str, bytes] | None = None,
    retry: RetryPolicy | None = None,
) -> Batch:
    """`store_batch` with the dedup look-up in the same transaction: `batch_of` makes the
    batch from the stored originals of these content hashes (`known_originals`). One open
    of the file instead of two: each open replays the write-ahead log (tens of ms a batch,
    BENCHMARKS.md), and no other writer can store the same text in between. `raw`: the
    gzipped pages to keep (None: keep none), written before the transaction.

    `batch_of` is called once more before the transaction, with no stored originals, so
    the search terms of every article that may be stored as an original are split before
    the file is held (`search.tokenize`); it must not depend on being called once."""
    if raw is not None:
        save_raw_pages(db.raw_dir, raw)
    draft = batch_of({})
    before = _Prepared(_entry_keys(draft))
    with search.tokenize(_search_docs(draft)) as tokens, db.transaction() as con:
        batch = batch_of(_known_originals(con, hashes))
        _write_batch(con, run_id, batch, feed_names, retry, replace(before, tokens=tokens))
    return batch


@dataclass(frozen=True)
class _Prepared:
    """What a batch's transaction uses that is computed before it holds the file: entry
    keys by URL (a canonical URL costs tens of µs; a batch looks up thousands) and the
    search terms of its possible originals."""

    keys: Mapping[str, str]
    tokens: search.Tokens | None = None

    def key(self, url: str) -> str:
        found = self.keys.get(url)
        return found if found is not None else entry_key(url)


def _entry_keys(batch: Batch) -> dict[str, str]:
    urls = {e.url for e in batch.entries} | {a.url for a in batch.articles}
    return {url: entry_key(url) for url in urls | {f.url for f in batch.failures}}


def _search_docs(batch: Batch) -> list[dict]:
    """The search documents of the batch's articles that keep their text: a superset of
    what the transaction indexes (it drops the ones already stored, and copies of
    originals stored before, which only it can tell)."""
    return [
        search.search_doc(a.article_id, a.title, a.text, _seen_at(a))
        for a in batch.articles
        if _keeps_text(a, batch)
    ]


def _keeps_text(article: Article, batch: Batch) -> bool:
    """A syndicated copy stores no text; an article off the focus only when asked to."""
    if article.article_id in batch.duplicates:
        return False
    return article.article_id not in batch.off_topic or batch.keep_off_topic_text


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    batch: Batch,
    feed_names: dict[str, str],
    retry: RetryPolicy | None,
    before: _Prepared,
) -> None:
    now = datetime.now(UTC)
    story_of, signed = _assign_stories(con, batch)
    articles = unique_by(
        (_article_row(a, batch, story_of, feed_names, run_id, now) for a in batch.articles),
        "article_id",
    )
    stored = _insert_articles(con, articles)
    search.add_articles(con, [a for a in articles if a["article_id"] in stored], before.tokens)
    _write_signatures(con, signed, story_of)
    # attempts matter only for the entries that failed (their back-off): the others are
    # not looked up (a look-up reads the key column of every entry)
    stored_keys = {before.key(a.url) for a in batch.articles}
    tried = _attempts(con, sorted({before.key(e.url) for e in batch.entries} - stored_keys))
    updates = _entry_updates(batch, tried, retry or RetryPolicy.of(), before.key)
    bulk(con, "update_entries", updates, [u["entry_key"] for u in updates])
    errors = [_error_row(run_id, f, feed_names) for f in batch.failures if f.recorded]
    bulk(con, "insert_errors", errors)
    # a copy is one more source of its original's deals (it counts in no day); an original
    # stored now has no deals yet: its tags mark them (`summaries.add`)
    originals = [t for t in batch.tagged if t.article_id not in batch.duplicates]
    added = {t.article_id for t in originals} & stored
    summaries.mark_deals(con, [a["article_id"] for a in articles if a["article_id"] not in added])
    write_tags(con, originals, fresh=stored)
    summaries.refresh(con)


def _assign_stories(
    con: duckdb.DuckDBPyConnection, batch: Batch
) -> tuple[dict[str, str], list[tuple[str, datetime, StorySignature]]]:
    """article_id -> story_id for every article of the batch, and the new originals whose
    signatures are to be stored. Originals on topic are compared with the stored articles
    sharing an LSH band with them within the window of days (`pipeline/stories.py`); a
    copy joins its original's story; anything else starts its own."""
    new = [
        (a.article_id, _seen_at(a), batch.signatures[a.article_id])
        for a in batch.articles
        if a.article_id not in batch.duplicates
        and a.article_id not in batch.off_topic
        and a.article_id in batch.signatures
    ]
    known = _story_candidates(con, new)
    assigned = stories.assign_stories(new, known)
    stored = {k.article_id for k in known}
    story_of = {a.article_id: assigned.get(a.article_id, a.article_id) for a in batch.articles}
    for copy, original in batch.duplicates.items():
        story_of[copy] = story_of.get(original) or batch.stories.get(original, original)
    return story_of, [n for n in new if n[0] not in stored]


def _story_candidates(
    con: duckdb.DuckDBPyConnection, new: Sequence[tuple[str, datetime, StorySignature]]
) -> list[stories.Known]:
    if not new:
        return []
    lo = min(seen for _, seen, _ in new) - stories.WINDOW
    hi = max(seen for _, seen, _ in new) + stories.WINDOW
    keys = sorted({key for _, _, sig in new for key in sig.bands})
    rows = con.execute(sql("story_candidates"), [keys, lo, hi]).fetchall()
    return [
        stories.Known(article_id, story_id, StorySignature(tuple(minhash), ()))
        for article_id, story_id, minhash in rows
    ]


def _write_signatures(
    con: duckdb.DuckDBPyConnection,
    signed: Sequence[tuple[str, datetime, StorySignature]],
    story_of: Mapping[str, str],
) -> None:
    signatures = [
        {"article_id": i, "story_id": story_of[i], "seen_at": seen, "signature": list(s.minhash)}
        for i, seen, s in signed
    ]
    bands = [
        {"band_key": key, "article_id": i, "seen_at": seen}
        for i, seen, s in signed
        for key in s.bands
    ]
    bulk(con, "insert_story_signatures", signatures)
    bulk(con, "insert_story_bands", bands)


def _seen_at(article: Article) -> datetime:
    return article.published or article.fetched_at


def _insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[dict]) -> set[str]:
    """Insert the batch's articles; the ids of those stored now (not stored before)."""
    ids = [a["article_id"] for a in articles]
    if dialect(con) == "duckdb":
        return {row[0] for row in bulk_returning(con, "insert_articles", articles, ids)}
    before = {row[0] for row in con.execute(sql("articles_present"), [ids]).fetchall()}
    bulk(con, "insert_articles", articles)
    return set(ids) - before


def _article_row(
    article: Article,
    batch: Batch,
    story_of: Mapping[str, str],
    feed_names: dict[str, str],
    run_id: str,
    now: datetime,
) -> dict:
    original = batch.duplicates.get(article.article_id)
    off_topic = article.article_id in batch.off_topic
    keep_text = _keeps_text(article, batch)
    return {
        "article_id": article.article_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "feed_name": feed_names.get(article.feed_url or ""),
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "sitename": article.sitename,
        "language": article.language,
        "text": article.text if keep_text else None,
        "content_hash": article.content_hash,
        "raw_hash": article.raw_hash,
        "duplicate_of": original,
        "extractor_version": article.extractor_version,
        "fetched_at": article.fetched_at,
        "stored_at": now,
        "run_id": run_id,
        "off_topic": off_topic,
        "story_id": story_of.get(article.article_id, original or article.article_id),
    }


def _attempts(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = con.execute(with_keys(sql("entry_attempts"), len(keys)), list(keys)).fetchall()
    return dict(rows)


def _entry_updates(
    batch: Batch,
    tried: Mapping[str, int],
    retry: RetryPolicy,
    key_of: Callable[[str], str] = entry_key,
) -> list[dict]:
    """Each entry's outcome; `tried` holds the attempts made before this one."""
    failed_with = {key_of(f.url): f for f in batch.failures}
    outcome: dict[str, dict] = {}
    for entry in batch.entries:
        key = key_of(entry.url)
        outcome[key] = _failed_row(key, failed_with.get(key), tried.get(key, 0) + 1, retry)
    for article in batch.articles:
        state = "duplicate" if article.article_id in batch.duplicates else "stored"
        state = "off_topic" if article.article_id in batch.off_topic else state
        key = key_of(article.url)
        outcome[key] = {
            "entry_key": key,
            "state": state,
            "article_id": article.article_id,
            "error": None,
            "failure_class": None,
            "next_attempt": None,
        }
    return list(outcome.values())


def _failed_row(key: str, failure: FetchFailure | None, attempts: int, retry: RetryPolicy) -> dict:
    """A failed entry's row: its reason, whether the failure is permanent, and when a
    transient one may be tried again."""
    verdict = judge(failure, attempts, retry)
    error = "no result" if failure is None else f"{failure.stage}:{failure.kind}: {failure.message}"
    if verdict.note:
        error = f"{error} ({verdict.note})"
    return {
        "entry_key": key,
        "state": "failed",
        "article_id": None,
        "error": error[:500],
        "failure_class": verdict.failure_class,
        "next_attempt": verdict.next_attempt,
    }


def _error_row(run_id: str, failure: FetchFailure, feed_names: dict[str, str]) -> dict:
    return {
        "run_id": run_id,
        "occurred_at": failure.at,
        "stage": failure.stage,
        "kind": failure.kind,
        "url": failure.url[:4096],
        "feed_name": feed_names.get(failure.feed_url or ""),
        "message": failure.message[:2000],
    }


def save_raw_pages(folder: Path, raw: Mapping[str, bytes]) -> None:
    """Each gzipped page under its content hash; write-then-rename so no file is
    half-written."""
    for key, gz in raw.items():
        target = folder / key[:2] / f"{key}.html.gz"
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(gz)
        tmp.replace(target)


def start_run(db: Database, run_id: str, flow_run_id: str | None, now: datetime) -> None:
    with db.transaction() as con:
        con.execute(query(con, "start_run"), [run_id, flow_run_id, now])


def finish_run(db: Database, run_id: str, counts: RunCounts, status: str = "completed") -> None:
    """Record the run's figures; the embedded file is checkpointed as this commits, so
    between runs it is whole without its write-ahead log (to copy, or back up)."""
    c = counts
    with db.transaction() as con:
        ask_checkpoint(con)
        con.execute(
            sql("finish_run"),
            [
                datetime.now(UTC),
                status,
                c.feeds_polled,
                c.feeds_not_modified,
                c.feeds_failed,
                c.entries_new,
                c.pages_fetched,
                c.articles_stored,
                c.duplicates,
                c.errors,
                c.off_topic,
                run_id,
            ],
        )


RETRY_MIGRATION = 9  # migrations/009_entry_retry.sql: failure_class, next_attempt


def entry_status(db: Database, max_attempts: int, now: datetime) -> list[dict] | None:
    """Entries by state and what comes next for the failed ones (`entry_status.sql`);
    None for a warehouse not yet migrated to 009 (its next ingest migrates it)."""
    with db.reader() as con:
        applied = {row[0] for row in con.execute(sql("applied_migrations")).fetchall()}
        if RETRY_MIGRATION not in applied:
            return None
        return rows_as_dicts(con.execute(sql("entry_status"), [max_attempts, now]))


def read(db: Database, query: str, params: Sequence[object] = ()) -> list[dict]:
    """Rows of a named query, on a read-only connection."""
    with db.reader() as con:
        return rows_as_dicts(con.execute(sql(query), list(params)))


def enable_feed(db: Database, name: str) -> str:
    """Clear a feed's failures so the next run polls it: 'enabled', 'off' (switched off
    in the config: edit the file) or 'missing'."""
    with db.transaction() as con:
        found = con.execute(sql("feed_switch"), [name]).fetchone()
        if found is not None:
            con.execute(sql("enable_feed"), [name])
    if found is None:
        return "missing"
    return "enabled" if found[1] else "off"


def remove_feed(db: Database, name: str) -> str:
    """Remove a feed added from the CLI: 'removed', 'config' (edit the file), or 'missing'."""
    with db.transaction() as con:
        found = con.execute(sql("feed_switch"), [name]).fetchone()
        if found is not None and found[0] == "cli":
            con.execute(sql("remove_feed"), [name])
    if found is None:
        return "missing"
    return "removed" if found[0] == "cli" else "config"
