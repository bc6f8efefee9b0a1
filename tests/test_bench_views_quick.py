"""The views bench still runs: `python -m bench.views --quick` (a synthetic warehouse of
5,000 articles; it needs no corpus, so unlike tests/test_bench_quick.py it always runs).

It is not a timed test: it checks that the bench runs to the end, prints the figures
BENCHMARKS.md quotes, and writes a median for every view and for search.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
    done = subprocess.run(
        [sys.executable, "-m", "bench.views", "--quick", "--json", str(figures_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = done.stdout
    assert done.returncode == 0, f"bench.views failed:\n{out[-4000:]}\n{done.stderr[-4000:]}"
    for figure in (
        "views bench:",
        "baseline: mentions x articles, count",
        *VIEWS,
        "newsmon search",
        "as a subprocess, once",
    ):
        assert figure in out, f"{figure!r} missing from:\n{out}"
    figures = json.loads(figures_file.read_text())
    queries = figures["queries"]
    for name in (*VIEWS, "newsmon search", "baseline: mentions x articles, count"):
        assert queries[name]["median_ms"] > 0, name
    assert queries["newsmon search"]["rows"] > 0  # the search found something to time
    assert figures["counts"]["articles"] == 5000
    assert figures["counts"]["mentions"] > 0 and figures["counts"]["deal_mentions"] > 0
