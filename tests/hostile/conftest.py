"""Fixtures of the hostile suite: the fault-injection server, and configs with small bounds
so that no test waits on a default timeout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.server import CASES, HostileServer, spawn_hostile

# What the ingest runs use: every wait is short, every cap is the default. The read timeout
# outlasts the drip cases' one byte a second, so it is the deadline that ends them; the
# deadline leaves a loaded machine time to move 16 MiB, so too_large stays too_large. The
# connect and read timeouts leave a loaded machine (CI shares its two cores with the whole
# suite) time to answer a small fault promptly, so a small bad answer is never a `timeout`.
FAST_HTTP = """\
allow_private_networks = ["127.0.0.0/8"]
per_host_delay_s = 0
per_host_connections = 8
deadline_s = 6
read_timeout_s = 3
connect_timeout_s = 3
"""
FAST_INGEST = """\
max_items_per_feed = 50
extract_timeout_s = 5
extract_workers = 2
"""
# Cases that are not feeds: article pages, and hops of other cases.
NOT_FEEDS = {"redirect-loop-back", "redirect-localhost", "echo-host"}
FEED_CASES = sorted(n for n in CASES if not n.startswith("page-") and n not in NOT_FEEDS)


@pytest.fixture(scope="session")
def hostile() -> Iterator[HostileServer]:
    with spawn_hostile() as server:
        yield server


def write_config(
    path: Path,
    database: Path,
    feeds: dict[str, str],
    http: str = FAST_HTTP,
    ingest: str = FAST_INGEST,
    extra: str = "",
) -> Path:
    """A newsmon.toml with these feeds (name -> URL) and sections."""
    listed = "".join(f'[[feeds]]\nname = "{name}"\nurl = "{url}"\n' for name, url in feeds.items())
    path.write_text(
        f'[storage]\ndatabase = "{database}"\nlock_timeout_s = 30\n'
        f"[http]\n{http}[ingest]\n{ingest}{extra}{listed}",
        encoding="utf-8",
    )
    return path


def seed_feeds(seed_site: str) -> dict[str, str]:
    return {"seed-rss": f"{seed_site}/feeds/rss.xml", "seed-atom": f"{seed_site}/feeds/atom.xml"}
