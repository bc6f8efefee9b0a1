"""The digest flow: finish a pending digest, then build, record and send the next one.

Reads top to bottom: resume whatever a failed channel left pending (same digest, same
content, only to the channels that lack it); then compose the digest of the deals
stored since the watermark, record it as pending, send it through each channel, and
close it when every channel has it. No SQL and no selection logic here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from flows.tasks import STORE_TASK
from pipeline.delivery import (
    DeliveryResult,
    DeliverySecrets,
    Payloads,
    check_channels,
    deliver,
    make_payloads,
)
from pipeline.digest import (
    Digest,
    DigestSettings,
    Period,
    channels_due,
    compose_digest,
    digest_settings,
    output_folder,
    run_settings,
    should_send,
)
from pipeline.render import counts_label, render_markdown
from pipeline.settings import Settings, SettingsError, load_settings
from warehouse import digests
from warehouse.backend import open_database
from warehouse.db import Database
from warehouse.digests import Pending


@dataclass(frozen=True)
class DigestOutcome:
    """What one run did with one digest."""

    digest_id: str
    status: str  # sent | incomplete | empty
    deals: int
    updates: int
    resumed: bool = False
    deliveries: tuple[DeliveryResult, ...] = ()


@task(**STORE_TASK)
def prepare(db: Database) -> Pending | None:
    db.migrate()
    return digests.pending_digest(db)


@task(**STORE_TASK)
def read_period(db: Database, since: datetime | None) -> Period:
    return digests.read_period(db, since)


@task(cache_policy=NONE)
def compose(period: Period, options: DigestSettings) -> Digest:
    return compose_digest(period, options, uuid.uuid4().hex, datetime.now(UTC))


@task(**STORE_TASK)
def record(db: Database, digest: Digest, channels: Sequence[str], period: Period) -> None:
    digests.open_digest(db, digest, channels, period.previous_watermark)


@task(**STORE_TASK)
def record_empty(db: Database, digest: Digest, period: Period) -> None:
    digests.record_empty(db, digest, period.previous_watermark)


@task(cache_policy=NONE)
def send(
    channel: str,
    payloads: Payloads,
    options: DigestSettings,
    secrets: DeliverySecrets,
    folder: Path,
) -> DeliveryResult:
    with httpx.Client(follow_redirects=False) as client:
        return deliver(channel, payloads, options, secrets, folder, client)


@task(**STORE_TASK)
def note(db: Database, digest_id: str, result: DeliveryResult) -> None:
    digests.record_delivery(
        db, digest_id, result.channel, result.ok, result.detail, datetime.now(UTC)
    )


@task(**STORE_TASK)
def close(db: Database, digest_id: str) -> None:
    digests.complete_digest(db, digest_id, datetime.now(UTC))


@flow(name="digest", log_prints=False)
def digest_flow(
    config: str | None = None,
    settings: Settings | None = None,
    since: datetime | None = None,
    channels: list[str] | None = None,
    include_background: bool | None = None,
) -> list[DigestOutcome]:
    """Send the deals first stored since the last digest. Safe to re-run: a digest that
    reached only some channels is finished, never sent twice to the same channel."""
    settings = settings or load_settings(config)
    options = run_settings(digest_settings(settings), channels, include_background)
    secrets = DeliverySecrets.from_env(os.environ)
    problems = check_channels(options.channels, options, secrets)
    if problems:
        raise SettingsError("cannot send the digest:\n  " + "\n  ".join(problems))
    db = open_database(settings.storage)
    folder = output_folder(options.file.folder, settings.source)

    outcomes = []
    pending = prepare(db)
    if pending is not None:
        due = channels_due(pending.channels, pending.delivered, options.channels)
        outcomes.append(send_all(db, pending.digest, due, options, secrets, folder, True))
        if outcomes[-1].status != "sent":
            return outcomes  # the watermark stays; the next run tries again

    period = read_period(db, since)
    digest = compose(period, options)
    if should_send(digest, options):
        record(db, digest, options.channels, period)
        outcomes.append(send_all(db, digest, options.channels, options, secrets, folder))
    else:
        if digest.watermark != period.previous_watermark:
            record_empty(db, digest, period)
        outcomes.append(DigestOutcome(digest.digest_id, "empty", 0, 0))
        _artifact(digest, outcomes[-1])
    return outcomes


def send_all(
    db: Database,
    digest: Digest,
    channels: Sequence[str],
    options: DigestSettings,
    secrets: DeliverySecrets,
    folder: Path,
    resumed: bool = False,
) -> DigestOutcome:
    payloads = make_payloads(digest, options)
    results = []
    for channel in channels:
        result = send(channel, payloads, options, secrets, folder)
        note(db, digest.digest_id, result)
        results.append(result)
    done = all(r.ok for r in results)
    if done:
        close(db, digest.digest_id)
    outcome = DigestOutcome(
        digest.digest_id,
        "sent" if done else "incomplete",
        len(digest.entries),
        digest.updates,
        resumed,
        tuple(results),
    )
    _artifact(digest, outcome)
    return outcome


def _artifact(digest: Digest, outcome: DigestOutcome) -> None:
    rows = "\n".join(
        f"| {r.channel} | {'sent' if r.ok else 'FAILED'} | {r.detail.replace('|', '/')} |"
        for r in outcome.deliveries
    )
    table = f"| channel | result | detail |\n|---|---|---|\n{rows}\n" if rows else ""
    resumed = " (re-sent: some channels failed before)" if outcome.resumed else ""
    # `_sync=True`: Prefect dispatches this call to its async twin whenever an event loop
    # runs in the thread (the alert sent at the end of an ingest), which returned an
    # un-awaited coroutine there: the artifact was never made
    create_markdown_artifact(
        key="deal-alert" if digest.kind == "alert" else "deal-digest",
        markdown=f"{render_markdown(digest)}\n## Delivery: {outcome.status}{resumed}\n\n{table}",
        description=f"newsmon digest: {counts_label(digest)}",
        _sync=True,
    )
