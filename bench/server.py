"""The ingest benchmark's web: article pages and RSS feeds on many loopback hosts.

Pages are made from the 181 real pages of the extraction corpus (third-party, read in
place). Page `i` is copy `i // 181` of corpus page `i % 181`, under its own URL on host
`127.0.0.(1 + i % hosts)`. Each copy names its own URL as canonical (`<link
rel=canonical>`, `og:url`) and carries a paragraph of its own inside the article body,
so newsmon keys it as its own article and its text hashes apart from the other copies.

RSS feeds list the pages 50 at a time, spread over the hosts like the pages; "small"
one-item feeds serve the re-poll measure. Every answer has an ETag and a 304 for a
matching If-None-Match, like a news site's CDN; robots.txt allows everything.

The server runs in a process of its own (spawned, so it shares no GIL with what is
measured), one threaded HTTP/1.1 server per loopback address, and stops when asked, when
its parent goes away, or after `max_seconds`, whichever comes first.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import logging
import multiprocessing
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bench.common import EXTRACTION

log = logging.getLogger(__name__)

URL_SLOT = b"\x00URL\x00"
PARA_SLOT = b"\x00PARA\x00"
_SLOTS = re.compile(rb"\x00(URL|PARA)\x00")
_HEAD_TAG = re.compile(rb"<(?:link|meta|base)\b[^>]*>", re.I)
# Where a page names its own URL (trafilatura reads og:url, then these links).
_SELF_URL = re.compile(
    rb"rel\s*=\s*[\"']?canonical\b|property\s*=\s*[\"']?(?:og|twitter):url\b"
    rb"|name\s*=\s*[\"']?(?:og|twitter):url\b|hreflang\s*=\s*[\"']?x-default\b|^<base\b",
    re.I,
)
_URL_ATTR = re.compile(rb"""(\b(?:href|content)\s*=\s*)(["']?)([^"'\s>]*)""", re.I)
ROBOTS = b"User-agent: *\nAllow: /\n"
LAST_MODIFIED = "Mon, 06 Jan 2025 08:00:00 GMT"
EPOCH = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SiteSpec:
    """What the site serves: `pages` article pages over `hosts` loopback addresses,
    feeds of `feed_items` items, and `small_feeds` one-item feeds for the re-poll."""

    pages: int
    hosts: int = 20
    feed_items: int = 50
    small_feeds: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.hosts <= 254:
            raise ValueError("hosts: 1 to 254 loopback addresses")
        if self.pages < 1 or self.feed_items < 1:
            raise ValueError("pages and feed_items must be positive")

    @property
    def feeds(self) -> int:
        return -(-self.pages // self.feed_items)


@dataclass(frozen=True)
class Template:
    """One corpus page, split around its slots (its own URL, the copy's paragraph)."""

    page_id: str
    parts: tuple[bytes | str, ...]  # literal bytes, or the name of a slot


def load_templates(folder: Path = EXTRACTION) -> list[Template]:
    """The corpus pages, in a stable order, with their slots marked."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    templates = []
    for page_id in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        marked = _mark_self_urls(html)
        points = _insertion_points(marked, truth[page_id].get("articleBody") or "")
        pieces = [marked[a:b] for a, b in zip([0, *points], [*points, len(marked)], strict=True)]
        marked = PARA_SLOT.join(pieces)
        parts = tuple(
            part.decode() if i % 2 else part for i, part in enumerate(_SLOTS.split(marked))
        )
        templates.append(Template(page_id, parts))
    return templates


def _mark_self_urls(html: bytes) -> bytes:
    """Put the URL slot where the page names its own URL, so each copy names its own."""

    def mark(tag: re.Match[bytes]) -> bytes:
        text = tag.group(0)
        if not _SELF_URL.search(text):
            return text
        return _URL_ATTR.sub(lambda m: m.group(1) + m.group(2) + URL_SLOT, text, count=1)

    return _HEAD_TAG.sub(mark, html)


def _insertion_points(html: bytes, body: str, wanted: int = 3) -> list[int]:
    """Ends of text nodes of the article body: where runs of the ground truth's words end
    in the page's visible text, one per paragraph, from `wanted` paragraphs spread over
    the story (an extractor may drop any one of them). The middle `</p>` if none is found."""
    codec = _charset(html)
    points: list[int] = []
    for paragraph in _spread(body, wanted):
        point = _paragraph_end(html, paragraph, codec)
        if point is not None and point not in points:
            points.append(point)
    if not points:
        closes = [m.end() for m in re.finditer(rb"</p>", html, re.I)]
        points.append(closes[len(closes) // 2] if closes else len(html))
    return sorted(points)


def _spread(body: str, wanted: int) -> list[str]:
    """Up to `wanted` paragraphs from the second on, evenly apart (the lede is often
    repeated in a summary box, so it is the last resort)."""
    paragraphs = [p for p in body.split("\n") if len(p) > 40]
    rest = paragraphs[1:] or paragraphs
    step = max(1, len(rest) // wanted)
    return rest[::step][:wanted]


def _paragraph_end(html: bytes, paragraph: str, codec: str) -> int | None:
    for probe in _probes(paragraph):
        try:
            pattern = _GAP.join(re.escape(word.encode(codec)) for word in probe)
        except (UnicodeEncodeError, LookupError):
            return None
        for found in re.finditer(pattern, html):
            if _in_visible_text(html, found.start()):
                end = html.find(b"<", found.end())
                return end if end != -1 else len(html)
    return None


def _charset(html: bytes) -> str:
    declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", html[:4096], re.I)
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


_GAP = rb"(?:\W|&#?\w+;)+"  # between words: spaces, punctuation, character references


def _probes(paragraph: str) -> Iterator[list[str]]:
    """Runs of 5 words (or one long word, for scripts written without spaces)."""
    words = re.findall(r"\w+", paragraph)
    for start in (0, 5, 10):
        run = words[start : start + 5]
        if len(run) == 5:
            yield run
        elif run and len(run[0]) >= 8:
            yield run[:1]


def _in_visible_text(html: bytes, at: int) -> bool:
    """Inside <body>, outside a tag, a script, a style or a title."""
    body = re.search(rb"<body\b", html, re.I)
    if body and at < body.start():
        return False
    if html.rfind(b"<", 0, at) > html.rfind(b">", 0, at):
        return False
    before = html[:at].lower()
    return all(before.rfind(b"<" + t) <= before.rfind(b"</" + t) for t in _HIDDEN)


_HIDDEN = (b"script", b"style", b"title", b"textarea", b"noscript")


class Site:
    """The URLs and bodies of the benchmark's web, given the base URL of each host."""

    def __init__(self, spec: SiteSpec, templates: list[Template], bases: list[str]) -> None:
        if len(bases) != spec.hosts:
            raise ValueError(f"{spec.hosts} hosts, {len(bases)} base URLs")
        self.spec = spec
        self.templates = templates
        self.bases = bases
        self.server_pid: int | None = None  # the serving process, when this is its client
        self._feeds = {path: _feed_answer(body) for path, body in self._feed_bodies()}

    # -- URLs -----------------------------------------------------------------------------

    def host_of(self, index: int) -> int:
        return index % self.spec.hosts

    def page_url(self, i: int) -> str:
        return f"{self.bases[self.host_of(i)]}/news/{i:06d}.html"

    def page_urls(self) -> list[str]:
        return [self.page_url(i) for i in range(self.spec.pages)]

    def feed_urls(self) -> list[str]:
        return [f"{self.bases[self.host_of(f)]}/feeds/{f:04d}.xml" for f in range(self.spec.feeds)]

    def small_feed_urls(self) -> list[str]:
        return [
            f"{self.bases[self.host_of(f)]}/small/{f:04d}.xml" for f in range(self.spec.small_feeds)
        ]

    # -- bodies ---------------------------------------------------------------------------

    def page(self, i: int) -> bytes:
        """Page `i`: its corpus page, naming its own URL, with a paragraph of its own."""
        copy, base = divmod(i, len(self.templates))
        host = self.bases[self.host_of(i)].split("//", 1)[1].split(":", 1)[0]
        fills = {
            "URL": self.page_url(i).encode(),
            "PARA": (
                f" Edition {i} (copy {copy} of story {base}) was republished by the desk "
                f"at {host} as item {i} of its wire."
            ).encode(),
        }
        return b"".join(fills[p] if isinstance(p, str) else p for p in self.templates[base].parts)

    def answer(self, host: int, path: str) -> tuple[str, bytes, str] | None:
        """(content type, body, ETag) of `path` on host number `host`; None: not found."""
        if path == "/robots.txt":
            return "text/plain; charset=utf-8", ROBOTS, '"robots"'
        if path in self._feeds and self._feed_host(path) == host:
            return self._feeds[path]
        match = re.fullmatch(r"/news/(\d{6})\.html", path)
        if match:
            i = int(match.group(1))
            if i < self.spec.pages and self.host_of(i) == host:
                page_id = self.templates[i % len(self.templates)].page_id
                return "text/html", self.page(i), f'"{page_id[:12]}-{i}"'
        return None

    def _feed_host(self, path: str) -> int:
        return self.host_of(int(path.rsplit("/", 1)[1].split(".")[0]))

    def _feed_bodies(self) -> Iterator[tuple[str, bytes]]:
        items = self.spec.feed_items
        for f in range(self.spec.feeds):
            pages = range(f * items, min((f + 1) * items, self.spec.pages))
            yield f"/feeds/{f:04d}.xml", _rss(f"Bench feed {f}", pages, self.page_url)
        for f in range(self.spec.small_feeds):
            # Ten pages shared by all small feeds: the first poll fetches little.
            pages = range(f % min(10, self.spec.pages), f % min(10, self.spec.pages) + 1)
            yield f"/small/{f:04d}.xml", _rss(f"Bench small feed {f}", pages, self.page_url)


def _rss(title: str, pages: range, url_of) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{escape(url_of(i))}</link>"
        f'<guid isPermaLink="true">{escape(url_of(i))}</guid>'
        f"<pubDate>{format_datetime(EPOCH + timedelta(minutes=i))}</pubDate>"
        f"<description>Item {i} of the benchmark wire.</description></item>"
        for i in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://bench.invalid/</link>"
        f"<description>newsmon ingest benchmark</description>{items}</channel></rss>"
    ).encode()


def _feed_answer(body: bytes) -> tuple[str, bytes, str]:
    return "application/rss+xml; charset=utf-8", body, f'"{hashlib.sha256(body).hexdigest()[:16]}"'


# ---- serving -------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites answer
    server_version = "benchsite/1"
    site: Site
    host_number: int

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        found = self.site.answer(self.host_number, self.path.split("?", 1)[0])
        if found is None:
            self._send(404, "text/plain", b"not found\n", None, with_body)
            return
        content_type, body, etag = found
        if self.headers.get("If-None-Match") == etag:
            self._send(304, content_type, b"", etag, False)
            return
        self._send(200, content_type, body, etag, with_body)

    def _send(
        self, status: int, content_type: str, body: bytes, etag: str | None, with_body: bool
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
        self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
        self.end_headers()
        if with_body and body:
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    def handle(self) -> None:
        with suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("bench site: " + format, *args)


def _serve(spec: SiteSpec, conn, max_seconds: float) -> None:
    """The server process: bind every host, report the base URLs, serve until told."""
    servers: list[http.server.ThreadingHTTPServer] = []
    serving: list[http.server.ThreadingHTTPServer] = []
    try:
        for k in range(spec.hosts):
            handler = type("Handler", (_Handler,), {"host_number": k})
            server = http.server.ThreadingHTTPServer((f"127.0.0.{k + 1}", 0), handler)
            server.daemon_threads = True
            servers.append(server)
        bases = [f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers]
        site = Site(spec, load_templates(), bases)
        for server in servers:
            server.RequestHandlerClass.site = site
            threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True).start()
            serving.append(server)
        conn.send(bases)
        _wait_for_stop(conn, time.monotonic() + max_seconds)
    except Exception as exc:  # the parent is waiting for bases: tell it why there are none
        with suppress(OSError):
            conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        for server in serving:
            server.shutdown()  # waits for serve_forever: only for servers that run it
        for server in servers:
            server.server_close()


def _wait_for_stop(conn, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if conn.poll(1.0):
                conn.recv()  # "stop"
                return
        except (EOFError, OSError):  # the parent went away
            return


@contextmanager
def serve_site(spec: SiteSpec, max_seconds: float = 4 * 3600) -> Iterator[Site]:
    """Serve the benchmark's web for the length of the block; yields its `Site`."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(
        target=_serve, args=(spec, child, max_seconds), name="bench-site", daemon=True
    )
    process.start()
    try:
        bases = _started(parent, process, time.monotonic() + 120)
        site = Site(spec, load_templates(), bases)
        site.server_pid = process.pid  # the bench counts the CPU its serving takes
        yield site
    finally:
        with suppress(OSError):
            parent.send("stop")
        process.join(timeout=15)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)


def _started(conn, process: multiprocessing.process.BaseProcess, deadline: float) -> list[str]:
    """The base URLs the server process reports, or why it has none."""
    while not conn.poll(0.2):
        if not process.is_alive():
            raise RuntimeError(f"the bench site exited at start (code {process.exitcode})")
        if time.monotonic() > deadline:
            raise RuntimeError("the bench site did not start within 120 s")
    bases = conn.recv()
    if isinstance(bases, str):
        raise RuntimeError(f"the bench site did not start: {bases}")
    return bases
