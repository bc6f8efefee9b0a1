"""The views bench still runs: `python -m bench.views --quick` (a synthetic warehouse of
5,000 articles; it needs no corpus, so unlike tests/test_bench_quick.py it always runs).

It is not a timed test: it checks that the bench runs to the end, prints the figures
BENCHMARKS.md quotes, and writes a median for every view and for search.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_bench_quick import run_quick

VIEWS = (
    "entity_mentions_daily",
    "entity_mentions_daily_rollup",
    "entity_trends_weekly",
    "co_mentions",
    "deal_ledger",
    "deal_timeline",
    "new_entities",
    "feed_health",
)


@pytest.mark.timeout(300)
def test_views_bench_quick(tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    printed = (
        "views bench:",
        "baseline: mentions x articles, count",
        *VIEWS,
        "newsmon search",
        "as a subprocess, once",
        "summaries after a batch of",
    )
    run_quick("bench.views", "--json", str(figures_file), timeout_s=240, prints=printed)
    figures = json.loads(figures_file.read_text())
    queries = figures["queries"]
    for name in (*VIEWS, "newsmon search", "baseline: mentions x articles, count"):
        assert queries[name]["median_ms"] > 0, name
    assert queries["newsmon search"]["rows"] > 0  # the search found something to time
    assert figures["counts"]["articles"] == 5000
    assert figures["counts"]["mentions"] > 0 and figures["counts"]["deal_mentions"] > 0
    assert figures["refresh_ms"]["median_ms"] > 0
    for name in VIEWS[:-1]:  # the summaries hold what the views show (feed_health has none)
        assert queries[name]["rows"] > 0 or name == "new_entities", name
