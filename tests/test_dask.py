"""The ingest flow on a Dask cluster (prefect-dask): the same rows as the default runner."""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb
import pytest

from flows.ingest import flow_for
from pipeline.settings import ComputeSettings, Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")

# What an ingest stores, without the columns that differ between any two runs (times, ids).
_ROWS = {
    "articles": "select article_id, url, canonical_url, title, author, published, text, "
    "content_hash, raw_hash, duplicate_of from articles order by article_id",
    "entries": "select entry_key, state, article_id from entries order by entry_key",
    "mentions": "select article_id, start_offset, entity, surface, sentence_index "
    "from mentions order by all",
    "deal_mentions": "select article_id, deal_index, deal_key, type, status, amount_usd "
    "from deal_mentions order by all",
    "deal_parties": "select * exclude (tagger_version) from deal_parties order by all",
}


def _ingest(settings: Settings, database: Path, compute: ComputeSettings) -> dict[str, list]:
    settings = settings.model_copy(
        update={
            "storage": settings.storage.model_copy(update={"database": database}),
            # one entry per chunk: the three seed pages go to the cluster as three tasks
            "ingest": settings.ingest.model_copy(update={"batch_size": 1}),
            "compute": compute,
        }
    )
    counts = asyncio.run(flow_for(settings)(settings=settings)).counts
    assert (counts.pages_fetched, counts.articles_stored, counts.duplicates) == (3, 2, 1)
    assert counts.errors == 0
    with duckdb.connect(str(database), read_only=True) as con:
        return {name: con.execute(query).fetchall() for name, query in _ROWS.items()}


def test_dask_local_cluster_stores_the_same_rows_as_the_default_runner(
    seed_settings: Settings, tmp_path: Path
) -> None:
    default = _ingest(seed_settings, tmp_path / "default.duckdb", ComputeSettings())
    on_dask = _ingest(
        seed_settings,
        tmp_path / "dask.duckdb",
        ComputeSettings(runner="dask", dask_workers=2, dask_in_flight=2),
    )
    assert default["mentions"] and default["deal_mentions"]  # the seeds are tagged
    for table, rows in default.items():
        assert on_dask[table] == rows, table
    assert _worker_task_runs(tmp_path / "default.duckdb") == []
    assert _worker_task_runs(tmp_path / "dask.duckdb") == ["COMPLETED"] * 3


def _worker_task_runs(database: Path) -> list[str]:
    """States of the run's chunk tasks that went to the cluster, read back from Prefect."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, TaskRunFilter

    with duckdb.connect(str(database), read_only=True) as con:
        (flow_run_id,) = con.execute("select flow_run_id from ingest_runs").fetchone()

    async def states() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id={"any_": [flow_run_id]}),
                task_run_filter=TaskRunFilter(name={"like_": "fetch_extract_tag_on_worker"}),
            )
        return sorted(r.state.type.value for r in runs)

    return asyncio.run(states())


def test_dask_address_must_be_a_scheduler_url() -> None:
    with pytest.raises(ValueError, match="scheduler address"):
        ComputeSettings(runner="dask", dask_address="not an address")
