"""Alerts: the rules, and the alert step of a real ingest (seed site on 127.0.0.1, real
Prefect, real DuckDB, real SMTP through aiosmtpd, a webhook receiver): sent once per deal
and channel, finished after a crash between a send and its record, marked by the digest."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from prefect.settings import get_current_settings

from flows.digest import digest_flow
from flows.ingest import ingest_flow
from pipeline.alerts import AlertSettings, compose_alert
from pipeline.digest import DealEntry, DigestSettings, Period, SentDeal, compose_digest
from pipeline.records import Party
from pipeline.settings import FeedSettings, Settings
from tests.conftest import ROOT
from tests.test_digest_delivery import Inbox, free_port
from tests.test_digest_flow import HeldWebhook, artifact_markdown, email_section

STARGATE = "joint_venture|OpenAI+Oracle+SoftBank|$100B+"
NOW = datetime(2025, 3, 12, 15, tzinfo=UTC)


# ---- the rules (pure) ------------------------------------------------------------------


def deal(key: str = STARGATE, **changes: object) -> DealEntry:
    base = DealEntry(
        deal_key=key,
        type="joint_venture",
        parties=(Party("OpenAI", "partner"), Party("Oracle", "partner")),
        status="announced",
        amount_usd=5e11,
        amount_text="$500 billion",
        amount_qualifier="up to",
        evidence="OpenAI, Oracle and SoftBank formed a joint venture.",
        first_seen=NOW,
        first_stored_at=NOW,
        first_source_url="https://news.example/a",
        sources=(),
        background_only=False,
    )
    return replace(base, **changes)


PARENTS = {"OpenAI": None, "Oracle": None, "Azure": "Microsoft", "Microsoft": None}


def alert_of(candidates, rules: AlertSettings, carried=()) -> list[str]:
    digest = compose_alert(candidates, set(carried), PARENTS, rules, "a1", NOW, NOW)
    assert digest.kind == "alert"
    return sorted(e.deal_key for e in digest.entries)


def test_alert_rules() -> None:
    talks = deal("talks", status="in_talks")
    small = deal("small", amount_usd=5e6)
    undisclosed = deal("undisclosed", amount_usd=None)
    azure = deal("azure", parties=(Party("Azure", "supplier"), Party("Oracle", "customer")))
    history = deal("history", background_only=True)
    confirmed = deal("confirmed", confirmed_at=NOW, confirmed_by="newsroom")
    every = [deal(), talks, small, undisclosed, azure, history, confirmed]
    rules = AlertSettings(channels=("file",))
    assert alert_of(every, rules) == sorted(
        [STARGATE, "azure", "confirmed", "small", "undisclosed", "talks"]
    )
    assert alert_of(every, rules, carried=[STARGATE, "azure"]) == sorted(
        ["confirmed", "small", "undisclosed", "talks"]
    )
    assert alert_of(every, replace_rules(rules, statuses=("in_talks",))) == ["talks"]
    assert alert_of(every, replace_rules(rules, confirmed_only=True)) == ["confirmed"]
    assert alert_of(every, replace_rules(rules, entities=("Microsoft",))) == ["azure"]
    big = replace_rules(rules, min_amount_usd=1e8, include_undisclosed=False)
    assert "small" not in alert_of(every, big) and "undisclosed" not in alert_of(every, big)


def replace_rules(rules: AlertSettings, **changes: object) -> AlertSettings:
    return AlertSettings.model_validate({**rules.model_dump(), **changes})


def test_the_digest_marks_an_alerted_deal_and_reports_its_changes_as_updates() -> None:
    alerted = SentDeal(STARGATE, "announced", 5e11, "$500 billion", "a1", NOW, "alert", False)
    period = Period(None, NOW, None, (deal(),), {STARGATE: alerted}, PARENTS)
    [entry] = compose_digest(period, DigestSettings(), "d1", NOW).entries
    assert entry.alerted_at == NOW and not entry.is_update

    confirmed = deal(confirmed_at=NOW, confirmed_by="newsroom")
    period = replace(period, candidates=(confirmed,))
    [entry] = compose_digest(period, DigestSettings(), "d2", NOW).entries
    assert entry.is_update and entry.alerted_at is None and entry.previous == alerted

    as_digest = replace(alerted, kind="digest")
    period = Period(None, NOW, None, (deal(),), {STARGATE: as_digest}, PARENTS)
    assert compose_digest(period, DigestSettings(), "d3", NOW).entries == ()


# ---- the alert step of a real ingest ---------------------------------------------------


def feeds(site: str, official: bool) -> tuple[FeedSettings, ...]:
    press = (FeedSettings(name="press", url=f"{site}/feeds/rss.xml"),)
    newsroom = FeedSettings(
        name="newsroom", url=f"{site}/feeds/official.xml", kind="official", entities=("OpenAI",)
    )
    return (*press, newsroom) if official else press


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.mark.usefixtures("prefect_harness")
def test_a_confirmed_deal_is_alerted_once_and_the_digest_marks_it(
    seed_settings: Settings, seed_site: str, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    folder = tmp_path / "out"
    digest = DigestSettings.model_validate(
        {"channels": ["file"], "email": email_section(port), "file": {"folder": str(folder)}}
    )
    alerts = AlertSettings(channels=("file", "email"), entities=("OpenAI",), confirmed_only=True)
    settings = seed_settings.model_copy(update={"digest": digest, "alerts": alerts})

    def run(official: bool) -> None:
        update = {"feeds": feeds(seed_site, official)}
        asyncio.run(ingest_flow(settings=settings.model_copy(update=update)))

    run(official=False)  # the press report: not confirmed yet, no alert
    assert inbox.messages == [] and not list(folder.glob("alert-*"))

    run(official=True)  # the newsroom confirms it: one alert, by file and by email
    [message] = inbox.messages
    assert "ALERT" in message["Subject"] and "Stargate" in message.as_string()
    assert "Confirmed by newsroom" in message.as_string()
    [alert_md] = folder.glob("alert-*.md")
    assert "Confirmed by newsroom on 12 Mar 2025" in alert_md.read_text()
    [(alert_id, status, keys)] = query(
        settings, "select digest_id, status, deal_keys from digests where kind = 'alert'"
    )
    assert (status, keys) == ("sent", [STARGATE]) and alert_id in message["X-Newsmon-Digest"]
    sent = query(settings, "select channel, status, attempts from digest_deliveries order by 1")
    assert sent == [("email", "sent", 1), ("file", "sent", 1)]
    # the alert sent from inside the (async) ingest flow leaves its artifact too
    assert "Stargate" in artifact_markdown("deal-alert")

    run(official=True)  # nothing new: no second alert
    assert len(inbox.messages) == 1
    assert query(settings, "select count(*) from digests where kind = 'alert'") == [(1,)]

    [outcome] = digest_flow(settings=settings)  # the digest: Stargate marked as alerted
    assert outcome.status == "sent"
    [digest_md] = [p for p in folder.glob("*.md") if not p.name.startswith("alert-")]
    text = digest_md.read_text()
    assert "already alerted on" in text and "Stargate Project" in text
    [(content,)] = query(
        settings, "select content::varchar from digests where digest_id = ?", [outcome.digest_id]
    )
    entries = {e["deal_key"]: e for e in json.loads(content)["entries"]}
    assert entries[STARGATE]["alerted_at"] is not None
    assert entries[STARGATE]["previous"] is None  # not sent again as new, nor as an update
    assert len(inbox.messages) == 1  # the digest went by file only


@pytest.mark.usefixtures("prefect_harness")
def test_an_alert_killed_mid_send_is_finished_once_by_the_next_ingest(
    seed_settings: Settings, seed_site: str, tmp_path: Path
) -> None:
    """`newsmon ingest` killed while its alert's webhook POST is in flight (the file channel
    sent and recorded): the next ingest posts it once more, with the same alert id, and
    does not write the file again; the digest then marks the deal as alerted."""
    hook = HeldWebhook.start()
    url = hook.url
    config = tmp_path / "newsmon.toml"
    config.write_text(
        '[storage]\ndatabase = "newsmon.duckdb"\n'
        '[http]\nallow_private_networks = ["127.0.0.0/8"]\nper_host_delay_s = 0.0\n'
        '[alerts]\nchannels = ["file", "webhook"]\nconfirmed_only = true\n'
        '[digest]\nchannels = ["file"]\n'
        '[digest.webhook]\nformat = "json"\nretries = 0\ntimeout_s = 30\n'
        f'[[feeds]]\nname = "press"\nurl = "{seed_site}/feeds/rss.xml"\n'
        f'[[feeds]]\nname = "newsroom"\nurl = "{seed_site}/feeds/official.xml"\n'
        'kind = "official"\nentities = ["OpenAI"]\n'
    )
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "NEWSMON_WEBHOOK_URL": url,
    }
    command = [sys.executable, "-m", "flows.cli", "ingest", "-c", str(config)]
    hook.kill_mid_post(command, env, wait_s=180)
    [alert_md] = (tmp_path / "digests").glob("alert-*.md")
    written = alert_md.stat().st_mtime_ns
    database = tmp_path / "newsmon.duckdb"
    settings = seed_settings.model_copy(
        update={"storage": seed_settings.storage.model_copy(update={"database": database})}
    )
    [(alert_id, status)] = query(settings, "select digest_id, status from digests")
    assert status == "pending" and hook.posts[0]["digest_id"] == alert_id
    assert hook.posts[0]["kind"] == "newsmon.alert" and STARGATE in json.dumps(hook.posts[0])
    delivered = query(settings, "select channel, status from digest_deliveries")
    assert delivered == [("file", "sent")]

    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
    hook.close()
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    # the killed one, once more
    assert [p["digest_id"] for p in hook.posts] == [alert_id, alert_id]
    assert alert_md.stat().st_mtime_ns == written  # the file channel had it: not written again
    assert query(settings, "select digest_id, status from digests") == [(alert_id, "sent")]

    digest = subprocess.run(
        [sys.executable, "-m", "flows.cli", "digest", "-c", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert digest.returncode == 0, digest.stderr.decode()[-2000:]
    assert len(hook.posts) == 2  # the digest goes by file; the webhook saw the alert only
    [digest_md] = [p for p in (tmp_path / "digests").glob("*.md") if p != alert_md]
    assert "already alerted on" in digest_md.read_text()
