"""DuckDB access: connect (waiting out other writers), transactions, migrations.

DuckDB admits one writing process per file, and while a writer has the file open no
other process can open it, not even to read. So a writer holds the file only for the
length of one batch transaction and then closes it; a process that finds the file
locked retries until `lock_timeout_s`, then fails with a clear `StoreBusy`.

Closing must be cheap too. By default DuckDB checkpoints when a writer closes the file:
it moves the write-ahead log into the file, rewriting the last row group of every table
written and every index of those tables whole, seconds at a million articles for a
batch of a few hundred rows. A writer here does not checkpoint on close, nor inside a
commit: a committed transaction is in the log (fsynced at commit, replayed by whoever
opens the file next, readers included). Once a transaction has left the log over
`checkpoint_wal_mb` (`storage.checkpoint_wal_mb`), the writer closes the file, lets
waiting readers in, and opens it again for the checkpoint alone: the rewrite happens
once for many batches, in a hold of its own, and a reader never replays more than about
that much log. A transaction that applied a migration is checkpointed at once, before
it closes the file: schema changes are never left in the log (DuckDB 1.4 fails to
replay an `ALTER TABLE` of a table with a key).

Two backends speak the same API: this embedded file, and a DuckLake catalog
(`warehouse.lake`, which builds on this module; `warehouse.backend.open_database`
chooses). The SQL both run, and the helpers that run it over rows, are in
`warehouse.sqlfiles`; they are also importable from here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import search, summaries
from warehouse.errors import StoreBusy, StoreError, StoreMissing
from warehouse.extensions import duckdb_config, extension_directory
from warehouse.sqlfiles import (
    Dialect,
    bulk,
    dialect,
    migration_files,
    query,
    rows_as_dicts,
    sql,
    unique_by,
    view_files,
)

__all__ = [
    "Database",
    "Dialect",
    "StoreBusy",
    "StoreError",
    "StoreMissing",
    "apply_migrations",
    "ask_checkpoint",
    "bulk",
    "dialect",
    "extension_directory",
    "query",
    "rows_as_dicts",
    "sql",
    "unique_by",
]

log = logging.getLogger(__name__)
# Each hold of the file by a writer, at INFO (`newsmon -v`): what readers wait for.
holds = logging.getLogger("warehouse.holds")

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file")
# A process waiting for the file tries again every 50 ms at most: a failed try costs
# about 3 ms (at a million articles), and a reader waits the writer's hold plus up to
# one delay.
_MAX_RETRY_DELAY_S = 0.05
_READERS_FIRST_S = 0.1  # more than a waiting reader's retry delay
_NEVER_INSIDE_A_COMMIT = "1TB"  # DuckDB's own threshold: ours decides (`transaction`)
# The storage format of files this process creates. DuckDB's default writes files that
# DuckDB 1.0 can read, and in that format every checkpoint converts the primary-key
# indexes to the old layout and writes them whole: at a million articles 0.5 to 2.5 s of
# CPU, the longest hold of a run (BENCHMARKS.md). From 1.2 on, an index is stored as it
# is kept in memory, with no conversion (0.2 to 0.6 s at a million). Files created
# before keep their format until `Database.upgrade_storage` (`newsmon upgrade-storage`)
# copies them.
STORAGE_VERSION = "v1.4.0"


_config = duckdb_config  # the name the DuckLake backend imports

# One write transaction at a time per file in this process. Other processes are kept out
# by DuckDB's file lock, but threads of this one share its open database, where DuckDB
# runs their transactions side by side: two batches storing the same entries would fail
# with a write-write conflict (and a table the writer keeps unique itself, as the tag
# tables, could get a key twice). Turns make them wait instead.
_writers: dict[Path, threading.RLock] = {}
_writers_lock = threading.Lock()


def _writer_lock(path: Path) -> threading.RLock:
    with _writers_lock:
        return _writers.setdefault(path.resolve(), threading.RLock())


class Database:
    """One DuckDB file. Cheap to create; connections are opened per transaction."""

    def __init__(
        self, path: Path | str, lock_timeout_s: float = 60.0, checkpoint_wal_mb: float = 8.0
    ) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        self.checkpoint_wal_mb = checkpoint_wal_mb

    @property
    def raw_dir(self) -> Path:
        return self.path.parent / "raw"

    @property
    def label(self) -> str:
        """Where the data is, for messages and reports."""
        return str(self.path)

    def exists(self) -> bool:
        """Whether there is a database to read yet."""
        return self.path.exists()

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the file, retrying while another process holds its lock."""
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreMissing(f"no database at {self.path}: run `newsmon ingest` first")
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), config=_file_config(read_only))
            except duckdb.IOException as exc:
                if not any(m in str(exc).lower() for m in _LOCK_MARKERS):
                    raise StoreError(f"cannot open {self.path}: {exc}") from None
                if time.monotonic() + delay > deadline:
                    raise StoreBusy(
                        f"{self.path} is locked by another process (waited "
                        f"{self.lock_timeout_s:g} s); is another newsmon run writing?"
                    ) from None
                time.sleep(delay)
                # retry often: a writer's hold is short, and each try costs little
                delay = min(delay * 2, _MAX_RETRY_DELAY_S)
                continue
            if not read_only:
                _defer_checkpoints(con)
            return con

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction; the file is released when it ends. Write transactions of
        this process on this file run one at a time (`_writer_lock`)."""
        with _writer_lock(self.path), self._transaction() as con:
            yield con
        if self.log_mb() > self.checkpoint_wal_mb:
            self.checkpoint()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connect()
        began = time.perf_counter()
        try:
            con.execute("begin transaction")
            yield con
            con.execute("commit")
            if _checkpoint_asked(con):  # at once: DuckDB cannot replay every schema change
                _checkpoint(con)
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.close()
            _held(self.path, "transaction", began)

    def log_mb(self) -> float:
        """The size of the write-ahead log beside the file (what a reader replays)."""
        try:
            return self.wal_path.stat().st_size / 1e6
        except FileNotFoundError:
            return 0.0

    @property
    def wal_path(self) -> Path:
        return self.path.with_name(self.path.name + ".wal")

    def checkpoint(self) -> None:
        """Move the write-ahead log into the file, in a hold of its own: a reader that
        waited for the transaction before it gets the file first."""
        time.sleep(_READERS_FIRST_S)
        with _writer_lock(self.path):
            con = self.connect()
            began = time.perf_counter()
            try:
                _checkpoint(con)
            finally:
                con.close()
                _held(self.path, "checkpoint", began)

    def storage_version(self) -> str:
        """The storage format of the file, as DuckDB tags it (`v1.0.0+`, `v1.4.0+`)."""
        with self.reader() as con:
            return con.execute(sql("storage_version")).fetchone()[0]

    def upgrade_storage(self) -> Path | None:
        """Copy the file into one of `STORAGE_VERSION`'s format and put it in its place;
        the file as it was is kept beside it (returned; None: already in that format).
        Other processes wait for the copy as for any writer: it holds the file open, after
        a checkpoint, so nothing is left in a log that would be replayed on the copy."""
        if self.storage_version().startswith(STORAGE_VERSION):
            return None
        copy = self.path.with_name(self.path.name + ".upgrading")
        kept = self.path.with_name(self.path.name + ".before-upgrade")
        if kept.exists():
            raise StoreError(f"{kept} is in the way: move it elsewhere to upgrade {self.path}")
        for stale in (copy, copy.with_name(copy.name + ".wal")):
            stale.unlink(missing_ok=True)  # a copy an interrupted upgrade left
        with _writer_lock(self.path):
            con = self.connect()
            try:
                con.execute("checkpoint")
                if self.log_mb() > 0:
                    raise StoreError(f"{self.wal_path} was not emptied by a checkpoint")
                _copy_database(con, copy)
                if copy.with_name(copy.name + ".wal").exists():
                    raise StoreError(f"the copy {copy} left a log: {self.path} is unchanged")
                _swap(self.path, copy, kept)
            finally:
                con.close()
        log.info(
            "upgraded the storage of %s to %s; the file before: %s",
            self.path,
            STORAGE_VERSION,
            kept,
        )
        return kept

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connect(read_only=True)
        try:
            yield con
        finally:
            con.close()

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded in the database; return their names."""
        with self.transaction() as con:
            return apply_migrations(con)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run `migrations/NNN_*.sql` in order, each once, recorded in `schema_migrations`;
    then (re)create the views and bring the summaries and the search index behind them
    up to date (a migration may have left them to fill)."""
    speaks = dialect(con)
    con.execute(sql("schema_migrations", speaks))
    done = {row[0] for row in con.execute(sql("applied_migrations")).fetchall()}
    applied = []
    for version, name, text in migration_files(speaks):
        if version in done:
            continue
        con.execute(text)
        con.execute(sql("record_migration", speaks), [version, name])
        applied.append(name)
        log.info("applied migration %s", name)
    for _name, text in view_files():
        con.execute(text)
    summaries.refresh(con)
    search.prepare(con)
    if applied:
        ask_checkpoint(con)
    return applied


def ask_checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Have the embedded file checkpointed as this connection's transaction commits
    (`Database.transaction`), whatever the size of the log: after a schema change."""
    con.execute(sql("ask_checkpoint"))


def _checkpoint_asked(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(sql("checkpoint_asked")).fetchone()[0])


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    # what is committed stays committed: a checkpoint that cannot run now (another
    # connection of this process is in a transaction) runs after a later transaction
    try:
        con.execute("checkpoint")
    except duckdb.Error as exc:
        log.warning("checkpoint of %s left for later: %s", con, exc)


def _swap(path: Path, copy: Path, kept: Path) -> None:
    """Put `copy` in the place of `path`, the old file kept as `kept` (a second name for
    it first, then the copy renamed over: `path` names a whole file at every moment)."""
    try:
        os.link(path, kept)
    except OSError as exc:
        raise StoreError(f"cannot keep {path} as {kept} ({exc}): {path} is unchanged") from None
    try:
        os.replace(copy, path)
    except OSError as exc:
        kept.unlink()
        raise StoreError(f"cannot put {copy} in place ({exc}): {path} is unchanged") from None


def _held(path: Path, what: str, began: float) -> None:
    """Log how long a writer held the file (from its open, after any wait, to its close;
    the open's replay of the log comes before: a reader replays it too)."""
    holds.info("held %s for %.3f s (%s)", path.name, time.perf_counter() - began, what)


def _file_config(read_only: bool) -> dict:
    """`duckdb.connect` settings for the embedded file: a file created now is in
    `STORAGE_VERSION`'s format (an existing file keeps its own)."""
    config = _config(read_only)
    if not read_only:
        config["storage_compatibility_version"] = STORAGE_VERSION
    return config


def _copy_database(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """Everything of the database `con` is on (tables, keys, views) into a new file at
    `target`, in `STORAGE_VERSION`'s format. DuckDB binds no parameter in `ATTACH`: the
    path goes in as a quoted literal."""
    attach = sql("upgrade_attach").replace("(?path)", _quoted(str(target), "'"))
    con.execute(attach.replace("(?version)", _quoted(STORAGE_VERSION, "'")))
    try:
        source = con.execute(sql("current_catalog")).fetchone()[0]
        con.execute(sql("upgrade_copy").replace("(?source)", _quoted(source, '"')))
    finally:
        con.execute(sql("upgrade_detach"))


def _quoted(text: str, quote: str) -> str:
    """`text` as an SQL string literal (') or identifier ("), its quotes doubled."""
    return quote + text.replace(quote, quote * 2) + quote


def _defer_checkpoints(con: duckdb.DuckDBPyConnection) -> None:
    """No checkpoint when this writer closes the file, nor inside a commit: one of its
    own after the transaction that left the log over the threshold (`transaction`)."""
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute(sql("checkpoint_threshold"), [_NEVER_INSIDE_A_COMMIT])


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # the transaction may already be gone with the error that got us here
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")
