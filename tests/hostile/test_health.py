"""Feed health: failure classes and weights, linear backoff with a cap, Retry-After capped
and jittered, disabling after N weighted failures, and `newsmon feeds enable` / `status`."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest_flow
from pipeline.health import FeedHealth, assess, classify
from pipeline.records import PollResult
from pipeline.settings import HealthSettings, load_settings
from tests.hostile.conftest import seed_feeds, write_config
from tests.hostile.server import HostileServer
from warehouse import store
from warehouse.db import Database

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
NO_JITTER = HealthSettings(jitter=0)


def _error(kind: str, status: int | None = None, retry_after: float | None = None) -> PollResult:
    return PollResult(
        "http://f.example/", "error", status, error=f"{kind}: x", retry_after_s=retry_after
    )


OK = PollResult("http://f.example/", "ok", 200)


@pytest.mark.parametrize(
    ("poll", "expected"),
    [
        (OK, None),
        (PollResult("u", "not_modified", 304), None),
        (_error("http_404", 404), "hard"),
        (_error("http_410", 410), "hard"),
        (_error("http_401", 401), "hard"),
        (_error("not_a_feed", 200), "hard"),
        (_error("bad_scheme"), "hard"),
        (_error("private_address"), "hard"),
        (_error("too_large", 200), "hard"),
        (_error("redirect_loop"), "hard"),
        (_error("http_500", 500), "soft"),
        (_error("http_502", 502), "soft"),
        (_error("http_503", 503), "soft"),  # no Retry-After: an outage
        (_error("http_408", 408), "soft"),
        (_error("timeout"), "soft"),
        (_error("deadline"), "soft"),
        (_error("network"), "soft"),
        (_error("dns"), "soft"),
        (_error("challenge", 403), "soft"),
        (_error("bad_encoding", 200), "soft"),
        (_error("unexpected_304", 304), "soft"),
        (_error("http_429", 429), "temporary"),
        (_error("http_429", 429, 60.0), "temporary"),
        (_error("http_503", 503, 60.0), "temporary"),
    ],
)
def test_failure_classes(poll: PollResult, expected: str | None) -> None:
    assert classify(poll) == expected


def test_a_success_clears_everything() -> None:
    before = FeedHealth(7, 3.5, NOW, None, "soft")
    assert assess(before, OK, NOW, NO_JITTER, random.Random(1)) == FeedHealth()


def test_backoff_is_linear_in_the_failures_and_capped() -> None:
    settings = HealthSettings(jitter=0, backoff_step_s=900, backoff_cap_s=3600, disable_after=99)
    health, delays = FeedHealth(), []
    for _ in range(6):
        health = assess(health, _error("http_500", 500), NOW, settings, random.Random(1))
        delays.append((health.next_poll - NOW).total_seconds())
    assert delays == [900, 1800, 2700, 3600, 3600, 3600]
    assert health.consecutive_failures == 6
    assert health.failure_weight == pytest.approx(6 * 0.25)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [(120.0, 120), (0.0, 0), (-30.0, 0), (88 * 3600.0, 86400)],
)
def test_retry_after_is_honoured_up_to_its_cap(retry_after: float, expected: int) -> None:
    health = assess(
        FeedHealth(), _error("http_429", 429, retry_after), NOW, NO_JITTER, random.Random()
    )
    assert (health.next_poll - NOW).total_seconds() == expected
    assert (health.failure_class, health.failure_weight) == ("temporary", 0.0)


def test_jitter_only_adds_up_to_its_fraction() -> None:
    settings = HealthSettings(jitter=0.1)
    rng = random.Random(7)
    delays = [
        (assess(FeedHealth(), _error("http_429", 429, 1000.0), NOW, settings, rng).next_poll - NOW)
        for _ in range(200)
    ]
    assert min(delays) >= timedelta(seconds=1000)
    assert max(delays) <= timedelta(seconds=1100)
    assert len(set(delays)) > 150  # spread out, not one instant


def test_disabled_after_n_weighted_failures_with_the_reason_kept() -> None:
    settings = HealthSettings(disable_after=2.0)
    health = FeedHealth()
    for _ in range(7):  # soft: 0.25 each
        health = assess(health, _error("timeout"), NOW, settings, random.Random(1))
    assert health.disabled_reason is None
    health = assess(health, _error("http_404", 404), NOW, settings, random.Random(1))
    assert health.failure_weight == pytest.approx(2.75)
    assert health.disabled_reason is not None
    assert health.disabled_reason.startswith("disabled after 8 failures (weight 2.75): http_404")


def test_temporary_failures_alone_never_disable() -> None:
    health = FeedHealth()
    for _ in range(1000):
        health = assess(health, _error("http_429", 429, 5.0), NOW, NO_JITTER, random.Random(1))
    assert health.disabled_reason is None and health.consecutive_failures == 1000


def test_health_settings_validate_with_the_key_named(tmp_path: Path) -> None:
    from pipeline.settings import SettingsError

    path = tmp_path / "newsmon.toml"
    path.write_text("[health]\njitter = 2\n")
    with pytest.raises(SettingsError, match=r"health\.jitter"):
        load_settings(path, env={})


# ---- through the real flow, the real store and the CLI ---------------------------------------

runner = CliRunner()


def _feeds(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select feed, last_status, failures, failure_weight, next_poll, disabled_reason, "
            "health from feed_health"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _due(db: Path) -> set[str]:
    """The feeds the next run polls (the flow asks exactly this)."""
    return {name for name, _ in store.due_feeds(Database(db), datetime.now(UTC))}


@pytest.mark.usefixtures("prefect_harness")
def test_a_failing_feed_is_skipped_until_due_then_disabled_then_enabled(
    tmp_path: Path, seed_site: str, hostile: HostileServer
) -> None:
    db = tmp_path / "newsmon.duckdb"
    feeds = seed_feeds(seed_site) | {"gone": hostile.feed("status-404")}
    config = write_config(tmp_path / "newsmon.toml", db, feeds)

    first = _ingest(config)
    assert (first.feeds_polled, first.feeds_failed) == (3, 1)
    gone = _feeds(db)["gone"]
    assert gone[:3] == ("error", 1, 1.0) and gone[3] > datetime.now(UTC)
    assert gone[5] == "backing off"
    assert _due(db) == {"seed-rss", "seed-atom"}  # not due: the next run leaves it out

    # With no backoff, every run polls a failing feed; at 2 weighted failures it is disabled.
    feeds |= {"gone-too": hostile.feed("status-410")}
    config = write_config(tmp_path / "newsmon.toml", db, feeds, extra=EAGER)
    for _ in range(2):
        counts = _ingest(config)
        assert (counts.feeds_polled, counts.feeds_failed) == (3, 1)  # not "gone": not due
    gone = _feeds(db)["gone-too"]
    assert gone[1:3] == (2, 2.0) and gone[4].startswith("disabled after 2 failures (weight 2)")
    assert gone[5] == "disabled"
    assert _due(db) == {"seed-rss", "seed-atom"}

    status = runner.invoke(app, ["status", "--config", str(config)])
    assert status.exit_code == 0, status.output
    assert "1 backing off, 1 disabled, 2 ok" in status.output
    assert "feeds enable" in status.output

    enabled = runner.invoke(app, ["feeds", "enable", "gone-too", "--config", str(config)])
    assert enabled.exit_code == 0, enabled.output
    assert _feeds(db)["gone-too"][1:] == (0, 0.0, None, None, "failing")
    assert _due(db) == {"seed-rss", "seed-atom", "gone-too"}


def _ingest(config: Path):
    return asyncio.run(ingest_flow(settings=load_settings(config, env={}))).counts


EAGER = "[health]\nbackoff_step_s = 0\ndisable_after = 2\n"


def test_feeds_enable_names_the_problem(tmp_path: Path) -> None:
    config = write_config(tmp_path / "newsmon.toml", tmp_path / "n.duckdb", {})
    missing = runner.invoke(app, ["feeds", "enable", "nope", "--config", str(config)])
    assert missing.exit_code == 2 and "no feed named nope" in missing.output
