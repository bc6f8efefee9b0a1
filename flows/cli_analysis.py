"""The analyst's commands: `newsmon sql`, `search`, `trends`, `report` and `export`.

`register(app)` adds them to the `newsmon` app. They read through read-only connections
(`Database.reader()`, which waits a bounded time while an ingest holds the file), except
`search --rebuild`, which builds the full-text index anew in a write transaction.

Exit codes: 1 the SQL failed (DuckDB's message is printed), 2 bad usage or config,
3 the database cannot be read (missing, locked for too long, no search index).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from flows.cli_settings import reading_settings
from pipeline import charts, report
from pipeline.settings import SettingsError
from warehouse import analysis, search
from warehouse.backend import open_database
from warehouse.db import Database, StoreError

console = Console()
err = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Bucket(StrEnum):
    day = "day"
    week = "week"


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="newsmon.toml (default: $NEWSMON_CONFIG)")
]
SinceOption = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="only articles seen on or after this day"),
]
OffTopicOption = Annotated[
    bool,
    typer.Option("--include-off-topic", help="count articles that name no [focus] entity too"),
]
SPARK_WIDTH = 28  # fits an 80-column terminal beside the other columns


def register(app: typer.Typer) -> None:
    """Add the analysis commands to `app` (a second call adds nothing)."""
    commands: dict[str, Callable[..., None]] = {
        "sql": sql_command,
        "search": search_command,
        "trends": trends_command,
        "report": report_command,
        "export": export_command,
    }
    taken = {info.name for info in app.registered_commands}
    for name, command in commands.items():
        if name not in taken:
            app.command(name)(command)


# ---- shared helpers ----------------------------------------------------------------


def _fail(message: str, code: int = 2) -> typer.Exit:
    # DuckDB messages hold brackets ("LINE 1: select [1"): print them as text, not markup
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _database(config: Path | None) -> Database:
    try:
        settings = reading_settings(config)
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    return open_database(settings.storage)


@contextlib.contextmanager
def _reading(db: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; store and SQL errors end the command with one line."""
    try:
        with db.reader() as con:
            yield con
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    except duckdb.Error as exc:
        raise _fail(str(exc), 1) from None


def _scope(con: duckdb.DuckDBPyConnection, include_off_topic: bool) -> None:
    """The views count on-topic articles unless the session asks for all."""
    if include_off_topic:
        analysis.include_off_topic(con)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


# ---- newsmon sql -------------------------------------------------------------------


def sql_command(
    query: Annotated[str | None, typer.Argument(help="SQL to run (or use --file)")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="read the SQL from a file (- for stdin)")
    ] = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="default: table on a terminal, csv when piped"),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run SQL on a read-only connection to the database and print the result."""
    text = _query_text(query, file)
    with _reading(_database(config)) as con:
        with contextlib.suppress(search.SearchUnavailable):
            search.load_fts(con)  # so stem() works in ad-hoc SQL too
        result = analysis.run_query(con, text)
    _print_result(result, fmt or (OutputFormat.table if console.is_terminal else OutputFormat.csv))


def _query_text(query: str | None, file: Path | None) -> str:
    if (query is None) == (file is None):
        raise _fail("give the SQL either as an argument or with --file")
    if file is None:
        return query or ""
    if str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {file}: {exc}") from None


def _print_result(result: analysis.QueryResult, fmt: OutputFormat) -> None:
    if not result.columns:
        err.print("ok (the statement returned no rows)")
        return
    if fmt is OutputFormat.table:
        console.print(_result_table(result))
        return
    render = {
        OutputFormat.csv: report.to_csv,
        OutputFormat.json: report.to_json,
        OutputFormat.markdown: report.to_markdown,
    }[fmt]
    sys.stdout.write(render(result.columns, result.rows))


def _result_table(result: analysis.QueryResult) -> Table:
    count = len(result.rows)
    table = Table(caption=f"{count} row{'s' if count != 1 else ''}", caption_justify="left")
    for column in result.columns:
        table.add_column(Text(column), overflow="fold")
    null = Text("NULL", style="dim")
    for row in result.rows:
        # Text, not str: a value such as "[bold]" is data, never rich markup
        table.add_row(*(null if v is None else Text(report.cell_text(v)) for v in row))
    return table


# ---- newsmon search ----------------------------------------------------------------


def search_command(
    query: Annotated[str | None, typer.Argument(help="words to look for")] = None,
    since: SinceOption = None,
    entity: Annotated[
        str | None, typer.Option(help="only articles naming this entity or its products")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="how many articles")] = 10,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild", help="build the full-text index anew first (a repair: ingest keeps it)"
        ),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Full-text search (BM25) over article titles and texts, best matches first."""
    if rebuild:
        _rebuild(config)
    if query is None:
        if not rebuild:
            raise _fail("give words to search for (or --rebuild)")
        return
    with _reading(_database(config)) as con:
        name = _resolve(con, [entity])[0] if entity else None
        hits = search.search(con, query, _day(since), name, limit)
    if not hits:
        console.print("no matching articles")
    for rank, hit in enumerate(hits, 1):
        console.print(_hit_text(rank, hit))


def _rebuild(config: Path | None) -> None:
    try:
        with _database(config).transaction() as con:
            indexed = search.rebuild(con)
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    err.print(f"indexed {indexed} articles")


def _resolve(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    """Watchlist names for what was typed; unknown names end the command with hints."""
    resolved, unknown = analysis.resolve_entities(con, names)
    if unknown:
        raise _fail("unknown entity: " + "; ".join(_with_hint(con, n) for n in unknown))
    return resolved


def _with_hint(con: duckdb.DuckDBPyConnection, name: str) -> str:
    similar = analysis.similar_entities(con, name)
    return f"{name!r} (did you mean {', '.join(similar)}?)" if similar else repr(name)


def _hit_text(rank: int, hit: search.SearchHit) -> Group:
    """Title; then outlet, date and score, the snippet with its matches, the URL."""
    when = hit.seen_at.date().isoformat() if hit.seen_at else ""
    meta = " · ".join(x for x in (hit.sitename, when, f"score {hit.score:.3f}") if x)
    cut = hit.snippet
    snippet = Text("…" if cut.cut_before else "")
    snippet.append_text(_highlighted(cut.text, cut.spans))
    snippet.append("…" if cut.cut_after else "")
    title = Text(f"{rank}. ", style="bold")
    title.append_text(_highlighted(hit.title or hit.url, hit.title_spans, "bold"))
    details = Group(Text(meta, style="dim"), snippet, Text(hit.url, style="blue"), Text())
    return Group(title, Padding(details, (0, 0, 0, 3)))


def _highlighted(value: str, spans: tuple[tuple[int, int], ...], style: str = "") -> Text:
    text = Text(value, style=style)
    for start, end in spans:
        text.stylize("bold yellow", start, end)
    return text


# ---- newsmon trends ----------------------------------------------------------------


def trends_command(
    entities: Annotated[list[str], typer.Argument(help="entity names or aliases")],
    by: Annotated[Bucket, typer.Option(help="count per day or per week")] = Bucket.day,
    since: SinceOption = None,
    rollup: Annotated[
        bool, typer.Option(help="count products and subsidiaries for their parent")
    ] = False,
    png: Annotated[Path | None, typer.Option(help="also write a PNG chart here")] = None,
    include_off_topic: OffTopicOption = False,
    config: ConfigOption = None,
) -> None:
    """Articles mentioning each entity per day or week, with a sparkline."""
    with _reading(_database(config)) as con:
        _scope(con, include_off_topic)
        names = _resolve(con, entities)
        rows = analysis.trends(con, names, by.value, _day(since), rollup)
    if not rows:
        console.print(Text(f"no mentions of {', '.join(names)} in this period"))
        return
    data = charts.series(rows)
    title = _trends_title(data, by, rollup)
    console.print(_trends_table(title, data, charts.series(rows, "mentions")))
    for entity, (_, values) in data.items():
        if not any(values):
            hint = " (under --rollup, products count for their parent)" if rollup else ""
            console.print(f"no mentions of {escape(entity)} in this period{hint}", style="dim")
    if png:
        _write(png, charts.trend_chart(data, title))


def _trends_title(data: charts.Series, by: Bucket, rollup: bool) -> str:
    periods = next(iter(data.values()))[0]
    parents = ", products counted for their parent" if rollup else ""
    return f"articles per {by.value}, {periods[0]} to {periods[-1]}{parents}"


def _trends_table(title: str, articles: charts.Series, mentions: charts.Series) -> Table:
    table = Table(title=Text(title), title_justify="left")
    for column in ("entity", "articles", "mentions", "peak", "trend"):
        table.add_column(column, justify="right" if column in ("articles", "mentions") else "left")
    for entity, (periods, values) in articles.items():
        peak = periods[values.index(max(values))] if any(values) else None
        table.add_row(
            Text(entity),
            str(sum(values)),
            str(sum(mentions[entity][1])),
            str(peak or "-"),
            Text(charts.sparkline(_squeeze(values, SPARK_WIDTH)), style="cyan"),
        )
    return table


def _squeeze(values: list[float], width: int) -> list[float]:
    """At most `width` values: consecutive periods summed, so a year of days fits a line."""
    if len(values) <= width:
        return values
    size = -(-len(values) // width)
    return [sum(values[i : i + size]) for i in range(0, len(values), size)]


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror}") from None
    console.print(f"wrote {escape(str(path))}", highlight=False)


# ---- newsmon report ----------------------------------------------------------------


def report_command(
    out: Annotated[Path, typer.Option(help="the HTML file to write")] = Path("report.html"),
    since: SinceOption = None,
    top: Annotated[int, typer.Option(min=1, max=50, help="entities in the trend chart")] = 8,
    include_off_topic: OffTopicOption = False,
    config: ConfigOption = None,
) -> None:
    """Write a self-contained HTML report: trends, co-mentions, deal ledger and timeline."""
    db = _database(config)
    with _reading(db) as con:
        _scope(con, include_off_topic)
        data = analysis.report_data(con, db.label, _day(since), top)
    _write(out, report.render_report(data).encode("utf-8"))


# ---- newsmon export ----------------------------------------------------------------


def export_command(
    folder: Annotated[Path, typer.Argument(help="folder to write the files into")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="file format")] = (
        ExportFormat.parquet
    ),
    config: ConfigOption = None,
) -> None:
    """Write every table and view to FOLDER/<name>.parquet (or .csv) for other tools."""
    try:
        with _reading(_database(config)) as con:
            written = analysis.export_relations(con, folder, fmt.value)
    except OSError as exc:
        raise _fail(f"cannot write to {folder}: {exc.strerror}") from None
    table = Table(title=Text(f"exported to {folder}"), title_justify="left")
    for column in ("name", "kind", "rows", "file"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    for item in written:
        table.add_row(Text(item.name), item.kind, str(item.rows), Text(item.path.name))
    console.print(table)
