"""DuckDB access: connect (waiting out other writers), transactions, migrations, bulk loads.

DuckDB admits one writing process per file, so a writer holds the file only for the
length of one batch transaction and then closes it. A process that finds the file
locked retries until `lock_timeout_s`, then fails with a clear `StoreBusy`.

Rows are bulk-loaded through a temporary JSON-lines file and `read_json` with declared
column types: binding Python lists or `executemany` runs at a few thousand rows per
second here, the file path at tens of thousands.

Two backends speak the same API: this embedded file, and a DuckLake catalog
(`warehouse.lake`, chosen by `open_database`). Where DuckLake cannot run a statement
(it has no primary keys, so no `INSERT ... ON CONFLICT`), `warehouse/ducklake/` holds a
file of the same name that it runs instead; `sql(name, dialect)` picks it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb

if TYPE_CHECKING:
    from pipeline.settings import StorageSettings

log = logging.getLogger(__name__)

_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file")
Dialect = Literal["duckdb", "ducklake"]


class StoreError(Exception):
    """A store problem worded for the operator."""


class StoreBusy(StoreError):
    """Another process held the database for longer than the lock timeout."""


class StoreMissing(StoreError):
    """There is no database to read yet."""


@cache
def sql(name: str, dialect: Dialect = "duckdb") -> str:
    """The text of `warehouse/queries/<name>.sql` (files, not f-strings, hold the SQL), or
    of `warehouse/ducklake/queries/<name>.sql` for DuckLake where that file exists."""
    return _sql_file("queries", f"{name}.sql", dialect).read_text("utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """`sql(name)` in the dialect of the database `con` is using."""
    return sql(name, dialect(con))


def dialect(con: duckdb.DuckDBPyConnection) -> Dialect:
    """'ducklake' when `con` is on a DuckLake catalog, else 'duckdb' (asked of DuckDB)."""
    row = con.execute(sql("current_backend")).fetchone()
    return "ducklake" if row and row[0] == "ducklake" else "duckdb"


def _sql_file(folder: str, name: str, dialect: Dialect) -> Traversable:
    base = resources.files("warehouse")
    if dialect == "ducklake":
        override = base.joinpath("ducklake", folder, name)
        if override.is_file():
            return override
    return base.joinpath(folder, name)


def open_database(storage: StorageSettings, env: Mapping[str, str] | None = None) -> Database:
    """The store `storage` names: the embedded file, or the DuckLake catalog (whose
    PostgreSQL password is read from `env`, by default the process environment)."""
    if storage.backend == "ducklake":
        from warehouse.lake import LakeDatabase  # imports this module

        return LakeDatabase(storage, os.environ if env is None else env)
    return Database(storage.database, storage.lock_timeout_s)


def extension_directory() -> str | None:
    """Where the `duckdb-ext-*` wheels put DuckDB's signed extension binaries."""
    try:
        import duckdb_ext  # namespace package of the duckdb-ext-* wheels
    except ImportError:
        return None
    for base in duckdb_ext.__path__:
        candidate = Path(base) / "extensions"
        if candidate.is_dir():
            return str(candidate)
    return None


def _config(read_only: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    ext_dir = extension_directory()
    if ext_dir:
        config["extension_directory"] = ext_dir
    if read_only:
        config["access_mode"] = "READ_ONLY"
    return config


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
    then (re)create the views and bring the summaries behind them up to date."""
    speaks = dialect(con)
    con.execute(sql("schema_migrations", speaks))
    done = {row[0] for row in con.execute(sql("applied_migrations")).fetchall()}
    applied = []
    for version, name, text in _migrations(speaks):
        if version in done:
            continue
        con.execute(text)
        con.execute(sql("record_migration", speaks), [version, name])
        applied.append(name)
        log.info("applied migration %s", name)
    for _name, text in _views():
        con.execute(text)
    from warehouse import summaries  # it reads SQL through this module

    summaries.refresh(con)  # a migration may have marked days to summarise
    return applied


def _migrations(speaks: Dialect = "duckdb") -> list[tuple[int, str, str]]:
    """The migrations, each from `ducklake/migrations/` for DuckLake where it has one."""
    folder = resources.files("warehouse").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        stem = entry.name.removesuffix(".sql")
        if entry.name.endswith(".sql") and stem[:3].isdigit():
            text = _sql_file("migrations", entry.name, speaks).read_text("utf-8")
            found.append((int(stem[:3]), stem, text))
    return sorted(found)


def _views() -> list[tuple[str, str]]:
    """`views/NNN_*.sql`, in order: `create or replace view`, so they follow the code."""
    folder = resources.files("warehouse").joinpath("views")
    return sorted(
        (e.name, e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")
    )


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # the transaction may already be gone with the error that got us here
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def bulk(con: duckdb.DuckDBPyConnection, query: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Run a `read_json(?)` query over `rows`, written to a temporary JSON-lines file."""
    if not rows:
        return
    fd, path = tempfile.mkstemp(prefix="newsmon-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, default=_json_default, ensure_ascii=False))
                out.write("\n")
        con.execute(sql(query, dialect(con)), [path])
    finally:
        os.unlink(path)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def rows_as_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def unique_by(rows: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """Last row wins per key: DuckDB refuses to upsert one key twice in a statement (and
    DuckLake to update one row twice)."""
    return list({row[key]: row for row in rows}.values())
