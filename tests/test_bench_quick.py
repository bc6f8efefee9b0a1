"""The benchmarks still run: `--quick` smoke runs of bench.ingest, bench.tagging and
bench.hostile.

Benchmarks print figures; they are not timed tests. These only check that each runs to
the end and prints the figures BENCHMARKS.md quotes, so that neither can rot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.ingest import SHARED_SERVER_ENV

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (CORPUS / "ground-truth.json").exists(),
        reason=f"the benchmarks read the third-party extraction corpus at {CORPUS}, absent here",
    ),
]


def run_quick(
    module: str,
    *args: str,
    timeout_s: int,
    prints: Sequence[str] = (),
    prefect_api: str | None = None,
) -> str:
    """`python -m MODULE --quick ARGS`: its output, once it exited 0 and printed every one
    of `prints` (the figures BENCHMARKS.md quotes). With `prefect_api`, a bench that runs
    newsmon reports to that server instead of starting one."""
    env = dict(os.environ)
    if prefect_api:
        env[SHARED_SERVER_ENV] = prefect_api
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
    )
    assert done.returncode == 0, (
        f"{module} --quick failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )
    for figure in prints:
        assert figure in done.stdout, f"{figure!r} missing from:\n{done.stdout}"
    return done.stdout


@pytest.mark.timeout(600)
def test_ingest_bench_quick(tmp_path: Path, bench_prefect_api: str) -> None:
    figures_file = tmp_path / "figures.json"
    printed = (
        "limit: raw trafilatura.extract()",
        "the same pool running newsmon's extract()",
        "work limit: the same pool running a worker's whole job (process_page)",
        "x work limit",
        "newsmon ingest, process wall",
        "newsmon ingest, flow wall",
        "newsmon peak memory",
        "stage breakdown (in-process",
        "unchanged feeds: ",
        "retag --force of",
        "extraction quality",
        "trafilatura fast=True",
        "CPU per page, one process",
        "worker's whole job (process_page)",
    )
    run_quick(
        "bench.ingest",
        "--json",
        str(figures_file),
        timeout_s=540,
        prints=printed,
        prefect_api=bench_prefect_api,
    )
    figures = json.loads(figures_file.read_text())
    for key in (
        "limit_aps",
        "limit_options_aps",
        "work_limit_aps",
        "newsmon_aps",
        "peer_aps",
        "ratio_limit",
        "ratio_work",
        "ratio_peer",
        "extraction_f1",
        "repoll_500_s",
        "peak_rss_mb",
    ):
        assert key in figures, key
    assert figures["limit_aps"] > 0 and figures["newsmon_aps"] > 0
    assert figures["limit_options_aps"] > 0 and figures["work_limit_aps"] > 0
    assert figures["ratio_work"] == figures["newsmon_aps"] / figures["work_limit_aps"]
    costs = figures["cpu_ms_per_page"]
    assert costs["raw trafilatura.extract() (the limit)"] > 0
    # A worker's whole job includes gzipping the page: it cannot cost less than that part.
    assert costs["worker's whole job (process_page)"] > costs["gzip raw page"]
    assert 0 < figures["extraction_f1"] <= 1
    # The figures mean what they say only if every copy was stored as its own article and
    # every feed of the re-poll answered 304.
    assert figures["newsmon_stored"] == figures["pages"], figures
    assert figures["repoll_not_modified"] == figures["repoll_feeds"], figures


@pytest.mark.timeout(300)
def test_tagging_bench_quick() -> None:
    printed = (
        "baseline: bare Aho-Corasick pass",
        "newsmon tag(): full tagger",
        "newsmon tag(), CPU time",
        "deals found",
    )
    run_quick("bench.tagging", timeout_s=240, prints=printed)


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "eval" / "score_deals.py").exists(),
    reason="the deals bench scores with the shared scorer in ../shared/eval, absent here",
)
def test_deals_bench_quick(tmp_path: Path) -> None:
    figures_file = tmp_path / "deals.json"
    printed = ("dev: 10 passages", "deal F1", "foreground recall", "splitter agreement")
    run_quick("bench.deals", "--json", str(figures_file), timeout_s=240, prints=printed)
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["dev"]["passages"] == 10 and figures["dev"]["missing"] == 0
    assert 0.0 <= figures["dev"]["deal"][2] <= 1.0


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "eval" / "score_deals.py").exists(),
    reason="the deals bench scores with the shared scorer in ../shared/eval, absent here",
)
def test_deals_bench_scores_a_batch_outside_the_set(tmp_path: Path) -> None:
    """A new batch (two passages written here, one deal and one hard negative) is scored
    in aggregate with the same figures."""
    passages = [
        {"id": "N-1", "text": "Microsoft has agreed to invest $2 billion in Mistral AI."},
        {"id": "N-2", "text": "Nvidia reported record revenue of $30 billion on Wednesday."},
    ]
    gold = [
        {
            "id": "N-1",
            "orgs": ["Microsoft", "Mistral AI"],
            "people": [],
            "source_orgs": [],
            "deals": [
                {
                    "type": "investment",
                    "parties": ["Microsoft", "Mistral AI"],
                    "target": "Mistral AI",
                    "amount_usd": 2e9,
                    "text": "Microsoft has agreed to invest $2 billion in Mistral AI.",
                    "status": "announced",
                    "background": False,
                    "event": "n1",
                }
            ],
        },
        {"id": "N-2", "orgs": ["Nvidia"], "people": [], "source_orgs": [], "deals": []},
    ]
    files = []
    for name, lines in (("passages", passages), ("gold", gold)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        files.append(str(path))
    figures_file = tmp_path / "batch.json"
    printed = ("batch: 2 passages, 1 gold deals, 1 hard negatives", "deal F1")
    run_quick(
        "bench.deals", "--batch", *files, "--json", str(figures_file), timeout_s=120, prints=printed
    )
    figures = json.loads(figures_file.read_text(encoding="utf-8"))["batch"]
    assert figures["deal"][2] == 1.0 and figures["false_deals_on_negatives"] == 0, figures


@pytest.mark.timeout(300)
def test_focus_bench_quick(tmp_path: Path) -> None:
    figures_file = tmp_path / "focus.json"
    run_quick(
        "bench.focus",
        "--json",
        str(figures_file),
        timeout_s=280,
        prints=("extraction_benchmark:", "seed_site:", "kept", "signature"),
    )
    figures = json.loads(figures_file.read_text())
    seed = figures["seed_site"]
    assert (seed["articles"], seed["on_topic"]) == (4, 4)  # every seed page names a focus
    assert figures["extraction_benchmark"]["signature_ms"] > 0


@pytest.mark.timeout(400)
def test_hostile_bench_quick(tmp_path: Path, bench_prefect_api: str) -> None:
    figures_file = tmp_path / "figures.json"
    printed = ("run 1:", "run 2:", "off-loopback links", "second run / first run")
    run_quick(
        "bench.hostile",
        "--json",
        str(figures_file),
        timeout_s=360,
        prints=printed,
        prefect_api=bench_prefect_api,
    )
    figures = json.loads(figures_file.read_text())
    first, second = figures["runs"]
    # The real feeds' links never left loopback: each failed to resolve, none is lost.
    assert first["offsite_entries"] and set(first["offsite_entries"]) == {"failed"}
    assert first["failed_without_reason"] == second["failed_without_reason"] == 0
    assert first["entries"] == second["entries"]
    # The second run, right after, tries none of the failed links again (their back-off):
    # its rows are the first run's, attempts included.
    assert second["pages_fetched"] == 0 and "due" not in second["failed_by_retry"]
    assert second["entries_digest"] == first["entries_digest"]
    assert "fetch:host_skipped" in first["errors_by_kind"]
    assert first["errors_by_kind"]["fetch:host_skipped"] <= first["offsite_hosts"]
