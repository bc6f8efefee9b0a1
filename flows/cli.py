"""The `newsmon` command line: the face over the flows and the warehouse."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _prefect_environment() -> None:
    """Project-local Prefect home, no telemetry: set before Prefect is first imported."""
    root = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()
    os.environ.setdefault("PREFECT_HOME", str(root / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


_prefect_environment()

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from pipeline.settings import FeedSettings, Settings, SettingsError, load_settings  # noqa: E402
from warehouse import store  # noqa: E402
from warehouse.db import Database, StoreError  # noqa: E402

app = typer.Typer(
    help="newsmon: news monitoring for AI-industry deals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
feeds_app = typer.Typer(help="List, add and remove feeds.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
console = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="newsmon.toml (default: $NEWSMON_CONFIG)")
]
DEMO_CONFIG = PROJECT_ROOT / "seeds" / "demo.toml"


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as exc:
        raise _fail(str(exc)) from None


def _db(settings: Settings) -> Database:
    return Database(settings.storage.database, settings.storage.lock_timeout_s)


def _table(
    title: str, rows: Sequence[dict[str, Any]], columns: Iterable[str] | None = None
) -> Table:
    columns = list(columns or (rows[0].keys() if rows else ()))
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    return table


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def ingest(config: ConfigOption = None) -> None:
    """Poll the feeds, fetch new articles, extract, tag and store them."""
    settings = _settings(config)
    if not settings.feeds:
        raise _fail("no feeds configured: add [[feeds]] to newsmon.toml or `newsmon feeds add`")
    _run_ingest(settings)


def _run_ingest(settings: Settings) -> None:
    from flows.ingest import ingest_flow

    try:
        with console.status("ingesting…", spinner="dots") if console.is_terminal else _null():
            result = asyncio.run(ingest_flow(settings=settings))
    except (StoreError, SettingsError) as exc:
        raise _fail(str(exc), 3) from None
    counts = vars(result.counts)
    rows = [{"figure": k, "value": v} for k, v in counts.items() if k != "error_kinds"]
    rows += [
        {"figure": f"errors: {k}", "value": v} for k, v in sorted(counts["error_kinds"].items())
    ]
    console.print(_table(f"ingest run {result.run_id[:8]}", rows))
    console.print(f"database: [bold]{result.database}[/]", highlight=False)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@app.command()
def demo(
    database: Annotated[Path | None, typer.Option(help="database file for the demo")] = None,
) -> None:
    """Serve the bundled seed site on 127.0.0.1 and run the whole ingest on it, offline."""
    from flows.seedserver import serve_site

    settings = _settings(DEMO_CONFIG)
    if database is not None:
        storage = settings.storage.model_copy(update={"database": database})
        settings = settings.model_copy(update={"storage": storage})
    with serve_site() as base:
        console.print(f"serving the seed site at {base}", highlight=False)
        feeds = (
            FeedSettings(name="seed-rss", url=f"{base}/feeds/rss.xml"),
            FeedSettings(name="seed-atom", url=f"{base}/feeds/atom.xml"),
        )
        _run_ingest(settings.model_copy(update={"feeds": feeds}))
    rows = store.read(_db(settings), "table_counts")
    console.print(_table("rows stored", rows))


@app.command()
def status(
    config: ConfigOption = None, runs: Annotated[int, typer.Option(help="how many recent runs")] = 5
) -> None:
    """Recent ingest runs and the health of each feed."""
    db = _db(_settings(config))
    try:
        console.print(_table("recent runs", store.read(db, "recent_runs", [runs])))
        console.print(_table("feeds", store.read(db, "feed_status")))
    except StoreError as exc:
        raise _fail(str(exc), 3) from None


@feeds_app.command("list")
def feeds_list(config: ConfigOption = None) -> None:
    """Feeds in the config and in the database, with their last status."""
    settings = _settings(config)
    db = _db(settings)
    rows = store.read(db, "feed_status") if db.path.exists() else []
    known = {row["name"] for row in rows}
    rows += [
        {"name": f.name, "url": f.url, "source": "config (not yet polled)", "enabled": f.enabled}
        for f in settings.feeds
        if f.name not in known
    ]
    console.print(
        _table(
            "feeds",
            rows,
            ["name", "url", "source", "enabled"]
            + (["last_status", "consecutive_failures"] if known else []),
        )
    )


@feeds_app.command("add")
def feeds_add(
    url: str,
    name: Annotated[str | None, typer.Option(help="a short name")] = None,
    config: ConfigOption = None,
) -> None:
    """Add a feed to the database (feeds in newsmon.toml are added on every run)."""
    settings = _settings(config)
    try:
        feed = FeedSettings(name=name or _name_for(url), url=url)
    except ValueError as exc:
        raise _fail(f"feed: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}") from None
    db = _db(settings)
    db.migrate()
    store.sync_feeds(db, [feed], source="cli")
    console.print(f"added feed [bold]{feed.name}[/]: {feed.url}", highlight=False)


def _name_for(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.hostname or "feed") + parts.path.rstrip("/").replace("/", "-")


@feeds_app.command("remove")
def feeds_remove(name: str, config: ConfigOption = None) -> None:
    """Remove a feed added with `feeds add` (config feeds are removed from the file)."""
    outcome = store.remove_feed(_db(_settings(config)), name)
    if outcome == "config":
        raise _fail(f"{name} is listed in newsmon.toml: remove it there")
    if outcome == "missing":
        raise _fail(f"no feed named {name}")
    console.print(f"removed feed {name}")


def run() -> None:
    """Entry point that turns unexpected errors into one line plus the log, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()
