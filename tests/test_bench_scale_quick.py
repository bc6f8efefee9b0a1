"""The scale bench still runs: `python -m bench.scale --quick` (a 500-article warehouse
beside an empty one, 5 new pages into each, the seed demo into both).

A start check, not a timed test: it checks that the bench runs to the end, that every
run stored its new pages, and that it prints the figures BENCHMARKS.md quotes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_bench_quick import CORPUS, run_quick

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (CORPUS / "ground-truth.json").exists(),
        reason=f"the bench web is made from the third-party extraction corpus at {CORPUS}",
    ),
]


@pytest.mark.timeout(900)
def test_scale_bench_quick(tmp_path: Path, bench_prefect_api: str) -> None:
    figures_file = tmp_path / "scale.json"
    run_quick(
        "bench.scale",
        "--json",
        str(figures_file),
        timeout_s=880,
        prints=("longest reader wait", "longest writer hold", "slope from", "seed demo"),
        prefect_api=bench_prefect_api,
    )
    figures = json.loads(figures_file.read_text())
    per_size = figures["ingest"]["per_size"]
    assert set(per_size) == {"0", "500"}
    for size in per_size.values():
        assert size["stored"] == [5]  # every run stored its new pages, none twice
        assert size["reader_polls"] > 0 and size["writer_s_median"] > 0
        # the writer's holds, from its log: at least the run's start, its batch, its end
        assert all(len(run) >= 3 for run in size["holds_s_runs"])
        assert all(hold > 0 for hold in size["longest_hold_s_runs"])
    assert set(figures["demo"]["median_s"]) == {"empty", "500"}
