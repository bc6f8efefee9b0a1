"""The digest flow end to end: the seed site ingested by the real ingest flow, real
Prefect (test harness), real DuckDB, an SMTP server (aiosmtpd) and a webhook receiver
(http.server) on 127.0.0.1. Every network wait is bounded by a few seconds."""

from __future__ import annotations

import asyncio
import email
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import typer
from aiosmtpd.controller import Controller
from prefect.settings import get_current_settings
from typer.testing import CliRunner

from flows.cli_digest import register
from flows.digest import digest_flow
from flows.ingest import ingest_flow
from flows.seedserver import serve_site
from pipeline.alerts import AlertSettings
from pipeline.digest import Digest, DigestSettings, digest_from_dict
from pipeline.settings import FeedSettings, Settings, load_settings
from tests.conftest import ROOT, SEEDS
from tests.test_digest_delivery import Inbox, free_port
from warehouse.db import Database
from warehouse.digests import current_watermark

pytestmark = pytest.mark.usefixtures("prefect_harness")

STARGATE = "joint_venture|OpenAI+Oracle+SoftBank|$100B+"
AWS_TALKS = "contract|Amazon Web Services+OpenAI|undisclosed"


# ---- fixtures --------------------------------------------------------------------------


def _seed_settings(site: str, database: Path) -> Settings:
    settings = load_settings(SEEDS / "demo.toml", env={})
    storage = settings.storage.model_copy(update={"database": database})
    feeds = (
        FeedSettings(name="seed-rss", url=f"{site}/feeds/rss.xml"),
        FeedSettings(name="seed-atom", url=f"{site}/feeds/atom.xml"),
    )
    alerts = AlertSettings()  # the demo's would write beside the project
    return settings.model_copy(update={"storage": storage, "feeds": feeds, "alerts": alerts})


@pytest.fixture(scope="module")
def seeded(prefect_harness: None, seed_site: str, tmp_path_factory) -> Path:
    """The seed site ingested once per module; each test works on a copy."""
    database = tmp_path_factory.mktemp("digest-seed") / "newsmon.duckdb"
    asyncio.run(ingest_flow(settings=_seed_settings(seed_site, database)))
    return database


@pytest.fixture
def settings(seeded: Path, seed_site: str, tmp_path: Path) -> Settings:
    database = tmp_path / "newsmon.duckdb"
    shutil.copy(seeded, database)
    return _seed_settings(seed_site, database)


def with_digest(settings: Settings, **section: object) -> Settings:
    """Settings with a [digest] section (Settings.digest, once the lead wires it)."""
    return settings.model_copy(update={"digest": DigestSettings.model_validate(section)})


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Receiver:
    url: str = ""
    status: int = 200
    bodies: list[dict] = field(default_factory=list)


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 answering `status`; its URL is in the environment."""
    receiver = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver.bodies.append(json.loads(body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T0/B0/secret"
    monkeypatch.setenv("NEWSMON_WEBHOOK_URL", receiver.url)
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def email_section(port: int) -> dict:
    return {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from": "newsmon <newsmon@corp.example>",
        "to": ["analyst@corp.example"],
        "timeout_s": 5,
    }


WEBHOOK = {"retries": 1, "backoff_s": 0, "timeout_s": 3}


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def stored_digest(settings: Settings, digest_id: str) -> Digest:
    [(content,)] = query(
        settings, "select content::varchar from digests where digest_id = ?", [digest_id]
    )
    return digest_from_dict(json.loads(content))


def latest_stored(settings: Settings) -> datetime:
    return query(settings, "select max(stored_at) from articles")[0][0].astimezone(UTC)


def html_part(message: email.message.Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def today() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d}"


# ---- tests -----------------------------------------------------------------------------


def test_first_digest_reaches_email_webhook_and_files(
    settings: Settings, smtp: tuple[Inbox, int], hook: Receiver, tmp_path: Path
) -> None:
    inbox, port = smtp
    folder = tmp_path / "digests"
    s = with_digest(
        settings,
        channels=["file", "email", "webhook"],
        email=email_section(port),
        webhook=WEBHOOK,
        file={"folder": str(folder)},
    )
    [outcome] = digest_flow(settings=s)

    assert outcome.status == "sent", outcome.deliveries
    assert [r.channel for r in outcome.deliveries if r.ok] == ["file", "email", "webhook"]
    [message] = inbox.messages
    assert message.get_content_type() == "multipart/alternative"
    page = html_part(message)
    for expected in (
        "Stargate Project",
        "up to $500 billion",
        "Amazon Web Services",
        "Google Cloud",
        "in talks",
    ):
        assert expected in page
    assert "hooks/T0/B0/secret" not in page

    [body] = hook.bodies
    assert set(body) == {"text", "blocks"} and "Stargate Project" in json.dumps(body)
    assert (folder / f"{today()}.md").exists()
    assert "Stargate Project" in (folder / f"{today()}.html").read_text()

    digest = stored_digest(s, outcome.digest_id)
    assert digest.entries[0].deal_key == STARGATE  # announced and the largest
    assert {AWS_TALKS, STARGATE} <= {e.deal_key for e in digest.entries}
    assert not any(e.background_only for e in digest.entries)
    assert current_watermark(Database(s.storage.database)) == latest_stored(s)
    sent = query(s, "select channel, status, attempts from digest_deliveries order by channel")
    assert sent == [("email", "sent", 1), ("file", "sent", 1), ("webhook", "sent", 1)]
    assert "Stargate Project" in artifact_markdown("deal-digest")


def artifact_markdown(key: str) -> str:
    """The markdown of the Prefect artifacts stored under `key`, joined."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            limit=50,
        )
    return "\n".join(str(a.data) for a in artifacts)


def test_failed_webhook_keeps_the_watermark_and_the_retry_sends_each_channel_once(
    settings: Settings, smtp: tuple[Inbox, int], hook: Receiver
) -> None:
    inbox, port = smtp
    s = with_digest(
        settings,
        channels=["email", "webhook"],
        email=email_section(port),
        webhook={**WEBHOOK, "format": "json"},
    )
    db = Database(s.storage.database)
    hook.status = 500
    [failed] = digest_flow(settings=s)
    assert failed.status == "incomplete"
    assert {r.channel: r.ok for r in failed.deliveries} == {"email": True, "webhook": False}
    assert len(inbox.messages) == 1 and len(hook.bodies) == 2  # one retry
    assert current_watermark(db) is None

    hook.status = 200
    resumed, fresh = digest_flow(settings=s)
    assert (resumed.digest_id, resumed.status, resumed.resumed) == (failed.digest_id, "sent", True)
    assert [r.channel for r in resumed.deliveries] == ["webhook"]
    assert len(inbox.messages) == 1  # email already had it
    delivered = hook.bodies[-1]
    assert delivered["digest_id"] == failed.digest_id
    assert delivered["deals"] == failed.deals and STARGATE in json.dumps(delivered)
    assert fresh.status == "empty"
    assert current_watermark(db) == latest_stored(s)

    [again] = digest_flow(settings=s)
    assert again.status == "empty"
    assert (len(inbox.messages), len(hook.bodies)) == (1, 3)
    statuses = query(s, "select status, count(*) from digests group by all")
    assert statuses == [("sent", 1)]  # no new articles: no empty digests recorded


UPDATE_TITLE = 'OpenAI signs AWS deal <script>alert("x")</script>'
UPDATE_BODY = """
OpenAI has signed a multi-year cloud contract with Amazon Web Services, the companies
announced on Monday. The agreement, which follows months of talks, gives OpenAI access
to AWS data centres for training its next models, and it ends a long period in which
Microsoft was the only cloud provider for the company's largest training runs.
Separately, Microsoft acquired a <script>alert(1)</script> startup called Contoso Labs
for $2 billion, according to a filing published on the same day.
"""


def _update_site(root: Path, base: str) -> None:
    """One new article (and its feed) moving the OpenAI-AWS contract to announced."""
    canonical = "https://www.cloudwire.example/news/2025/06/02/openai-aws.html"
    page = root / "news" / "openai-aws.html"
    page.parent.mkdir(parents=True)
    title = UPDATE_TITLE.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    paragraphs = "".join(
        f"<p>{p.strip().replace('<', '&lt;').replace('>', '&gt;')}</p>"
        for p in UPDATE_BODY.split("Separately,")
    ).replace("<p>Microsoft acquired", "<p>Separately, Microsoft acquired")
    page.write_text(
        f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="og:title" content="{title}">
<link rel="canonical" href="{canonical}"><meta property="og:site_name" content="Cloud Wire">
<meta property="article:published_time" content="2025-06-02T09:00:00+00:00">
</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>""",
        encoding="utf-8",
    )
    feed = root / "feeds" / "rss.xml"
    feed.parent.mkdir(parents=True)
    feed.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Cloud Wire</title><link>{base}/</link><description>news</description>
<item><title>{title}</title><link>{base}/news/openai-aws.html</link>
<guid>cloudwire:openai-aws</guid><pubDate>Mon, 02 Jun 2025 09:00:00 +0000</pubDate></item>
</channel></rss>""",
        encoding="utf-8",
    )


def test_a_deal_that_moved_from_talks_to_announced_returns_as_an_update(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "digests"
    s = with_digest(settings, channels=["file"], file={"folder": str(folder)})
    [first] = digest_flow(settings=s)
    assert first.status == "sent"

    site = tmp_path / "site"
    with serve_site(site) as base:
        _update_site(site, base)
        feeds = (FeedSettings(name="cloudwire", url=f"{base}/feeds/rss.xml"),)
        counts = asyncio.run(ingest_flow(settings=s.model_copy(update={"feeds": feeds}))).counts
    assert counts.articles_stored == 1, counts

    [second] = digest_flow(settings=s)
    digest = stored_digest(s, second.digest_id)
    by_key = {e.deal_key: e for e in digest.entries}
    update = by_key[AWS_TALKS]
    assert update.is_update and update.status == "announced"
    assert update.previous is not None and update.previous.status == "in_talks"
    assert update.previous.digest_id == first.digest_id
    assert STARGATE not in by_key  # unchanged: not sent again
    assert second.updates == 1

    page = (folder / f"{today()}-2.html").read_text()
    assert "UPDATE" in page and "in talks → announced" in page
    assert "<script>" not in page
    assert "OpenAI signs AWS deal &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "\\<script\\>" in (folder / f"{today()}-2.md").read_text()


def test_send_empty_sends_a_digest_with_no_deals(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    s = with_digest(settings, channels=["file"], send_empty=True, file={"folder": str(folder)})
    digest_flow(settings=s)
    [empty] = digest_flow(settings=s)
    assert (empty.status, empty.deals) == ("sent", 0)
    assert "No new deals" in (folder / f"{today()}-2.md").read_text()


# ---- the command line ------------------------------------------------------------------


def _cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def version() -> None:  # a second command, so `digest` stays a subcommand
        pass

    return app


def _config(settings: Settings, folder: Path) -> Path:
    config = folder / "newsmon.toml"
    config.write_text(f'[storage]\ndatabase = "{settings.storage.database.name}"\n')
    return config


def test_dry_run_prints_the_digest_and_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    config = _config(settings, tmp_path)
    before = hashlib.sha256(settings.storage.database.read_bytes()).hexdigest()
    result = CliRunner().invoke(
        _cli(), ["digest", "--dry-run", "--format", "html", "-c", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "Stargate Project" in result.stdout and "<!DOCTYPE html>" in result.stdout
    assert "nothing was sent or recorded" in result.stderr
    later = CliRunner().invoke(
        _cli(), ["digest", "--dry-run", "--since", "2999-01-01", "-c", str(config)]
    )
    assert later.exit_code == 0 and "No new deals" in later.stdout
    assert "nothing to send" in later.stderr
    assert hashlib.sha256(settings.storage.database.read_bytes()).hexdigest() == before
    assert not (tmp_path / "digests").exists()


def test_cli_sends_through_the_file_channel_then_has_nothing_new(
    settings: Settings, tmp_path: Path
) -> None:
    config = _config(settings, tmp_path)
    runner = CliRunner()
    sent = runner.invoke(_cli(), ["digest", "--channel", "file", "-c", str(config)])
    assert sent.exit_code == 0, sent.output
    assert (tmp_path / "digests" / f"{today()}.md").exists()  # beside the config file
    again = runner.invoke(_cli(), ["digest", "--channel", "file", "-c", str(config)])
    assert again.exit_code == 0 and "empty" in again.stdout
    bad = runner.invoke(_cli(), ["digest", "--since", "yesterday", "-c", str(config)])
    assert bad.exit_code == 2 and "not an ISO date" in bad.stderr


def test_cli_refuses_a_channel_without_its_secret(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSMON_WEBHOOK_URL", raising=False)
    config = _config(settings, tmp_path)
    result = CliRunner().invoke(_cli(), ["digest", "--channel", "webhook", "-c", str(config)])
    assert result.exit_code == 3 and "NEWSMON_WEBHOOK_URL" in result.stderr
    assert current_watermark(Database(settings.storage.database)) is None


@dataclass
class HeldWebhook:
    """A webhook on 127.0.0.1 that holds each POST until `release` is set, so the process
    sending it can be killed mid-send; `posts` are the bodies it received."""

    server: http.server.ThreadingHTTPServer
    posts: list[dict]
    arrived: threading.Event
    release: threading.Event

    @classmethod
    def start(cls) -> HeldWebhook:
        arrived, release, posts = threading.Event(), threading.Event(), []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                arrived.set()
                release.wait(20)  # hold the first POST until its sender is dead
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return cls(server, posts, arrived, release)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def kill_mid_post(self, command: list[str], env: dict[str, str], wait_s: float) -> None:
        """Run `command`, SIGKILL it once its POST arrived, then let the server answer."""
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            assert self.arrived.wait(wait_s), f"{command[3]} never reached its webhook"
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            self.release.set()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_sigkill_mid_digest_then_the_next_run_completes_it_once(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsmon digest` killed while its webhook POST is in flight (the file channel done):
    nothing half-written, the watermark where it was, and the next run sends the webhook
    once and does not write the file channel again."""
    hook = HeldWebhook.start()
    url = hook.url
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[storage]\ndatabase = "{settings.storage.database.name}"\n'
        '[digest]\nchannels = ["file", "webhook"]\n'
        '[digest.webhook]\nformat = "json"\nretries = 0\ntimeout_s = 30\n'
    )
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "NEWSMON_WEBHOOK_URL": url,
    }
    command = [sys.executable, "-m", "flows.cli", "digest", "-c", str(config)]
    hook.kill_mid_post(command, env, wait_s=120)
    file_md = tmp_path / "digests" / f"{today()}.md"
    written = file_md.stat().st_mtime_ns
    db = Database(settings.storage.database)
    assert current_watermark(db) is None
    [(digest_id, status)] = query(settings, "select digest_id, status from digests")
    assert status != "sent" and hook.posts[0]["digest_id"] == digest_id

    monkeypatch.setenv("NEWSMON_WEBHOOK_URL", url)
    resumed = CliRunner().invoke(_cli(), ["digest", "-c", str(config)])
    hook.close()
    assert resumed.exit_code == 0, resumed.output
    assert [p["digest_id"] for p in hook.posts] == [
        digest_id,
        digest_id,
    ]  # the killed one, once more
    assert file_md.stat().st_mtime_ns == written  # the file channel had it: not sent again
    assert query(settings, "select digest_id, status from digests") == [(digest_id, "sent")]
    assert current_watermark(db) == latest_stored(settings)
