"""The `newsmon` command line: the face over the flows and the warehouse."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
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
from rich.markup import escape  # noqa: E402
from rich.table import Table  # noqa: E402
from rich.text import Text  # noqa: E402

from flows.cli_analysis import register as register_analysis  # noqa: E402
from flows.cli_digest import register as register_digest  # noqa: E402
from flows.cli_settings import DEMO_CONFIG, reading_settings  # noqa: E402
from pipeline.digest import output_folder  # noqa: E402
from pipeline.settings import FeedSettings, Settings, SettingsError, load_settings  # noqa: E402
from pipeline.sources import (  # noqa: E402
    DEFAULT_FOCUS,
    KINDS,
    load_catalogue,
    render_config,
    search_feeds,
)
from warehouse import store  # noqa: E402
from warehouse.backend import open_database  # noqa: E402
from warehouse.db import Database, StoreError  # noqa: E402

app = typer.Typer(
    help="newsmon: news monitoring for AI-industry deals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
feeds_app = typer.Typer(help="List, add, enable and remove feeds.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
console = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="newsmon.toml (default: $NEWSMON_CONFIG)")
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as exc:
        raise _fail(str(exc)) from None


def _db(settings: Settings) -> Database:
    return open_database(settings.storage)


def _table(
    title: str, rows: Sequence[dict[str, Any]], columns: Iterable[str] | None = None
) -> Table:
    columns = list(columns or (rows[0].keys() if rows else ()))
    table = Table(title=title, title_justify="left")
    for n, column in enumerate(columns):
        # The first column names the row: it keeps its width, the others wrap or are cut.
        table.add_column(column, no_wrap=n == 0)
    for row in rows:
        # Text cells: stored titles and URLs are data, never rich markup.
        table.add_row(*(Text("" if row.get(c) is None else str(row[c])) for c in columns))
    return table


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


RetryNowOption = Annotated[
    bool,
    typer.Option(
        "--retry-now",
        help="try entries that failed transiently again now, before their back-off is over",
    ),
]


@app.command()
def ingest(config: ConfigOption = None, retry_now: RetryNowOption = False) -> None:
    """Poll the feeds, fetch new articles, extract, tag and store them."""
    settings = _settings(config)
    if not settings.feeds:
        raise _fail("no feeds configured: add [[feeds]] to newsmon.toml or `newsmon feeds add`")
    _run_ingest(settings, retry_now)


def _run_ingest(settings: Settings, retry_now: bool = False) -> None:
    from flows.ingest import flow_for

    try:
        with _progress_bar() if console.is_terminal else _null():
            result = asyncio.run(flow_for(settings)(settings=settings, retry_now=retry_now))
    except (StoreError, SettingsError) as exc:
        raise _fail(str(exc), 3) from None
    _print_counts(result)


def _print_counts(result: Any) -> None:
    counts = vars(result.counts)
    rows = [{"figure": k, "value": v} for k, v in counts.items() if k != "error_kinds"]
    rows += [
        {"figure": f"errors: {k}", "value": v} for k, v in sorted(counts["error_kinds"].items())
    ]
    console.print(_table(f"ingest run {result.run_id[:8]}", rows))
    console.print(f"database: [bold]{Path(result.database).resolve()}[/]", highlight=False)


@contextmanager
def _progress_bar() -> Iterator[None]:
    """A progress bar over the entries of the run, fed by the flow's progress log."""
    from rich.progress import Progress

    class Listener(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            total = getattr(record, "total", None)
            bar.update(task, completed=getattr(record, "done", 0), total=total)

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("ingesting", total=None)
        logger, listener = logging.getLogger("newsmon.progress"), Listener()
        logger.addHandler(listener)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(listener)


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
    if database is not None:  # the alerts go beside it too
        storage = settings.storage.model_copy(update={"database": database})
        folder = settings.digest.file.model_copy(update={"folder": database.parent / "digests"})
        digest = settings.digest.model_copy(update={"file": folder})
        settings = settings.model_copy(update={"storage": storage, "digest": digest})
    with serve_site() as base:
        console.print(f"serving the seed site at {base}", highlight=False)
        feeds = (
            FeedSettings(name="seed-rss", url=f"{base}/feeds/rss.xml"),
            FeedSettings(name="seed-atom", url=f"{base}/feeds/atom.xml"),
            # the newsroom of a party to the Stargate venture: it confirms that deal
            FeedSettings(
                name="seed-official",
                url=f"{base}/feeds/official.xml",
                kind="official",
                entities=("OpenAI",),
            ),
        )
        _run_ingest(settings.model_copy(update={"feeds": feeds}))
    db = _db(settings)
    console.print(_table("rows stored", store.read(db, "table_counts")))
    confirmed = store.read(db, "confirmed_deals")
    if confirmed:
        console.print(_table("deals confirmed by a primary source", confirmed))
    folder = output_folder(settings.digest.file.folder, settings.source)
    for alert in sorted(folder.glob("alert-*.md")) if settings.alerts.enabled else ():
        console.print(f"alert written: [bold]{alert.resolve()}[/]", highlight=False)


@app.command()
def status(
    config: ConfigOption = None, runs: Annotated[int, typer.Option(help="how many recent runs")] = 5
) -> None:
    """Recent ingest runs and the health of each feed."""
    try:
        settings = reading_settings(config)
        db = _db(settings)
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    try:
        console.print(_table("recent runs", store.read(db, "recent_runs", [runs])))
        feeds = store.read(db, "feed_status")
        entries = store.entry_status(db, settings.ingest.max_attempts, datetime.now(UTC))
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    console.print(_table("feeds", feeds, STATUS_COLUMNS))
    console.print(_health_summary(feeds), highlight=False)
    if entries is None:
        console.print("entries: shown once the next `newsmon ingest` has migrated the database")
        return
    console.print(_table("entries", entries))
    if any(row["retry"] == "waiting" for row in entries):
        console.print(
            "failed entries wait for their back-off (`ingest.retry_backoff_s`); "
            "`newsmon ingest --retry-now` tries them at once",
            highlight=False,
        )


@app.command("upgrade-storage")
def upgrade_storage(config: ConfigOption = None) -> None:
    """Copy the warehouse into DuckDB's current storage format (short checkpoints at
    scale); the file as it was is kept beside it. Writers and readers wait meanwhile."""
    settings = _settings(config)
    if settings.storage.backend != "duckdb":
        raise _fail("upgrade-storage is for the embedded file; DuckLake keeps no such file")
    db = _db(settings)
    try:
        kept = db.upgrade_storage()
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    if kept is None:
        console.print(f"{db.label} is already in the current storage format", highlight=False)
        return
    console.print(
        f"upgraded {db.label}; the file as it was: {kept} (delete it once all is well)",
        highlight=False,
    )


STATUS_COLUMNS = (
    "name",
    "health",
    "last_status",
    "last_http_status",
    "last_success",
    "consecutive_failures",
    "failure_weight",
    "next_poll",
    "note",
)


def _health_summary(feeds: Sequence[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[feed["health"]] = counts.get(feed["health"], 0) + 1
    summary = ", ".join(f"{n} {health}" for health, n in sorted(counts.items()))
    hint = " (`newsmon feeds enable NAME` polls one again)" if counts.get("disabled") else ""
    return f"{len(feeds)} feeds: {summary or 'none'}{hint}"


@feeds_app.command("list")
def feeds_list(config: ConfigOption = None) -> None:
    """Feeds in the config and in the database, with their last status."""
    settings = _settings(config)
    db = _db(settings)
    try:
        rows = store.read(db, "feed_status") if db.exists() else []
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    known = {row["name"] for row in rows}
    rows += [
        {
            "name": f.name,
            "kind": f.kind,
            "url": f.url,
            "source": "config (not yet polled)",
            "enabled": f.enabled,
        }
        for f in settings.feeds
        if f.name not in known
    ]
    console.print(
        _table(
            "feeds",
            rows,
            # the URL last: on a narrow terminal it is what gets cut
            ["name", "kind", "enabled", "source"]
            + (["last_status", "consecutive_failures"] if known else [])
            + ["url"],
        )
    )
    console.print(_kinds_summary(rows), highlight=False)


def _kinds_summary(rows: Sequence[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        kind = row.get("kind") or "no kind"
        counts[kind] = counts.get(kind, 0) + 1
    listed = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    return f"{len(rows)} feeds: {listed or 'none'}"


@feeds_app.command("catalog")
def feeds_catalog(
    kind: Annotated[
        str | None, typer.Option(help="only these kinds: official, filing, press, search")
    ] = None,
    focus: Annotated[
        str, typer.Option(help="focus entities the search feeds are made for, comma-separated")
    ] = ",".join(DEFAULT_FOCUS),
) -> None:
    """The shipped source catalogue (what `newsmon init` writes a config from)."""
    catalogue = load_catalogue()
    kinds = _kinds(kind)
    rows = [
        {
            "kind": s.kind,
            "name": s.name,
            "url": s.url,
            "entities": ", ".join(s.entities),
            "note": s.note or ("contact required" if s.contact_required else ""),
        }
        for s in catalogue.sources(kinds)
    ]
    if "search" in kinds:
        rows += [
            {"kind": "search", "name": f.name, "url": f.url, "entities": ", ".join(f.entities)}
            for f in search_feeds(catalogue, _focus(focus))
        ]
    console.print(_table(f"source catalogue, version {catalogue.version}", rows))
    console.print(_kinds_summary(rows), highlight=False)


def _kinds(value: str | None) -> tuple[str, ...]:
    if value is None:
        return KINDS
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise _fail(f"--kind: {', '.join(unknown) or value!r} is not one of {', '.join(KINDS)}")
    return kinds


def _focus(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise _fail('--focus: give at least one entity, like "Microsoft,OpenAI"')
    return names


@app.command()
def init(
    focus: Annotated[str, typer.Option(help="the companies to follow, comma-separated")] = ",".join(
        DEFAULT_FOCUS
    ),
    kind: Annotated[
        str | None, typer.Option(help="only sources of these kinds (default: all four)")
    ] = None,
    operator: Annotated[
        str | None, typer.Option(help="who runs this newsmon (SEC EDGAR asks for it)")
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="an e-mail address for the operator (SEC EDGAR asks)")
    ] = None,
    path: Annotated[Path, typer.Option("--config", "-c", help="the file to write")] = Path(
        "newsmon.toml"
    ),
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write a commented newsmon.toml from the source catalogue, for the focus entities."""
    if path.exists() and not force:
        raise _fail(f"{path} exists: --force overwrites it")
    text = render_config(load_catalogue(), _focus(focus), _kinds(kind), operator, contact)
    settings = _write_checked(path, text)
    console.print(f"wrote [bold]{path}[/]: {_kinds_summary(_feed_rows(settings))}", highlight=False)
    if any(not f.enabled for f in settings.feeds):
        console.print(
            "the SEC EDGAR feeds are off until \\[http] operator and contact are set "
            "(or run init again with --operator and --contact)",
            highlight=False,
        )
    console.print("next: `newsmon feeds list`, then `newsmon ingest`", highlight=False)


def _feed_rows(settings: Settings) -> list[dict[str, Any]]:
    return [{"kind": f.kind} for f in settings.feeds]


def _write_checked(path: Path, text: str) -> Settings:
    """Write `text` to `path` only once it loads as a config (a bad --contact, say, is
    reported and nothing is written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.draft")
    draft.write_text(text, encoding="utf-8")
    try:
        settings = load_settings(draft, env={})
    except SettingsError as exc:
        draft.unlink()
        raise _fail(str(exc).replace(str(draft), str(path))) from None
    draft.replace(path)
    return settings


@feeds_app.command("add")
def feeds_add(
    url: str,
    name: Annotated[str | None, typer.Option(help="a short name")] = None,
    kind: Annotated[str, typer.Option(help="official, filing, press or search")] = "press",
    config: ConfigOption = None,
) -> None:
    """Add a feed to the database (feeds in newsmon.toml are added on every run)."""
    settings = _settings(config)
    try:
        feed = FeedSettings(name=name or _name_for(url), url=url, kind=kind)
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


@feeds_app.command("enable")
def feeds_enable(name: str, config: ConfigOption = None) -> None:
    """Poll a feed again that was disabled for failing (its failure count starts over)."""
    db = _db(_settings(config))
    outcome = store.enable_feed(db, name) if db.exists() else "missing"
    if outcome == "missing":
        raise _fail(f"no feed named {name}")
    if outcome == "off":
        raise _fail(f"{name} has enabled = false in newsmon.toml: change it there")
    console.print(f"enabled feed {name}: the next run polls it", highlight=False)


@feeds_app.command("remove")
def feeds_remove(name: str, config: ConfigOption = None) -> None:
    """Remove a feed added with `feeds add` (config feeds are removed from the file)."""
    outcome = store.remove_feed(_db(_settings(config)), name)
    if outcome == "config":
        raise _fail(f"{name} is listed in newsmon.toml: remove it there")
    if outcome == "missing":
        raise _fail(f"no feed named {name}")
    console.print(f"removed feed {name}")


@app.command("tag")
def tag_command(
    input_file: Annotated[
        str | None,
        typer.Argument(metavar="INPUT", help='JSONL of {"id", "text"} lines, or - for stdin'),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="tag one string")] = None,
    config: ConfigOption = None,
) -> None:
    """Tag texts with entities and deals: JSONL in, one JSON line out per line, same order."""
    from pipeline.tagging.tagger import load_tagging_watchlist, parents_of, tagger_version

    if (input_file is None) == (text is None):
        raise _fail("give INPUT (a JSONL file or -) or --text, not both")
    try:
        watchlist = load_tagging_watchlist(_settings(config).tagging)
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    if text is not None:
        _print_tags(text, watchlist)
        return
    lines = sys.stdin if input_file == "-" else _open_input(input_file)
    context = (tagger_version(watchlist), parents_of(watchlist))  # once, not per line
    for line in lines:
        out = _tag_line(line, watchlist, context)
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


def _open_input(path: str) -> Iterable[str]:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None


def _tag_line(line: str, watchlist: Any, context: tuple[str, dict[str, str]]) -> dict[str, Any]:
    """One output object per input line; a bad line gets an `error`, the run goes on.

    `published` (or `date`, as the annotation format names it) dates the text, so that
    deals of earlier years read as background.
    """
    from pipeline.tagging.tagger import as_json, tag

    try:
        item = json.loads(line)
    except ValueError as exc:
        return _bad_line(None, f"not JSON: {exc}")
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return _bad_line(
            item.get("id") if isinstance(item, dict) else None,
            'expected an object with a string "text"',
        )
    try:
        published = _published(item.get("published") or item.get("date"))
    except ValueError:
        return _bad_line(item.get("id"), "published: not an ISO 8601 date")
    tagged = tag(str(item.get("id", "")), item["text"], watchlist, published, *context)
    return as_json(tagged, watchlist)


def _bad_line(item_id: object, message: str) -> dict[str, Any]:
    err.print(f"skipped a line: {message}", highlight=False)
    return {"id": item_id, "entities": [], "deals": [], "error": message}


def _published(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _print_tags(text: str, watchlist: Any) -> None:
    from pipeline.tagging.tagger import as_json, tag

    result = as_json(tag("text", text, watchlist), watchlist)
    console.print(_table("entities", result["entities"]))
    console.print(f"[bold]deals[/] ({len(result['deals'])})")
    for deal in result["deals"]:
        parties = ", ".join(f"{p} ({deal['roles'][p]})" for p in deal["parties"])
        amount = f"  {deal['amount_text']}" if deal["amount_text"] else ""
        history = "  [dim]background[/]" if deal["background"] else ""
        console.print(
            f"- [bold]{deal['type']}[/] {deal['status']}{amount}{history}: {parties}",
            highlight=False,
        )
        console.print(f"  [dim]“{deal['sentence']}”[/]", highlight=False)


@app.command()
def retag(
    config: ConfigOption = None,
    force: Annotated[bool, typer.Option(help="retag every article")] = False,
) -> None:
    """Rebuild entity and deal tags from stored text (after watchlist or rule changes)."""
    from flows.retag import retag_flow

    try:
        result = retag_flow(settings=_settings(config), force=force)
    except (StoreError, SettingsError) as exc:
        raise _fail(str(exc), 3) from None
    console.print(_table("retag", [vars(result)]))


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Serve the scheduled deployments (ingest, digest, retag, backfill) until stopped."""
    settings = _settings(config)
    api = os.environ.get("PREFECT_API_URL")
    if not api or not _api_healthy(api):
        raise _fail(
            "newsmon serve needs a running Prefect server (an ephemeral one cannot schedule):\n"
            "  make server        # in another terminal: a local server on 127.0.0.1:4200\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api\n"
            f"(PREFECT_API_URL is {api or 'not set'})"
        )
    from prefect import serve as prefect_serve

    from flows.deploy import build_deployments

    source = str(settings.source.resolve()) if settings.source else None
    prefect_serve(*build_deployments(settings, source))


def _api_healthy(api: str) -> bool:
    import httpx

    try:
        return httpx.get(api.rstrip("/") + "/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@app.command()
def backfill(
    urls: Annotated[list[str] | None, typer.Argument(help="page URLs")] = None,
    sitemap: Annotated[str | None, typer.Option(help="a sitemap or sitemap index URL")] = None,
    folder: Annotated[Path | None, typer.Option(help="a folder of saved .html pages")] = None,
    config: ConfigOption = None,
    retry_now: RetryNowOption = False,
) -> None:
    """Ingest pages no feed lists: URLs, a sitemap's URLs, or saved HTML files."""
    from flows.backfill import backfill_flow

    if not (urls or sitemap or folder):
        raise _fail("give page URLs, --sitemap URL or --folder DIR")
    if folder is not None and not folder.is_dir():
        raise _fail(f"--folder: {folder} is not a folder")
    settings = _settings(config)
    try:
        result = asyncio.run(
            backfill_flow(
                urls=urls,
                sitemap=sitemap,
                folder=str(folder) if folder else None,
                settings=settings,
                retry_now=retry_now,
            )
        )
    except (StoreError, SettingsError) as exc:
        raise _fail(str(exc), 3) from None
    _print_counts(result)


register_analysis(app)
register_digest(app)


def run() -> None:
    """Entry point that turns unexpected errors into one line plus the log, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run()
