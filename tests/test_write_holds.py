"""A writer leaves its committed transactions in the write-ahead log when it closes the
file (no checkpoint on close: closing stays cheap at any size); readers in other
processes and the next writer replay the log and see everything committed; the file is
checkpointed at the commit that finds the log over `checkpoint_wal_mb`, and after a
migration."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipeline.records import FeedEntry
from warehouse import store
from warehouse.db import Database

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
READ = (
    "import sys; from warehouse.db import Database;"
    "con = Database(sys.argv[1]).connect(read_only=True);"
    "print(con.execute('select count(*) from entries').fetchone()[0])"
)


def _wal(db: Database) -> Path:
    return db.path.with_name(db.path.name + ".wal")


def _queue(db: Database, first: int, count: int) -> int:
    entries = [
        FeedEntry("https://feed.example/rss", f"https://news.example/{i}", None, f"story {i}", NOW)
        for i in range(first, first + count)
    ]
    return store.add_entries(db, "feed", entries, NOW)


def _count_in_another_process(db: Database) -> int:
    done = subprocess.run(
        [sys.executable, "-c", READ, str(db.path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip())


def test_a_migration_is_checkpointed(tmp_path: Path) -> None:
    db = Database(tmp_path / "newsmon.duckdb")
    assert db.migrate()
    assert not _wal(db).exists(), "schema changes are not left in the log"


def test_committed_writes_wait_in_the_log_and_every_process_sees_them(tmp_path: Path) -> None:
    db = Database(tmp_path / "newsmon.duckdb")
    db.migrate()
    assert _queue(db, 0, 5) == 5
    assert _wal(db).exists(), "closing the file did not checkpoint"
    assert _count_in_another_process(db) == 5  # a reader replays the log
    assert _queue(db, 5, 5) == 5  # the next writer replays it, then adds to it
    assert _count_in_another_process(db) == 10
    with db.reader() as con:
        assert con.execute("select count(distinct url) from entries").fetchone()[0] == 10


def test_the_file_is_checkpointed_when_the_log_outgrows_the_threshold(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.duckdb"
    Database(path).migrate()
    small = Database(path, checkpoint_wal_mb=0.01)  # about 10 KB
    assert _queue(small, 0, 200) == 200
    assert not _wal(small).exists() or _wal(small).stat().st_size == 0
    assert _count_in_another_process(small) == 200
