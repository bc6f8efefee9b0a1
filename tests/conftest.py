"""Shared fixtures: one Prefect test harness and one seed-site server per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from flows.seedserver import serve_site  # noqa: E402
from pipeline.alerts import AlertSettings  # noqa: E402
from pipeline.settings import FeedSettings, Settings, load_settings  # noqa: E402

SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A throw-away Prefect API for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def bench_prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prefect API server, as the benches start one, shared by the benches' `--quick`
    checks (each would otherwise start its own: 20 to 30 s on a loaded machine)."""
    from bench.ingest import prefect_server

    with prefect_server(tmp_path_factory.mktemp("bench-prefect")) as url:
        yield url


@pytest.fixture(scope="session")
def seed_site() -> Iterator[str]:
    """Base URL of the bundled seed site, served on 127.0.0.1."""
    with serve_site() as base:
        yield base


@pytest.fixture
def seed_settings(seed_site: str, tmp_path: Path) -> Settings:
    """Demo settings (loopback allowed) with the seed feeds and a fresh database file."""
    settings = load_settings(SEEDS / "demo.toml", env={})
    storage = settings.storage.model_copy(update={"database": tmp_path / "newsmon.duckdb"})
    feeds = (
        FeedSettings(name="seed-rss", url=f"{seed_site}/feeds/rss.xml"),
        FeedSettings(name="seed-atom", url=f"{seed_site}/feeds/atom.xml"),
    )
    # no alerts: the demo's would write beside the project (tests/test_alerts.py sends them)
    return settings.model_copy(
        update={"storage": storage, "feeds": feeds, "alerts": AlertSettings()}
    )


def send_page(handler, status: int, body: bytes, headers=()) -> None:
    """Answer a test server's request: status, headers, an HTML content type, the body."""
    handler.send_response(status)
    for name, value in [*headers, ("Content-Type", "text/html; charset=utf-8")]:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
