"""The alert step at the end of each ingest: the new deals that match `[alerts]`, sent at
once through the digest's channels.

Reads top to bottom, like the digest flow: finish any alert a crash or a failed channel
left pending (same alert, only to the channels that lack it); then compose the alert of
the deals this ingest touched, record it as pending with its deals, send it through each
channel, recording each delivery, and close it when every channel has it. A crash between
a send and its record re-sends to that one channel only (with the same alert id, which
the email's Message-ID and the webhook's Idempotency-Key carry, and the same file name).
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime

from prefect import task

from flows.digest import DigestOutcome, send_all
from flows.tasks import STORE_TASK
from pipeline.alerts import alert_options, compose_alert
from pipeline.delivery import DeliverySecrets, check_channels
from pipeline.digest import Digest, channels_due, output_folder
from pipeline.settings import Settings, SettingsError
from warehouse import digests
from warehouse.db import Database
from warehouse.digests import Pending

log = logging.getLogger(__name__)


def check_alerts(settings: Settings) -> None:
    """What stops an alert channel from working, as a config error, before the ingest."""
    if not settings.alerts.enabled:
        return
    options = alert_options(settings.alerts, settings.digest)
    problems = check_channels(options.channels, options, DeliverySecrets.from_env(os.environ))
    if problems:
        raise SettingsError("cannot send alerts:\n  " + "\n  ".join(problems))


@task(**STORE_TASK)
def pending_alert(db: Database) -> Pending | None:
    return digests.pending_digest(db, kind="alert")


@task(**STORE_TASK)
def compose(db: Database, settings: Settings, since: datetime) -> Digest:
    candidates, carried, parents = digests.read_alert_candidates(db, since)
    alert_id = uuid.uuid4().hex
    return compose_alert(
        candidates, carried, parents, settings.alerts, alert_id, datetime.now(UTC), since
    )


@task(**STORE_TASK)
def record(db: Database, alert: Digest, channels: tuple[str, ...]) -> None:
    digests.open_alert(db, alert, channels)


def send_alerts(db: Database, settings: Settings, since: datetime) -> list[DigestOutcome]:
    """Finish pending alerts, then alert the new matching deals stored since `since`."""
    options = alert_options(settings.alerts, settings.digest)
    secrets = DeliverySecrets.from_env(os.environ)
    folder = output_folder(options.file.folder, settings.source)
    outcomes = []
    while (pending := pending_alert(db)) is not None:
        due = channels_due(pending.channels, pending.delivered, options.channels)
        outcomes.append(send_all(db, pending.digest, due, options, secrets, folder, True))
        if outcomes[-1].status != "sent":
            log.warning("alert %s still misses a channel; the next ingest retries", pending)
            break
    alert = compose(db, settings, since)
    if alert.entries:
        record(db, alert, options.channels)
        outcomes.append(send_all(db, alert, options.channels, options, secrets, folder))
    return outcomes
