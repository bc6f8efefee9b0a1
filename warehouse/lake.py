"""The DuckLake backend: a catalog in PostgreSQL, Parquet files on shared storage, so
writers on several hosts commit to one warehouse. Same API as the embedded `Database`.

Writers take turns. DuckLake has no primary keys, and it commits two overlapping
transactions that both insert into one table side by side, so two runs that each find
an article missing would both add it. So a writer:

1. takes a PostgreSQL advisory lock in the catalog's database (`lake_try_lock`), waiting
   up to `lock_timeout_s` like the embedded file's lock, then fails with `StoreBusy`;
2. begins its transaction only then, so it sees everything committed before it, and
   writes with MERGE on the key (`warehouse/ducklake/queries/`), so a key stored once is
   never stored again;
3. updates one row of `newsmon_internal.writer_turns` in the same transaction: should
   two writers ever overlap (the lock lost with its session), DuckLake refuses the second
   commit as a conflict instead of keeping both, and `StoreBusy` has the task retried.

Readers never wait: each query sees the snapshot committed when it began.

The extensions load once per process (a few hundred milliseconds each), from the
`duckdb-ext-ducklake` and `duckdb-ext-postgres` wheels, never from the network.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from warehouse.db import (
    Database,
    StoreBusy,
    StoreError,
    StoreMissing,
    _config,
    _rollback,
    sql,
)

if TYPE_CHECKING:
    from pipeline.settings import DuckLakeSettings, StorageSettings

log = logging.getLogger(__name__)

ALIAS = "newsmon"  # the lake's name in SQL: `newsmon.articles`, as for the embedded file
PASSWORD_ENV = "NEWSMON_PG_PASSWORD"
_ATTACH = {
    False: "attach 'ducklake:newsmon_lake' as newsmon",
    True: "attach 'ducklake:newsmon_lake' as newsmon (read_only)",
}
_LIBPQ_SAFE = re.compile(r"[A-Za-z0-9_.\-/:]+")


class LakeDatabase(Database):
    """A DuckLake catalog. Cheap to create; the DuckDB side is opened on first use and
    kept for the process (one for writing, one read-only for analysts' queries)."""

    def __init__(self, storage: StorageSettings, env: Mapping[str, str]) -> None:
        lake = storage.ducklake
        if lake.data_path is None:
            raise StoreError("storage.ducklake.data_path is not set")
        super().__init__(lake.data_path, storage.lock_timeout_s)
        self.catalog = catalog_string(lake)
        self._raw_path = lake.raw_path
        self._password = env.get(PASSWORD_ENV) or ""
        self._instances: dict[bool, duckdb.DuckDBPyConnection] = {}
        self._mutex = threading.Lock()  # one write transaction at a time per process
        self._internal_ready = False

    def __repr__(self) -> str:  # never the password
        return f"LakeDatabase({self.label!r})"

    def __getstate__(self) -> dict[str, Any]:
        # what crosses a process boundary is the configuration, not open connections
        state = dict(self.__dict__)
        state.update(_instances={}, _mutex=None, _internal_ready=False)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _mutex=threading.Lock())

    @property
    def raw_dir(self) -> Path:
        # beside the Parquet folder, not in it: DuckLake's cleanup owns that folder
        return self._raw_path or self.path.parent / "raw"

    @property
    def label(self) -> str:
        return f"ducklake (catalog: {self.catalog}; data: {self.path})"

    def exists(self) -> bool:
        try:
            with self.reader():
                return True
        except StoreMissing:
            return False

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A new connection to the lake (a cursor of this process's DuckDB instance)."""
        con = self._instance(read_only).cursor()
        try:
            con.execute(f"use {ALIAS}")  # a constant: identifiers cannot be bound
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"cannot open the DuckLake catalog: {exc}") from None
        return con

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction, in this writer's turn (see the module docstring)."""
        with self._mutex:
            con = self.connect()
            try:
                self._take_turn(con)
                try:
                    yield from self._write(con)
                finally:
                    self._give_turn(con)
            finally:
                con.close()

    def _write(self, con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self._internal_ready:
            con.execute(sql("lake_internal", "ducklake"))
            self._internal_ready = True
        try:
            con.execute("begin transaction")
            con.execute(sql("lake_claim_turn", "ducklake"))
            yield con
            con.execute("commit")
        except duckdb.TransactionException as exc:
            _rollback(con)
            if "conflict" not in str(exc).lower():
                raise
            raise StoreBusy(
                "another writer committed to the DuckLake catalog at the same time; "
                "this batch was rolled back (a retry stores it)"
            ) from None
        except BaseException:
            _rollback(con)
            raise

    def migrate(self) -> list[str]:
        """The migrations (as for the file), then the lake's table options, which DuckLake
        takes only for tables that exist in a committed snapshot."""
        applied = super().migrate()
        with self.transaction() as con:
            if con.execute(sql("lake_row_groups", "ducklake")).fetchone() is None:
                con.execute(sql("lake_set_row_groups", "ducklake"))
                log.info("articles are written in row groups of 2,048 rows from now on")
        return applied

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connect(read_only=True)
        try:
            yield con
        finally:
            con.close()

    def close(self) -> None:
        """Close this process's DuckDB instances (they reopen on the next use)."""
        for instance in self._instances.values():
            instance.close()
        self._instances.clear()
        self._internal_ready = False

    # ---- the writer's turn -----------------------------------------------------------

    def _take_turn(self, con: duckdb.DuckDBPyConnection) -> None:
        """Wait for the advisory lock, up to `lock_timeout_s`."""
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.05
        while not con.execute(sql("lake_try_lock", "ducklake")).fetchone()[0]:
            if time.monotonic() + delay > deadline:
                raise StoreBusy(
                    f"the DuckLake catalog is being written by another process (waited "
                    f"{self.lock_timeout_s:g} s); is another newsmon run writing?"
                )
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _give_turn(self, con: duckdb.DuckDBPyConnection) -> None:
        try:
            unlocked = con.execute(sql("lake_unlock", "ducklake")).fetchone()[0]
        except duckdb.Error:
            unlocked = False
        if not unlocked:
            # the lock sits on another pooled session: ending the sessions releases it
            log.info("releasing the writer lock by reconnecting to the catalog")
            writer = self._instances.pop(False, None)
            if writer is not None:
                writer.close()
            self._internal_ready = False

    # ---- opening the lake ------------------------------------------------------------

    def _instance(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if read_only not in self._instances:
            self._instances[read_only] = self._open(read_only)
        return self._instances[read_only]

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """This process's DuckDB instance with the lake attached.

        Two writers that attach a catalog that does not exist yet both create its tables;
        the one that loses gets PostgreSQL's duplicate-key error. The catalog exists by
        then, so the loser attaches again (within `lock_timeout_s`) and finds it.
        """
        deadline = time.monotonic() + self.lock_timeout_s
        while True:
            try:
                return self._attach(read_only)
            except duckdb.Error as exc:
                if not _created_meanwhile(exc) or time.monotonic() > deadline:
                    raise _open_error(exc, self.catalog) from None
                log.info("the DuckLake catalog was being created by another process; retrying")
                time.sleep(0.2)

    def _attach(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(config=_config(read_only=False))
        try:
            _load_extensions(con)
            con.execute("set variable newsmon_catalog = ?", [self.catalog])
            con.execute("set variable newsmon_data_path = ?", [os.path.join(self.path, "")])
            if self._password:  # else libpq's own PGPASSWORD or ~/.pgpass, if any
                con.execute("set variable newsmon_pg_password = ?", [self._password])
            con.execute(sql("lake_secrets", "ducklake"))
            con.execute(sql("lake_reading", "ducklake"))
            con.execute(_ATTACH[read_only])
        except BaseException:
            con.close()
            raise
        return con


def _load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("ducklake", "postgres"):
        try:
            con.execute(f"load {name}")  # a constant name from this list
        except duckdb.Error as exc:
            raise StoreError(
                f"DuckDB's {name} extension is not available ({exc}); install the "
                f"duckdb-ext-{name} wheel that matches duckdb"
            ) from None


def _created_meanwhile(exc: duckdb.Error) -> bool:
    """The attach lost the race to create a new catalog to another process."""
    message = str(exc)
    return "Failed to initialize DuckLake" in message and "already exists" in message


def _open_error(exc: duckdb.Error, catalog: str) -> StoreError:
    message = str(exc)
    if "does not exist" in message and "creating a new DuckLake" in message:
        return StoreMissing(f"no DuckLake catalog at {catalog} yet: run `newsmon ingest` first")
    return StoreError(f"cannot open the DuckLake catalog at {catalog}: {message}")


def catalog_string(lake: DuckLakeSettings) -> str:
    """The libpq connection string of the catalog: `catalog` plus the parts given."""
    parts = [lake.catalog.strip()] if lake.catalog.strip() else []
    for key in ("host", "port", "dbname", "user"):
        value = getattr(lake, key)
        if value is not None:
            parts.append(f"{key}={_libpq_value(str(value))}")
    return " ".join(parts)


def _libpq_value(value: str) -> str:
    """A value quoted for a libpq key=value string (quotes and backslashes escaped)."""
    if _LIBPQ_SAFE.fullmatch(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
