"""The SQL the warehouse runs: `.sql` files by name, in the dialect of the connection,
and the helpers that run them over rows (bulk loads, rows as dicts).

Files, not f-strings, hold the SQL: `warehouse/queries/<name>.sql`, or for DuckLake
`warehouse/ducklake/queries/<name>.sql` where that file exists (DuckLake has no primary
keys, so no `INSERT ... ON CONFLICT`; its file of the same name runs instead).

Rows are bulk-loaded through a temporary JSON-lines file and `read_json` with declared
column types: binding Python lists or `executemany` runs at a few thousand rows per
second here, the file path at tens of thousands.

This module imports nothing else of the warehouse, so every other module may use it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import duckdb

Dialect = Literal["duckdb", "ducklake"]


@cache
def sql(name: str, dialect: Dialect = "duckdb") -> str:
    """The text of `warehouse/queries/<name>.sql`, or of
    `warehouse/ducklake/queries/<name>.sql` for DuckLake where that file exists."""
    return sql_file("queries", f"{name}.sql", dialect).read_text("utf-8")


KEYS = "(?keys)"  # in a .sql file: the place of a list of key placeholders


def with_keys(text: str, count: int) -> str:
    """`text` with its `(?keys)` made `(?, ?, ...)`, one placeholder per key (at least
    one). DuckDB looks up a key list written that way in the table's ART index, where
    `in (select unnest(?))` scans the whole column."""
    return text.replace(KEYS, "(" + ", ".join(["?"] * max(count, 1)) + ")")


def query(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """`sql(name)` in the dialect of the database `con` is using."""
    return sql(name, dialect(con))


def dialect(con: duckdb.DuckDBPyConnection) -> Dialect:
    """'ducklake' when `con` is on a DuckLake catalog, else 'duckdb' (asked of DuckDB)."""
    row = con.execute(sql("current_backend")).fetchone()
    return "ducklake" if row and row[0] == "ducklake" else "duckdb"


def sql_file(folder: str, name: str, dialect: Dialect) -> Traversable:
    """`warehouse/<folder>/<name>`, or DuckLake's own version of it where there is one."""
    base = resources.files("warehouse")
    if dialect == "ducklake":
        override = base.joinpath("ducklake", folder, name)
        if override.is_file():
            return override
    return base.joinpath(folder, name)


def migration_files(speaks: Dialect = "duckdb") -> list[tuple[int, str, str]]:
    """(version, name, text) of `migrations/NNN_*.sql` in order, each from
    `ducklake/migrations/` for DuckLake where it has one."""
    folder = resources.files("warehouse").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        stem = entry.name.removesuffix(".sql")
        if entry.name.endswith(".sql") and stem[:3].isdigit():
            text = sql_file("migrations", entry.name, speaks).read_text("utf-8")
            found.append((int(stem[:3]), stem, text))
    return sorted(found)


def view_files() -> list[tuple[str, str]]:
    """`views/NNN_*.sql`, in order: `create or replace view`, so they follow the code."""
    folder = resources.files("warehouse").joinpath("views")
    return sorted(
        (e.name, e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")
    )


def bulk(
    con: duckdb.DuckDBPyConnection,
    query: str,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[object] = (),
) -> None:
    """Run a `read_json(?)` query over `rows`, written to a temporary JSON-lines file; a
    query with `(?keys)` gets `keys` bound there (the rows' keys, for index look-ups)."""
    if rows:
        _over_file(con, query, rows, keys)


def bulk_returning(
    con: duckdb.DuckDBPyConnection,
    query: str,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[object] = (),
) -> list[tuple]:
    """`bulk` for a query with a RETURNING clause: the rows it returned."""
    return _over_file(con, query, rows, keys).fetchall() if rows else []


def _over_file(
    con: duckdb.DuckDBPyConnection,
    query: str,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[object],
) -> duckdb.DuckDBPyConnection:
    text = sql(query, dialect(con))
    extra: list[object] = []
    if KEYS in text:
        extra = list(keys) or [None]
        text = with_keys(text, len(extra))
    fd, path = tempfile.mkstemp(prefix="newsmon-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, default=_json_default, ensure_ascii=False))
                out.write("\n")
        return con.execute(text, [path, *extra])
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
