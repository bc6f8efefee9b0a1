"""What analysts read: ad-hoc SQL, entity trends, the report's figures, Parquet exports.

Every function takes an open connection (read-only is enough) and runs named queries
from `warehouse/queries/a_*.sql` over the documented views.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from pipeline.report import ReportData
from warehouse.db import rows_as_dicts, sql

log = logging.getLogger(__name__)

Bucket = Literal["day", "week"]
ExportFormat = Literal["parquet", "csv"]

# Fixed COPY options per export format: the only SQL text that varies with the user's choice.
_COPY_OPTIONS: dict[str, str] = {"parquet": "(format parquet)", "csv": "(format csv, header)"}
# Names written to disk as <name>.<format>: plain identifiers only, never a path.
_SAFE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Exported:
    name: str
    kind: str
    rows: int
    path: Path


def run_query(con: duckdb.DuckDBPyConnection, text: str) -> QueryResult:
    """Run the user's SQL (all its statements) and fetch the last statement's result."""
    cursor = con.execute(text)
    if cursor.description is None:
        return QueryResult([], [])
    return QueryResult([d[0] for d in cursor.description], cursor.fetchall())


def include_off_topic(con: duckdb.DuckDBPyConnection) -> None:
    """Have this session's views count off-topic articles too (they count on-topic ones)."""
    con.execute(sql("a_include_off_topic"))


def resolve_entities(
    con: duckdb.DuckDBPyConnection, names: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(watchlist names, in the order asked; names that matched no entity or alias)."""
    found = dict(con.execute(sql("a_resolve_entities"), [list(names)]).fetchall())
    resolved = list(dict.fromkeys(found[n] for n in names if n in found))
    return resolved, [n for n in names if n not in found]


def similar_entities(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    return [row[0] for row in con.execute(sql("a_similar_entities"), [name]).fetchall()]


def trends(
    con: duckdb.DuckDBPyConnection,
    entities: Sequence[str],
    by: Bucket = "day",
    since: date | None = None,
    rollup: bool = False,
) -> list[dict[str, Any]]:
    """Rows of (period, entity, articles, mentions), zero-filled, ordered by entity, period."""
    params = [list(entities), rollup, by, since]
    return rows_as_dicts(con.execute(sql("a_trends"), params))


def report_data(
    con: duckdb.DuckDBPyConnection,
    database: str,
    since: date | None = None,
    top: int = 8,
    pairs: int = 25,
    max_rows: int = 200,
) -> ReportData:
    """Everything `newsmon report` shows, read in one go on one connection."""
    top_entities = rows_as_dicts(con.execute(sql("a_top_entities"), [since, top]))
    names = [row["entity"] for row in top_entities]
    return ReportData(
        generated_at=datetime.now(UTC),
        database=database,
        since=since,
        counts=rows_as_dicts(con.execute(sql("table_counts"))),
        top_entities=top_entities,
        trends=trends(con, names, "week", since, rollup=True) if names else [],
        co_mentions=rows_as_dicts(con.execute(sql("a_report_co_mentions"), [since, pairs])),
        deals=rows_as_dicts(con.execute(sql("a_report_deals"), [since, max_rows])),
        deal_timeline=rows_as_dicts(con.execute(sql("a_report_deal_timeline"), [since])),
        articles=rows_as_dicts(con.execute(sql("a_report_articles"), [since, max_rows])),
    )


def export_relations(
    con: duckdb.DuckDBPyConnection, folder: Path, fmt: ExportFormat = "parquet"
) -> list[Exported]:
    """Write every table and view of the main schema to `folder/<name>.<fmt>`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind in con.execute(sql("a_export_relations")).fetchall():
        if not _SAFE_NAME.fullmatch(name):
            log.warning("not exporting %r: not a plain identifier", name)
            continue
        path = folder / f"{name}.{fmt}"
        # identifiers cannot be bound: the name comes from the catalog, checked and quoted;
        # the path is bound
        copy = f"copy (from {quote_identifier(name)}) to ? {_COPY_OPTIONS[fmt]}"
        rows = con.execute(copy, [str(path)]).fetchone()[0]
        written.append(Exported(name, kind, rows, path))
    return written


def quote_identifier(name: str) -> str:
    """A DuckDB identifier in double quotes, embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'
