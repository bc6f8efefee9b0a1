"""Digest state in the warehouse: what a digest may cover, what was sent, where it went.

A digest is written `pending` with its content before anything is sent; each channel's
outcome is recorded as it happens; the digest becomes `sent` (and its watermark the
start of the next period) only when every channel has it. A run that finds a pending
digest re-sends that content to the channels that lack it, so no channel gets it twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from pipeline.digest import (
    DealEntry,
    DealSource,
    Digest,
    DigestSettings,
    Period,
    SentDeal,
    compose_digest,
    digest_as_dict,
    digest_from_dict,
)
from pipeline.records import Party
from warehouse.db import Database, StoreError, bulk, query, rows_as_dicts, sql

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class DigestConflict(StoreError):
    """Another run opened a digest for this period first."""


@dataclass(frozen=True, slots=True)
class Pending:
    """A digest some channel has not yet received."""

    digest: Digest
    channels: tuple[str, ...]
    delivered: frozenset[str]


def _connection(db: Database, read_only: bool) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    return db.reader() if read_only else db.transaction()


# ---- reads -----------------------------------------------------------------------------


def read_period(db: Database, since: datetime | None = None, read_only: bool = False) -> Period:
    """Everything a digest built now needs, read in one transaction (a consistent view).

    The period starts at the last closed watermark, or at `since` when given; it ends at
    the latest ingest time, which becomes the digest's watermark.
    """
    with _connection(db, read_only) as con:
        migrated = _has_digests(con)  # a dry run may read a database from before digests
        previous = _state(con)[0] if migrated else None
        start = since if since is not None else previous
        latest = con.execute(sql("d_latest_stored")).fetchone()[0]
        rows = rows_as_dicts(con.execute(sql("d_candidates"), [start or EPOCH]))
        sent = _sent(con, [r["deal_key"] for r in rows]) if migrated else {}
        parents = dict(con.execute(sql("d_entity_parents")).fetchall())
    ends = [_utc(t) for t in (latest, previous) if t is not None]
    return Period(
        start=_utc(start),
        watermark=max(ends, default=None),
        previous_watermark=_utc(previous),
        candidates=tuple(_entry(row) for row in rows),
        sent=sent,
        parents=parents,
    )


def pending_digest(db: Database, read_only: bool = False, kind: str = "digest") -> Pending | None:
    """The oldest digest (or alert, with `kind="alert"`) some channel has not received."""
    with _connection(db, read_only) as con:
        if not _has_digests(con):
            return None
        row = con.execute(sql("d_pending_digest"), [kind]).fetchone()
    if row is None:
        return None
    _digest_id, channels, content, delivered = row
    return Pending(digest_from_dict(json.loads(content)), tuple(channels), frozenset(delivered))


def current_watermark(db: Database) -> datetime | None:
    """Where the next digest starts: the watermark of the latest sent (or empty) digest."""
    with db.reader() as con:
        return _utc(_state(con)[0]) if _has_digests(con) else None


def _has_digests(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(sql("d_has_digests")).fetchone()[0])


def _state(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, int]:
    watermark, pending = con.execute(sql("d_digest_state")).fetchone()
    return watermark, pending


def _sent(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> dict[str, SentDeal]:
    if not keys:
        return {}
    rows = rows_as_dicts(con.execute(sql("d_sent_deals"), [list(keys)]))
    return {r["deal_key"]: SentDeal(**{**r, "sent_at": _utc(r["sent_at"])}) for r in rows}


def _entry(row: dict[str, Any]) -> DealEntry:
    return DealEntry(
        deal_key=row["deal_key"],
        type=row["type"],
        parties=tuple(Party(p["name"], p["role"]) for p in row["parties"]),
        status=row["status"],
        amount_usd=row["amount_usd"],
        amount_text=row["amount_text"],
        amount_qualifier=row["amount_qualifier"],
        evidence=row["evidence"],
        first_seen=_utc(row["first_seen"]),
        first_stored_at=_utc(row["first_stored_at"]),
        first_source_url=row["first_source_url"],
        sources=tuple(
            DealSource(s["url"], s["title"], s["outlet"], _utc(s["published"]))
            for s in row["sources"]
        ),
        background_only=row["background_only"],
        name=row["name"],
        confirmed_by=row["confirmed_by"],
        confirmed_at=_utc(row["confirmed_at"]),
        confirmed_url=row["confirmed_url"],
    )


def _utc(value: datetime | None) -> datetime | None:
    # DuckDB hands timestamptz back in the session's time zone; digests speak UTC
    return value.astimezone(UTC) if value is not None else None


# ---- writes ----------------------------------------------------------------------------


def open_digest(
    db: Database, digest: Digest, channels: Sequence[str], previous: datetime | None
) -> None:
    """Record `digest` as pending, before anything is sent. Fails if another run has
    opened a digest or closed this period since `previous` was read."""
    _insert(db, digest, "pending", channels, previous)


def record_empty(db: Database, digest: Digest, previous: datetime | None) -> None:
    """Close a period with nothing to send: the watermark moves, nothing is delivered."""
    _insert(db, digest, "empty", (), previous)


def _insert(
    db: Database, digest: Digest, status: str, channels: Sequence[str], previous: datetime | None
) -> None:
    completed = digest.created if status == "empty" else None
    with db.transaction() as con:
        watermark, pending = _state(con)
        if pending or _utc(watermark) != previous:
            raise DigestConflict("another digest run got there first; try again")
        con.execute(
            sql("d_insert_digest"),
            [
                digest.digest_id,
                digest.created,
                digest.period_start,
                digest.watermark,
                status,
                list(channels),
                [e.deal_key for e in digest.entries],
                json.dumps(digest_as_dict(digest), ensure_ascii=False),
                completed,
                digest.kind,
            ],
        )
        bulk(con, "d_insert_digest_items", _item_rows(digest))


def _item_rows(digest: Digest) -> list[dict[str, Any]]:
    return [
        {
            "digest_id": digest.digest_id,
            "deal_key": e.deal_key,
            "rank": rank,
            "is_update": e.is_update,
            "status": e.status,
            "amount_usd": e.amount_usd,
            "amount_text": e.amount_text,
            "confirmed": e.is_confirmed,
        }
        for rank, e in enumerate(digest.entries, 1)
    ]


def read_alert_candidates(
    db: Database, since: datetime
) -> tuple[list[DealEntry], set[str], dict[str, str | None]]:
    """What an alert built now needs, in one transaction: the deals with a sighting stored
    after `since` (the ingest's start), which of them a digest or an alert has carried,
    and the parents for roll-up."""
    with db.transaction() as con:
        rows = rows_as_dicts(con.execute(sql("d_candidates"), [since]))
        keys = [r["deal_key"] for r in rows]
        carried = {row[0] for row in con.execute(sql("d_carried_deals"), [keys]).fetchall()}
        parents = dict(con.execute(sql("d_entity_parents")).fetchall())
    return [_entry(row) for row in rows], carried, parents


def open_alert(db: Database, alert: Digest, channels: Sequence[str]) -> None:
    """Record an alert as pending, with its deals, before anything is sent: from then on
    no other alert carries them, and a crash leaves it for the next run to finish."""
    with db.transaction() as con:
        con.execute(
            sql("d_insert_digest"),
            [
                alert.digest_id,
                alert.created,
                alert.period_start,
                None,
                "pending",
                list(channels),
                [e.deal_key for e in alert.entries],
                json.dumps(digest_as_dict(alert), ensure_ascii=False),
                None,
                "alert",
            ],
        )
        bulk(con, "d_insert_digest_items", _item_rows(alert))


def record_delivery(
    db: Database, digest_id: str, channel: str, ok: bool, detail: str, now: datetime
) -> None:
    with db.transaction() as con:
        con.execute(
            query(con, "d_record_delivery"),
            [digest_id, channel, "sent" if ok else "failed", now, now if ok else None, detail],
        )


def complete_digest(db: Database, digest_id: str, now: datetime) -> None:
    """Every channel has it: the digest's watermark now starts the next period."""
    with db.transaction() as con:
        con.execute(sql("d_complete_digest"), [now, digest_id])


def preview_digest(
    db: Database, settings: DigestSettings, since: datetime | None, now: datetime
) -> tuple[Digest, Pending | None]:
    """What a run would send now, read-only: the pending digest if there is one (a run
    finishes it first), else the digest of the current period."""
    pending = pending_digest(db, read_only=True)
    if pending is not None:
        return pending.digest, pending
    period = read_period(db, since, read_only=True)
    return compose_digest(period, settings, "preview", now), None
