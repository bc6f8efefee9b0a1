"""The seeded warehouse the analysis tests read: the seed site through the real ingest.

`seeded_settings` ingests the seeds once per test session (real HTTP server, real
Prefect, real DuckDB file), which also keeps the search index; later calls reuse the file.
Tests read it; a test that must change data works on `copy_database`.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest_flow
from pipeline.alerts import AlertSettings
from pipeline.settings import FeedSettings, Settings, load_settings
from tests.conftest import SEEDS
from warehouse import search
from warehouse.db import Database

MANIFEST = json.loads((SEEDS / "fixtures.json").read_text())
STARGATE_URL = next(
    p["canonical_url"] for p in MANIFEST["pages"] if "stargate" in p["canonical_url"]
)
HYPERSCALERS_URL = next(
    p["canonical_url"]
    for p in MANIFEST["pages"]
    if p["kind"] == "original" and "hyperscalers" in p["canonical_url"]
)
SYNDICATED_URL = next(p["canonical_url"] for p in MANIFEST["pages"] if p["kind"] == "syndicated")


def seed_settings_for(seed_site: str, database: Path) -> Settings:
    settings = load_settings(SEEDS / "demo.toml", env={})
    storage = settings.storage.model_copy(update={"database": database, "lock_timeout_s": 10.0})
    feeds = (
        FeedSettings(name="seed-rss", url=f"{seed_site}/feeds/rss.xml"),
        FeedSettings(name="seed-atom", url=f"{seed_site}/feeds/atom.xml"),
    )
    alerts = AlertSettings()  # the demo's would write beside the project
    return settings.model_copy(update={"storage": storage, "feeds": feeds, "alerts": alerts})


def seeded_settings(tmp_path_factory: pytest.TempPathFactory, seed_site: str) -> Settings:
    """Settings of the seeded database, ingested on the first call of the session."""
    folder = tmp_path_factory.getbasetemp() / "analysis-seeded"
    settings = seed_settings_for(seed_site, folder / "newsmon.duckdb")
    done = folder / "ingested"
    if not done.exists():
        folder.mkdir(exist_ok=True)
        result = asyncio.run(ingest_flow(settings=settings))
        assert (result.counts.articles_stored, result.counts.duplicates) == (2, 1)
        done.touch()
    return settings


def copy_database(settings: Settings, target: Path) -> Path:
    """A copy of the (closed) seeded database file that a test may change."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(settings.storage.database, target)
    return target


@pytest.mark.usefixtures("prefect_harness")
def test_seeded_database_has_the_seed_articles_and_an_index(
    tmp_path_factory: pytest.TempPathFactory, seed_site: str
) -> None:
    settings = seeded_settings(tmp_path_factory, seed_site)
    with Database(settings.storage.database).reader() as con:
        urls = {r[0] for r in con.execute("select canonical_url from articles").fetchall()}
        assert urls == {STARGATE_URL, HYPERSCALERS_URL, SYNDICATED_URL}
        indexed = con.execute("select article_id from search_docs").fetchall()
        originals = con.execute("select article_id from articles where duplicate_of is null")
        assert sorted(indexed) == sorted(originals.fetchall())  # the ingest indexed them
        assert search.search(con, "stargate")
