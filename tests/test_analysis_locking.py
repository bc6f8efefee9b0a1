"""`newsmon sql` while another process writes: it waits within its bound, then reads.

DuckDB admits one process per file while a writer has it open; the reader retries until
`storage.lock_timeout_s` ($NEWSMON_LOCK_TIMEOUT) and then fails with a clear message.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.cli_analysis import register
from pipeline.settings import Settings
from tests.conftest import ROOT
from tests.test_analysis_seed import copy_database, seeded_settings

pytestmark = pytest.mark.usefixtures("prefect_harness")
register(app)
runner = CliRunner()

# A writer like the ingest's store: one write transaction, held for a while.
WRITER = """
import sys, time
from warehouse.db import Database
with Database(sys.argv[1]).transaction() as con:
    con.execute(
        "insert into ingest_runs (run_id, started_at, status) values ('w', now(), 'running')"
    )
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seed_site: str) -> Settings:
    return seeded_settings(tmp_path_factory, seed_site)


@contextmanager
def _writer(db: Path, hold_s: float) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(hold_s)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _sql(db: Path, timeout_s: float, query: str):
    env = {"NEWSMON_DB": str(db), "NEWSMON_LOCK_TIMEOUT": str(timeout_s)}
    started = time.monotonic()
    result = runner.invoke(app, ["sql", query], env=env)
    return result, time.monotonic() - started


def test_reader_waits_for_the_writer_and_sees_its_commit(seeded: Settings, tmp_path: Path) -> None:
    db = copy_database(seeded, tmp_path / "busy.duckdb")
    with _writer(db, hold_s=2.0):
        result, elapsed = _sql(db, 30, "select count(*) as runs from ingest_runs")
    assert result.exit_code == 0, result.output
    assert result.stdout == "runs\n2\n"  # the seed run and the writer's, committed
    assert 1.0 < elapsed < 30


def test_reader_gives_up_after_its_bound_with_a_clear_message(
    seeded: Settings, tmp_path: Path
) -> None:
    db = copy_database(seeded, tmp_path / "busy.duckdb")
    with _writer(db, hold_s=30.0):
        result, elapsed = _sql(db, 0.5, "select 1")
    assert result.exit_code == 3
    assert "is locked by another process (waited 0.5 s)" in result.stderr
    assert "Traceback" not in result.output
    assert elapsed < 5
