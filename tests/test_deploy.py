"""Deployments on a real Prefect API: `newsmon serve` registers them, `run_deployment` runs
ingest through it, and the schedules carry the configured cron strings and time zone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.settings import get_current_settings

from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("prefect_harness")
NAMES = [
    "ingest/newsmon-ingest",
    "digest/newsmon-digest",
    "retag/newsmon-retag",
    "backfill/newsmon-backfill",
]


def _config(tmp_path: Path, seed_site: str) -> Path:
    path = tmp_path / "newsmon.toml"
    path.write_text(f"""
[storage]
database = "served.duckdb"
[http]
allow_private_networks = ["127.0.0.0/8"]
per_host_delay_s = 0
[ingest]
extract_workers = 1
[schedule]
timezone = "Europe/London"
ingest_cron = "*/30 * * * *"
digest_cron = "30 7 * * 1-5"
[[feeds]]
name = "seed-rss"
url = "{seed_site}/feeds/rss.xml"
[[feeds]]
name = "seed-atom"
url = "{seed_site}/feeds/atom.xml"
""")
    return path


def _deployments(deadline_s: float = 90) -> dict:
    """The four deployments once `serve` has registered them (bounded wait)."""
    deadline = time.monotonic() + deadline_s
    with get_client(sync_client=True) as client:
        while True:
            found = {d.name: d for d in client.read_deployments() if d.name.startswith("newsmon")}
            if len(found) == 4 or time.monotonic() > deadline:
                return found
            time.sleep(1)


def test_serve_registers_schedules_and_runs_ingest(tmp_path: Path, seed_site: str) -> None:
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        # the runner looks for scheduled work every 10 s by default: the run below would
        # wait up to that long before it starts
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--config", str(_config(tmp_path, seed_site))],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found = _deployments()
        assert sorted(found) == sorted(n.split("/")[1] for n in NAMES), server.stderr
        crons = {
            name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]
            for name, d in found.items()
        }
        assert crons["newsmon-ingest"] == [("*/30 * * * *", "Europe/London")]
        assert crons["newsmon-digest"] == [("30 7 * * 1-5", "Europe/London")]
        assert crons["newsmon-retag"] == [] and crons["newsmon-backfill"] == []
        ingest = found["newsmon-ingest"]
        assert ingest.global_concurrency_limit is not None
        assert ingest.global_concurrency_limit.limit == 1
        assert ingest.concurrency_options.collision_strategy.value == "ENQUEUE"

        flow_run = run_deployment(NAMES[0], timeout=180, poll_interval=1)
        assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    with duckdb.connect(str(tmp_path / "served.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone() == (3,)


def test_serve_without_an_api_says_what_to_do(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "make server" in proc.stderr and "Traceback" not in proc.stderr
