"""A fault-injection HTTP server on loopback: the broken and hostile answers of the open web.

Raw sockets, one thread per connection, `Connection: close` on every answer, so each case
controls every byte (and every pause) it sends. `/f/<case>` serves a case at a feed URL,
`/p/<case>` at an article URL; most cases answer the same at both. `/feeds/pages.xml` is an
RSS feed listing every page case, `/article/<slug>` a valid article with its own text,
`/gone/<n>` a 410, `/corpus/<file>` a file of feedparser's test corpus and `/real/<file>`
a feed of the real-feeds corpus. Every request path is counted in `server.hits`.

`serve_hostile` runs it in a thread (requests are counted in `hits`), `spawn_hostile` in a
process of its own; by hand, `python -m tests.hostile.server` prints its URL.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.utils import formatdate
from functools import cache
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024
OVER_CAP = 16 * MiB  # just over the default 15 MiB body cap


@dataclass
class Request:
    conn: socket.socket
    server: _Server
    path: str
    query: str
    as_page: bool  # asked for at an article URL (/p/...) rather than a feed URL (/f/...)
    headers: dict[str, str]  # lower-cased names

    @property
    def base(self) -> str:
        return self.server.base

    def send(
        self,
        status: int,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
        length: bool = True,
    ) -> None:
        self.send_head(status, [*(headers or []), *_length(body, length)])
        self.write(body)

    def send_head(self, status: int, headers: list[tuple[str, str]]) -> None:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers]
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def write(self, data: bytes) -> bool:
        """Send; False once the client has gone (the usual end of a hostile answer)."""
        try:
            self.conn.sendall(data)
        except OSError:
            return False
        return True

    def pause(self, seconds: float) -> bool:
        """Sleep, but wake at shutdown; False when the server is stopping."""
        return not self.server.stopping.wait(seconds)


def _length(body: bytes, length: bool) -> list[tuple[str, str]]:
    return [("Content-Length", str(len(body)))] if length else []


Case = Callable[[Request], None]
CASES: dict[str, Case] = {}
PAGE_CASES: list[str] = []  # listed in /feeds/pages.xml


def case(name: str, page: bool = True) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        CASES[name] = func
        if page:
            PAGE_CASES.append(name)
        return func

    return register


# ---- documents ----------------------------------------------------------------------------

RSS_TYPE = ("Content-Type", "application/rss+xml; charset=utf-8")
HTML_TYPE = ("Content-Type", "text/html; charset=utf-8")


def article_html(slug: str, title: str | None = None, extra: str = "") -> bytes:
    """A valid article page whose text is its own (its slug is in every paragraph)."""
    title = title or f"Story {slug}"
    paras = "".join(
        f"<p>Report {slug}, part {n}: Microsoft and OpenAI discussed the terms of a new "
        f"agreement this week, people familiar with story {slug} said, in talks of {n} days.</p>"
        for n in range(1, 5)
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><article><h1>{title}</h1>{extra}{paras}</article></body></html>"
    ).encode()


def rss(items: list[tuple[str, str]], extra_items: str = "", encoding: str = "utf-8") -> str:
    """An RSS 2.0 document of (title, link) items; `extra_items` is raw XML appended."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link></item>" for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>Hostile</title><link>http://127.0.0.1/</link><description>d</description>"
        f"{body}{extra_items}</channel></rss>"
    )


# ---- transport: slow, silent, oversized ---------------------------------------------------


@case("slow-drip")
def slow_drip(req: Request) -> None:
    """Headers at once, then one byte of body per second: no read timeout ever fires."""
    req.send_head(200, [HTML_TYPE, ("Content-Length", "1000")])
    while req.write(b"x") and req.pause(1.0):
        pass


@case("slow-headers")
def slow_headers(req: Request) -> None:
    """The status line and headers, one byte per second."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n":
        if not (req.write(bytes([byte])) and req.pause(1.0)):
            return


@case("never-answers")
def never_answers(req: Request) -> None:
    """Accepts, reads the request, and says nothing until the server stops."""
    req.server.stopping.wait(120)


@case("too-large-length")
def too_large_length(req: Request) -> None:
    req.send_head(200, [HTML_TYPE, ("Content-Length", str(OVER_CAP))])
    _stream_zeros(req, OVER_CAP)


@case("too-large-chunked")
def too_large_chunked(req: Request) -> None:
    req.send_head(200, [HTML_TYPE, ("Transfer-Encoding", "chunked")])
    chunk = b"%x\r\n" % (64 * 1024) + b"<" * (64 * 1024) + b"\r\n"
    for _ in range(OVER_CAP // (64 * 1024) + 1):
        if not req.write(chunk):
            return
    req.write(b"0\r\n\r\n")


@case("too-large-close")
def too_large_close(req: Request) -> None:
    """No Content-Length, no chunking: the body ends when the connection does."""
    req.send_head(200, [HTML_TYPE])
    _stream_zeros(req, OVER_CAP)


def _stream_zeros(req: Request, size: int) -> None:
    block = b"\0" * (64 * 1024)
    for _ in range(size // len(block) + 1):
        if not req.write(block):
            return


@case("huge-headers")
def huge_headers(req: Request) -> None:
    req.send(200, b"<html></html>", [HTML_TYPE, ("X-Padding", "a" * 200_000)])


# ---- compression bombs and broken codings --------------------------------------------------


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 64 * MiB, compresslevel=9)  # ~64 KiB on the wire


@cache
def nested_gzip_bomb() -> bytes:
    """`Content-Encoding: gzip, gzip`: ~2 KiB on the wire, 1 GiB decoded. A decoder that
    inflates a network chunk whole would hold all of it in memory at once."""
    inner = gzip_bomb() * 16  # 16 gzip members: 1 GiB
    return gzip.compress(inner, compresslevel=9)


@case("gzip-bomb")
def gzip_bomb_case(req: Request) -> None:
    req.send(200, gzip_bomb(), [HTML_TYPE, ("Content-Encoding", "gzip")])


@cache
def deflate_bomb() -> bytes:
    return zlib.compress(b"\0" * 64 * MiB, 9)


@case("deflate-bomb")
def deflate_bomb_case(req: Request) -> None:
    req.send(200, deflate_bomb(), [HTML_TYPE, ("Content-Encoding", "deflate")])


@case("nested-gzip-bomb")
def nested_bomb(req: Request) -> None:
    req.send(200, nested_gzip_bomb(), [HTML_TYPE, ("Content-Encoding", "gzip, gzip")])


@case("br-bomb")
def br_bomb(req: Request) -> None:
    """Brotli that was never asked for (we send Accept-Encoding: gzip, deflate)."""
    body = b"\x1b\xff\xff\x7f" + b"\0" * 4096
    req.send(200, body, [HTML_TYPE, ("Content-Encoding", "br")])


@case("gzip-truncated")
def gzip_truncated(req: Request) -> None:
    whole = gzip.compress(rss([("Cut", f"{req.base}/article/cut")]).encode() * 20)
    req.send(200, whole[: len(whole) // 2], [RSS_TYPE, ("Content-Encoding", "gzip")])


@case("gzip-corrupt")
def gzip_corrupt(req: Request) -> None:
    whole = gzip.compress(rss([("Bad", f"{req.base}/article/bad")]).encode())
    broken = whole[:10] + bytes(b ^ 0x5A for b in whole[10:40]) + whole[40:]
    req.send(200, broken, [RSS_TYPE, ("Content-Encoding", "gzip")])


# ---- redirects -----------------------------------------------------------------------------


def _redirect(req: Request, location: str, status: int = 302) -> None:
    req.send(status, b"", [("Location", location)])


@case("redirect-loop")
def redirect_loop(req: Request) -> None:
    prefix = "/p/" if req.as_page else "/f/"
    _redirect(req, f"{prefix}redirect-loop-back")


@case("redirect-loop-back", page=False)
def redirect_loop_back(req: Request) -> None:
    prefix = "/p/" if req.as_page else "/f/"
    _redirect(req, f"{prefix}redirect-loop")


@case("redirect-many")
def redirect_many(req: Request) -> None:
    hop = int(req.query[4:]) if req.query.startswith("hop=") else 0
    _redirect(req, f"{req.path}?hop={hop + 1}", 301)


REDIRECT_TARGETS = {
    "redirect-file": "file:///etc/passwd",
    "redirect-ftp": "ftp://127.0.0.1/pub/feed.xml",
    "redirect-private-10": "http://10.0.0.1/feed.xml",
    "redirect-metadata": "http://169.254.169.254/latest/meta-data/",
    "redirect-ipv6-loopback": "http://[::1]/feed.xml",
    "redirect-cgnat": "http://100.64.0.1/feed.xml",
}
for _name, _target in REDIRECT_TARGETS.items():
    case(_name)(lambda req, target=_target: _redirect(req, target))


@case("redirect-localhost", page=False)
def redirect_localhost(req: Request) -> None:
    """To a host *name* that resolves to loopback (checked where it is resolved)."""
    _redirect(req, f"http://localhost:{req.server.port}/f/html")


# ---- status codes --------------------------------------------------------------------------


def _status(status: int, retry_after: Callable[[], str] | None = None) -> Case:
    def answer(req: Request) -> None:
        headers = [HTML_TYPE] + ([("Retry-After", retry_after())] if retry_after else [])
        req.send(status, f"<html><body>{status}</body></html>".encode(), headers)

    return answer


RETRY_AFTER_DATE_S = 300
STATUS_CASES: dict[str, Case] = {
    "status-429-seconds": _status(429, lambda: "120"),
    "status-429-date": _status(
        429, lambda: formatdate(time.time() + RETRY_AFTER_DATE_S, usegmt=True)
    ),
    "status-429-garbage": _status(429, lambda: "soon, maybe"),
    "status-429-88h": _status(429, lambda: str(88 * 3600)),
    "status-503-seconds": _status(503, lambda: "120"),
    "status-503-date": _status(
        503, lambda: formatdate(time.time() + RETRY_AFTER_DATE_S, usegmt=True)
    ),
    "status-503-garbage": _status(503, lambda: "-1; tomorrow"),
    "status-503-88h": _status(503, lambda: str(88 * 3600)),
    "status-500": _status(500),
    "status-502": _status(502),
    "status-504": _status(504),
    "status-404": _status(404),
    "status-410": _status(410),
}
for _name, _answer in STATUS_CASES.items():
    case(_name)(_answer)


@case("echo-host", page=False)
def echo_host(req: Request) -> None:
    """The Host header as received: a pinned connection must keep the URL's host name."""
    req.send(200, req.headers.get("host", "").encode(), [("Content-Type", "text/plain")])


@case("challenge")
def challenge(req: Request) -> None:
    """A Cloudflare-style bot challenge: 403, an interstitial page, the CDN's headers."""
    body = (
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        b"<div id='challenge-stage'></div><script>window._cf_chl_opt={cvId:'3'};</script>"
        b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script>"
        b"</body></html>"
    )
    headers = [HTML_TYPE, ("Server", "cloudflare"), ("CF-RAY", "8a1b2c3d4e5f6789-FRA")]
    req.send(403, body, [*headers, ("cf-mitigated", "challenge")])


# ---- the wrong thing at a feed URL ---------------------------------------------------------


@case("html")
def html(req: Request) -> None:
    req.send(200, article_html("html-" + ("page" if req.as_page else "feed")), [HTML_TYPE])


@case("pdf")
def pdf(req: Request) -> None:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    req.send(200, body, [("Content-Type", "application/pdf")])


@case("json-feed")
def json_feed(req: Request) -> None:
    """A JSON Feed: read as a feed at a feed URL, refused as not HTML at an article URL."""
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "JSON",'
        b' "items": [{"id": "1", "url": "%s/article/json-feed", "title": "J"}]}'
    ) % req.base.encode()
    req.send(200, body, [("Content-Type", "application/feed+json")])


@case("empty")
def empty(req: Request) -> None:
    req.send(200, b"", [HTML_TYPE])


@case("not-modified")
def not_modified(req: Request) -> None:
    """304 to a request that sent no validators: there is no cached copy to refer to."""
    req.send(304, b"", [("ETag", '"never-sent"')], length=False)


# ---- feeds with hostile content (feed URL only) ---------------------------------------------


CAFE = "Café naïve crème brûlée"  # survives only a correct decoding
CONTENT_FEEDS: dict[str, tuple[Callable[[str], bytes], str]] = {
    # declared UTF-8, but one byte is not UTF-8: feedparser falls back, the item survives
    "feed-invalid-utf8": (
        lambda base: rss([("Broken \udcff byte", f"{base}/article/invalid-utf8")]).encode(
            "utf-8", "surrogateescape"
        ),
        "application/rss+xml; charset=utf-8",
    ),
    # the header says ISO-8859-1 (true), the XML prolog says UTF-8 (a template's lie)
    "feed-charset-conflict": (
        lambda base: rss([(CAFE, f"{base}/article/charset-conflict")]).encode("iso-8859-1"),
        "application/rss+xml; charset=iso-8859-1",
    ),
    "feed-utf16-bom": (
        lambda base: rss([(CAFE, f"{base}/article/utf16-bom")], encoding="utf-16").encode("utf-16"),
        "application/xml",
    ),
    "feed-utf16-nobom": (
        lambda base: rss([(CAFE, f"{base}/article/utf16-nobom")], encoding="utf-16").encode(
            "utf-16-le"
        ),
        "application/xml",
    ),
}


def _content_feed(make: Callable[[str], bytes], content_type: str) -> Case:
    def answer(req: Request) -> None:
        req.send(200, make(req.base), [("Content-Type", content_type)])

    return answer


for _name, (_make, _type) in CONTENT_FEEDS.items():
    case(_name, page=False)(_content_feed(_make, _type))


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    b"<item><title>&lol9;</title><link>{BASE}/article/laughs</link></item></channel></rss>"
)


@case("feed-billion-laughs", page=False)
def billion_laughs(req: Request) -> None:
    req.send(200, BILLION_LAUGHS.replace(b"{BASE}", req.base.encode()), [RSS_TYPE])


@case("feed-5000-items", page=False)
def many_items(req: Request) -> None:
    items = [(f"Item {i}", f"{req.base}/gone/{i}") for i in range(5000)]
    req.send(200, rss(items).encode(), [RSS_TYPE])


LONG_URL_CHARS = 3000


@case("feed-long-urls", page=False)
def long_urls(req: Request) -> None:
    long = f"{req.base}/article/long-{'a' * LONG_URL_CHARS}"
    items = [("Long", long), ("Longer", long + "b"), ("Normal", f"{req.base}/article/long-ok")]
    req.send(200, rss(items).encode(), [RSS_TYPE])


@case("feed-duplicate-guids", page=False)
def duplicate_guids(req: Request) -> None:
    item = "<item><title>{t}</title><link>{base}/article/{slug}</link><guid>{g}</guid></item>"
    raw = "".join(
        item.format(t=t, base=req.base, slug=slug, g=g)
        for t, slug, g in [
            ("First", "dup-1", "same-guid"),
            ("Same guid, other link", "dup-2", "same-guid"),
            ("Other", "dup-3", "other-guid"),
        ]
    )
    req.send(200, rss([], extra_items=raw).encode(), [RSS_TYPE])


@case("feed-relative-links", page=False)
def relative_links(req: Request) -> None:
    items = [
        ("Root-relative", "/article/rel-root"),
        ("Relative", "../article/rel-dir"),  # from /f/feed-relative-links: /article/rel-dir
        ("Script", "javascript:alert(document.cookie)"),
        ("Data", "data:text/html,<script>alert(1)</script>"),
    ]
    req.send(200, rss(items).encode(), [RSS_TYPE])


HOSTILE_TITLE = "<script>alert('t')</script><b>Deal</b> &amp; <i>news</i>"


@case("feed-hostile-titles", page=False)
def hostile_titles(req: Request) -> None:
    raw = (
        f"<item><title><![CDATA[{HOSTILE_TITLE}]]></title>"
        f"<link>{req.base}/article/hostile-title</link></item>"
    )
    req.send(200, rss([], extra_items=raw).encode(), [RSS_TYPE])


# ---- article pages with hostile content ------------------------------------------------------


@cache
def million_nodes() -> bytes:
    """~12 MB of HTML (a million elements: under the body cap), gzipped to ~20 KiB."""
    page = article_html("million", extra="<div><span>x</span></div>" * 500_000)
    return gzip.compress(page, compresslevel=6)


@case("page-million-nodes")
def page_million_nodes(req: Request) -> None:
    req.send(200, million_nodes(), [HTML_TYPE, ("Content-Encoding", "gzip")])


ROWSPAN_ROW = "<tr><td rowspan='2147483647' colspan='1000000'>x</td><td>y</td></tr>"


@case("page-rowspan")
def page_rowspan(req: Request) -> None:
    """20 KB whose absurd rowspan/colspan make the extractor's table code run for minutes."""
    req.send(200, article_html("rowspan", extra=f"<table>{ROWSPAN_ROW * 300}</table>"), [HTML_TYPE])


@case("page-charset-conflict")
def page_charset_conflict(req: Request) -> None:
    """Header ISO-8859-1 (true), <meta> UTF-8 (false)."""
    body = article_html("charset", title=CAFE).decode().replace("Report", f"{CAFE}: report")
    latin = body.encode("iso-8859-1")
    req.send(200, latin, [("Content-Type", "text/html; charset=iso-8859-1")])


@case("page-invalid-utf8")
def page_invalid_utf8(req: Request) -> None:
    body = article_html("invalid-utf8").replace(b"Report invalid", b"Report \xff\xfe invalid")
    req.send(200, body, [HTML_TYPE])


@case("page-hostile")
def page_hostile(req: Request) -> None:
    """Script and markup where text belongs: it must be stored as text, never as markup."""
    title = "&lt;script&gt;alert(1)&lt;/script&gt; Hostile title"
    extra = (
        "<script>document.write('<p>injected by script</p>')</script>"
        "<style>p{display:none}</style>"
        "<p>Shown literally: &lt;img src=x onerror=alert(2)&gt; and &lt;b&gt;bold&lt;/b&gt;, "
        "which the page escaped, so they are text of the article.</p>"
        '<p onclick="alert(3)">A paragraph with a handler <a href="javascript:alert(4)">'
        "and a script link</a>.</p>"
    )
    req.send(200, article_html("hostile", title=title, extra=extra), [HTML_TYPE])


# ---- plumbing --------------------------------------------------------------------------------


SLOW_ITEMS = 16  # /slow/feed.xml: what a crash test ingests, slowly
SLOW_COPIES = 2  # its last items repeat the first one's text (stored as duplicates)


def slow_urls(base: str, salt: str) -> list[str]:
    """The items of /slow/feed.xml?salt=<salt>: the first takes the extractor seconds."""
    return [f"{base}/slow/heavy/{salt}"] + [
        f"{base}/slow/article/{n}" for n in range(1, SLOW_ITEMS)
    ]


def _slow(req: Request) -> None:
    """A seed-like site that answers slowly, so a kill lands mid-run (tests/hostile/test_crash)."""
    if req.path == "/slow/feed.xml":
        urls = slow_urls(req.base, req.query.removeprefix("salt="))
        items = [(f"Slow story {n}", url) for n, url in enumerate(urls)]
        req.send(200, rss(items).encode(), [RSS_TYPE])
        return
    req.pause(0.2)
    if req.path.startswith("/slow/heavy/"):
        extra = f"<table>{ROWSPAN_ROW * 50}</table>"
        req.send(200, article_html("slow-heavy", extra=extra), [HTML_TYPE])
        return
    number = int(req.path.rsplit("/", 1)[1])
    slug = "slow-1" if number >= SLOW_ITEMS - SLOW_COPIES else f"slow-{number}"
    req.send(200, article_html(slug), [HTML_TYPE])


FEEDPARSER_TESTS = ROOT.parent / "shared" / "corpora" / "feedparser-tests"


def _corpus(req: Request) -> None:
    """A file of feedparser's own test corpus, with the response headers its `Header:`
    lines declare (as feedparser's suite serves them)."""
    from tests.test_feedparser_corpus import declared_headers

    relative = unquote(req.path.removeprefix("/corpus/"))
    path = (FEEDPARSER_TESTS / relative).resolve()
    if not path.is_relative_to(FEEDPARSER_TESTS.resolve()) or not path.is_file():
        req.send(404, b"not in the corpus", [HTML_TYPE])
        return
    data = path.read_bytes()
    headers = [(k, v) for k, v in declared_headers(data) if k.lower() != "content-length"]
    if not any(k.lower() == "content-type" for k, _ in headers):
        # what feedparser's suite sends for a file that declares none (a guess by extension)
        kind = "application/json" if path.suffix == ".json" else "application/xml"
        headers.append(("Content-Type", kind))
    req.send(200, data, headers)


REAL_FEEDS = ROOT.parent / "shared" / "corpora" / "real-feeds"
_REAL_TYPES = {
    "rss2": "application/rss+xml",
    "rss0.91": "application/rss+xml",
    "rdf": "application/rdf+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


def _real_feed(req: Request) -> None:
    """A feed of the real-feeds corpus as its site served it: the document untouched (its
    links point at the live web, unreachable offline), an ETag, and 304 when it matches."""
    relative = unquote(req.path.removeprefix("/real/"))
    path = (REAL_FEEDS / relative).resolve()
    if not path.is_relative_to(REAL_FEEDS.resolve()) or not path.is_file():
        req.send(404, b"not in the corpus", [HTML_TYPE])
        return
    data = path.read_bytes()
    etag = f'"{zlib.crc32(data):08x}"'
    if req.headers.get("if-none-match") == etag:
        req.send(304, b"", [("ETag", etag)], length=False)
        return
    kind = _REAL_TYPES.get(req.query.removeprefix("format="), "application/xml")
    req.send(200, data, [("Content-Type", kind), ("ETag", etag)])


def _static(req: Request) -> bool:
    """Routes that are not cases: the page list, articles, gone items, robots.txt."""
    if req.path.startswith("/slow/"):
        _slow(req)
    elif req.path.startswith("/corpus/"):
        _corpus(req)
    elif req.path.startswith("/real/"):
        _real_feed(req)
    elif req.path == "/feeds/pages.xml":
        # ?fresh=1: new URLs at every request, so a soak meets every page fault every run
        fresh = f"?r={next(req.server.rounds)}" if req.query == "fresh=1" else ""
        items = [(f"Page case {name}", f"{req.base}/p/{name}{fresh}") for name in PAGE_CASES]
        req.send(200, rss(items).encode(), [RSS_TYPE])
    elif req.path.startswith("/article/"):
        req.send(200, article_html(req.path.removeprefix("/article/")[:80]), [HTML_TYPE])
    elif req.path.startswith("/gone/"):
        req.send(410, b"gone", [HTML_TYPE])
    else:
        return False
    return True


def _dispatch(req: Request) -> None:
    if _static(req):
        return
    name = req.path[3:] if req.path[:3] in ("/f/", "/p/") else ""
    handler = CASES.get(name)
    if handler is None:
        req.send(404, b"no such case", [HTML_TYPE])
    else:
        handler(req)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(30)
        head = _read_head(conn)
        if head is None:
            return
        target, headers = head
        path, _, query = target.partition("?")
        self.server.hits[path] += 1
        req = Request(conn, self.server, path, query, path.startswith("/p/"), headers)
        with suppress(OSError):  # the client went away: how most hostile answers end
            _dispatch(req)


def _read_head(conn: socket.socket) -> tuple[str, dict[str, str]] | None:
    """The request target and headers, or None for a client that sent no request."""
    head = b""
    try:
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = conn.recv(4096)
            if not data:
                return None
            head += data
    except OSError:
        return None
    first, *lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = first.split()
    if len(parts) < 2:
        return None
    pairs = (line.partition(":") for line in lines)
    return parts[1], {name.strip().lower(): value.strip() for name, _, value in pairs}


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.stopping = threading.Event()
        self.hits: Counter[str] = Counter()
        self.rounds = itertools.count(1)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.port}"


@dataclass
class HostileServer:
    """A running server: its `base` URL, and `hits` per path when it runs in this process."""

    base: str
    hits: Counter[str] | None = None

    def feed(self, name: str) -> str:
        return f"{self.base}/f/{name}"

    def page(self, name: str) -> str:
        return f"{self.base}/p/{name}"


def _prebuild() -> None:
    for build in (gzip_bomb, deflate_bomb, nested_gzip_bomb, million_nodes):
        build()  # built once, before the first request: answers must not wait on them


@contextmanager
def serve_hostile(host: str = "127.0.0.1", port: int = 0) -> Iterator[HostileServer]:
    """Serve every case from a thread of this process, on `host` and `port` (0: a free one)."""
    _prebuild()
    server = _Server(host, port)
    thread = threading.Thread(target=server.serve_forever, name="hostile", daemon=True)
    thread.start()
    try:
        yield HostileServer(server.base, server.hits)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def spawn_hostile(host: str = "127.0.0.1") -> Iterator[HostileServer]:
    """Serve every case from a process of its own: streaming 16 MiB answers and dripping
    bytes then takes no CPU from the process under test, so its deadlines stay honest."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.server", "--host", host],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        base = proc.stdout.readline().strip() if proc.stdout else ""
        if not base.startswith("http://"):
            raise RuntimeError(f"hostile server did not start (exit {proc.poll()})")
        yield HostileServer(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the hostile cases until interrupted.")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with serve_hostile(args.host) as running:
        print(running.base, flush=True)  # the first line: spawn_hostile reads it
        print(f"cases at {running.base}/f/<case> and /p/<case>:", file=sys.stderr)
        print(", ".join(sorted(CASES)), file=sys.stderr)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
