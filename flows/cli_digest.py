"""`newsmon digest`: send the deals first stored since the last digest, or preview them.

Wired into the `newsmon` app by `register(app)`. Prefect is imported only when a digest
is really sent; `--dry-run` reads the database read-only and never starts Prefect.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows.cli_settings import reading_settings
from pipeline.delivery import DeliverySecrets, check_channels
from pipeline.digest import DigestSettings, channels_due, digest_settings, run_settings
from pipeline.render import render_html, render_markdown, render_text
from pipeline.settings import Settings, SettingsError
from warehouse import digests
from warehouse.backend import open_database
from warehouse.db import Database, StoreError

if TYPE_CHECKING:
    from flows.digest import DigestOutcome

console = Console()
err = Console(stderr=True)


class ChannelName(StrEnum):
    file = "file"
    email = "email"
    webhook = "webhook"


class PreviewFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


_RENDER = {"text": render_text, "markdown": render_markdown, "html": render_html}


def register(app: typer.Typer) -> None:
    """Add the `digest` command to the `newsmon` app."""
    app.command("digest")(digest)


def digest(
    since: Annotated[
        str | None,
        typer.Option(help="cover deals stored since this ISO date/time, not since the last digest"),
    ] = None,
    channel: Annotated[
        list[ChannelName] | None,
        typer.Option("--channel", help="send only through this channel (repeatable)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the digest; send and record nothing")
    ] = False,
    include_background: Annotated[
        bool,
        typer.Option(
            "--include-background", help="also deals only restated as history, if new here"
        ),
    ] = False,
    output: Annotated[
        PreviewFormat, typer.Option("--format", help="what --dry-run prints")
    ] = PreviewFormat.text,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="newsmon.toml (default: $NEWSMON_CONFIG)")
    ] = None,
) -> None:
    """Send the deals first seen since the last digest (email, webhook, files)."""
    settings = _settings(config)
    channels = [c.value for c in channel] if channel else None
    options = _options(settings, channels, include_background or None)
    start = _since(since)
    if dry_run:
        _preview(settings, options, start, output.value)
        return
    _send(settings, start, channels, include_background or None)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        return reading_settings(config)
    except SettingsError as exc:
        raise _fail(str(exc)) from None


def _options(
    settings: Settings, channels: list[str] | None, include_background: bool | None
) -> DigestSettings:
    try:
        return run_settings(digest_settings(settings), channels, include_background)
    except ValidationError as exc:
        lines = [
            f"digest.{'.'.join(map(str, e['loc'])) or 'channels'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise _fail("invalid digest options:\n  " + "\n  ".join(lines)) from None


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"--since: {value!r} is not an ISO date or date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _db(settings: Settings) -> Database:
    return open_database(settings.storage)


def _preview(settings: Settings, options: DigestSettings, since: datetime | None, fmt: str) -> None:
    try:
        digest, pending = digests.preview_digest(_db(settings), options, since, datetime.now(UTC))
    except StoreError as exc:
        raise _fail(str(exc), 3) from None
    sys.stdout.write(_RENDER[fmt](digest))  # plain write: article text is not rich markup
    if pending is not None:
        due = channels_due(pending.channels, pending.delivered, options.channels)
        note = f"pending digest {digest.digest_id}: a run re-sends it to {', '.join(due) or '-'}"
    elif digest.entries or options.send_empty:
        note = f"would send {len(digest.entries)} deal(s) to {', '.join(options.channels)}"
    else:
        note = "nothing to send"
    problems = check_channels(options.channels, options, DeliverySecrets.from_env(os.environ))
    err.print(f"dry run: {note}; nothing was sent or recorded", highlight=False, markup=False)
    for problem in problems:
        err.print(f"warning: {problem}", highlight=False, markup=False)


def _send(
    settings: Settings,
    since: datetime | None,
    channels: list[str] | None,
    include_background: bool | None,
) -> None:
    from flows.digest import digest_flow

    try:
        outcomes = digest_flow(
            settings=settings,
            since=since,
            channels=channels,
            include_background=include_background,
        )
    except (StoreError, SettingsError) as exc:
        raise _fail(str(exc), 3) from None
    console.print(_outcome_table(outcomes))
    if any(o.status == "incomplete" for o in outcomes):
        raise _fail("a channel failed: the digest stays pending and the next run re-sends it", 1)


def _outcome_table(outcomes: list[DigestOutcome]) -> Table:
    table = Table(title="digest", title_justify="left")
    for column in ("digest", "status", "deals", "updates", "channel", "result"):
        table.add_column(column)
    for o in outcomes:
        results = o.deliveries or ()
        first = [
            o.digest_id[:12],
            o.status + (" (resumed)" if o.resumed else ""),
            str(o.deals),
            str(o.updates),
        ]
        if not results:
            table.add_row(*first, "-", "nothing sent")
        for n, r in enumerate(results):
            cells = first if n == 0 else ["", "", "", ""]
            # Text, not markup: an error message may hold square brackets
            table.add_row(*cells, r.channel, Text(("sent: " if r.ok else "FAILED: ") + r.detail))
    return table
