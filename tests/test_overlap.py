"""Two ingest processes on one database at once: both finish, nothing is duplicated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from prefect.settings import get_current_settings

from tests.conftest import ROOT
from tests.test_summaries import assert_equal_to_rebuild
from warehouse.db import Database

pytestmark = pytest.mark.usefixtures("prefect_harness")
KEYS = {
    "feeds": "name",
    "entries": "entry_key",
    "articles": "article_id",
    "mentions": "article_id, start_offset",
    "deal_mentions": "article_id, deal_index",
}


def _config(tmp_path: Path, seed_site: str, name: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f"""
[storage]
database = "{name}.duckdb"
[http]
allow_private_networks = ["127.0.0.0/8"]
per_host_delay_s = 0
[ingest]
extract_workers = 1
[[feeds]]
name = "seed-rss"
url = "{seed_site}/feeds/rss.xml"
[[feeds]]
name = "seed-atom"
url = "{seed_site}/feeds/atom.xml"
""")
    return path


def _ingest(config: Path) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url)}
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(db: Path) -> dict[str, tuple[int, int]]:
    """Rows per table and distinct keys per table."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: con.execute(f"select count(*), count(distinct ({k})) from {t}").fetchone()
            for t, k in KEYS.items()
        }


def test_two_overlapping_ingests_equal_one(tmp_path: Path, seed_site: str) -> None:
    # The reference run has a database of its own: it starts beside the two that share one
    # (each process's start-up is most of its time), not before them.
    single = _ingest(_config(tmp_path, seed_site, "single"))
    both = [_ingest(_config(tmp_path, seed_site, "shared")) for _ in range(2)]
    for proc in (single, *both):
        assert proc.wait(timeout=240) == 0, proc.stderr.read()
    shared, alone = _rows(tmp_path / "shared.duckdb"), _rows(tmp_path / "single.duckdb")
    assert shared == alone
    assert all(rows == keys for rows, keys in shared.values())
    assert shared["articles"][0] == 3
    # the summaries behind the views: as a rebuild makes them, and as one run made them
    shared_sums = _timeless(assert_equal_to_rebuild(Database(tmp_path / "shared.duckdb")))
    assert shared_sums == _timeless(assert_equal_to_rebuild(Database(tmp_path / "single.duckdb")))


def _timeless(summaries: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The summaries without `first_stored_at`, which says when this database stored a deal."""
    deals = [row[:9] + row[10:] for row in summaries["summary_deals"]]
    return summaries | {"summary_deals": deals}
