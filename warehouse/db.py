"""DuckDB access: connect (waiting out other writers), transactions, migrations.

DuckDB admits one writing process per file, so a writer holds the file only for the
length of one batch transaction and then closes it. A process that finds the file
locked retries until `lock_timeout_s`, then fails with a clear `StoreBusy`.

Two backends speak the same API: this embedded file, and a DuckLake catalog
(`warehouse.lake`, which builds on this module; `warehouse.backend.open_database`
chooses). The SQL both run, and the helpers that run it over rows, are in
`warehouse.sqlfiles`; they are also importable from here.
"""

from __future__ import annotations

import contextlib
import logging
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
    "bulk",
    "dialect",
    "extension_directory",
    "query",
    "rows_as_dicts",
    "sql",
    "unique_by",
]

log = logging.getLogger(__name__)

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file")


_config = duckdb_config  # the name the DuckLake backend imports


class Database:
    """One DuckDB file. Cheap to create; connections are opened per transaction."""

    def __init__(self, path: Path | str, lock_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

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
        delay = 0.05
        while True:
            try:
                return duckdb.connect(str(self.path), config=_config(read_only))
            except duckdb.IOException as exc:
                if not any(m in str(exc).lower() for m in _LOCK_MARKERS):
                    raise StoreError(f"cannot open {self.path}: {exc}") from None
                if time.monotonic() + delay > deadline:
                    raise StoreBusy(
                        f"{self.path} is locked by another process (waited "
                        f"{self.lock_timeout_s:g} s); is another newsmon run writing?"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction; the file is released when it ends."""
        con = self.connect()
        try:
            con.execute("begin transaction")
            yield con
            con.execute("commit")
        except BaseException:
            _rollback(con)
            raise
        finally:
            con.close()

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
    return applied


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # the transaction may already be gone with the error that got us here
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")
