"""Shared bench helpers: the third-party corpora beside the project, timing, and running
the `newsmon` CLI as a subprocess."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
EXTRACTION = CORPORA / "article-extraction-benchmark"


def ground_truth_texts() -> list[str]:
    """The 181 article bodies of the extraction benchmark (third-party; read in place)."""
    path = EXTRACTION / "ground-truth.json"
    if not path.exists():
        sys.exit(f"corpus not found at {path}: the benchmarks need ../shared/corpora")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [item["articleBody"] for item in data.values() if item.get("articleBody")]


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` calls (noisy shared machines: quote medians)."""
    return median_wall_and_cpu(fn, repeats)[0]


def median_wall_and_cpu(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time (this process's) of the same `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def newsmon_command() -> list[str]:
    script = Path(sys.executable).with_name("newsmon")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def newsmon_env(api_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    env["DO_NOT_TRACK"] = "1"
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env
