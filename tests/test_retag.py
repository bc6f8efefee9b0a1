"""Tags are stored with their tagger version, and `retag` rebuilds them from stored text."""

from __future__ import annotations

import asyncio

import duckdb
import pytest

from flows.ingest import ingest_flow
from flows.retag import retag_flow
from pipeline.settings import Settings, TaggingSettings
from tests.test_summaries import assert_equal_to_rebuild
from warehouse.db import Database

pytestmark = pytest.mark.usefixtures("prefect_harness")

TAG_TABLES = ("mentions", "deal_mentions", "deal_parties", "article_tags")


def _counts(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TAG_TABLES}


def _versions(settings: Settings) -> set[str]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        rows = con.execute(
            "select distinct tagger_version from mentions union "
            "select distinct tagger_version from deal_mentions"
        ).fetchall()
    return {r[0] for r in rows}


def test_ingest_tags_originals_only_and_retag_replaces(seed_settings: Settings) -> None:
    asyncio.run(ingest_flow(settings=seed_settings))
    tagged = _counts(seed_settings)
    assert tagged["article_tags"] == 2  # the syndicated copy shares its original's tags
    assert tagged["deal_mentions"] >= 8 and tagged["mentions"] > 100
    (version,) = _versions(seed_settings)

    assert retag_flow(settings=seed_settings).articles == 0  # nothing stale
    forced = retag_flow(settings=seed_settings, force=True)
    assert (forced.articles, forced.tagger_version) == (2, version)
    assert _counts(seed_settings) == tagged  # replaced, not added

    extended = TaggingSettings(entities=({"name": "Nimbus Compute", "kind": "org"},))
    changed = seed_settings.model_copy(update={"tagging": extended})
    result = retag_flow(settings=changed)
    assert result.articles == 2 and result.tagger_version != version
    assert _versions(seed_settings) == {result.tagger_version}
    assert _counts(seed_settings) == tagged
    # the retag marked the days it touched and summarised them once at its end
    assert assert_equal_to_rebuild(Database(seed_settings.storage.database))["summary_deals"]
    with duckdb.connect(str(seed_settings.storage.database), read_only=True) as con:
        assert con.execute("select count(*) from summary_dirty_days").fetchone()[0] == 0
