"""The HTTP edge: redirects by hand, scheme and address checks, body caps (gzip bombs
included), content type, robots.txt, per-host concurrency, and the overall deadline
against a real slow-drip server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import itertools
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from pipeline.fetch import FetchError, Politeness, check_url, fetch_pages, get, open_client
from pipeline.records import FeedEntry, FetchedPage, FetchFailure
from pipeline.settings import HttpSettings
from tests.conftest import send_page

HTML = b"<!doctype html><html><body><p>An article.</p></body></html>"
Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def _settings(**overrides: Any) -> HttpSettings:
    base: dict[str, Any] = {"allow_private_networks": ("127.0.0.0/8",), "per_host_delay_s": 0}
    return HttpSettings(**base | overrides)


def _client(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def _get(handler: Handler, url: str, settings: HttpSettings | None = None):
    async def run():
        async with _client(handler) as client:
            return await get(client, url, settings or _settings())

    return asyncio.run(run())


def _get_error(handler: Handler, url: str, settings: HttpSettings | None = None) -> FetchError:
    with pytest.raises(FetchError) as caught:
        _get(handler, url, settings)
    return caught.value


def _entry(url: str) -> FeedEntry:
    return FeedEntry("http://127.0.0.1/feed.xml", url, None, "t", datetime(2025, 1, 1, tzinfo=UTC))


def _fetch_all(
    handler: Handler, urls: list[str], settings: HttpSettings | None = None
) -> tuple[list[FetchedPage], list[FetchFailure]]:
    async def run():
        async with _client(handler) as client:
            politeness = Politeness(settings or _settings())
            return await fetch_pages(client, [_entry(u) for u in urls], politeness)

    return asyncio.run(run())


def _html(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/robots.txt":
        return httpx.Response(404)
    return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, content=HTML)


# ---- redirects ---------------------------------------------------------------------------


def test_redirects_are_followed_by_hand() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        hops = {"/a": "/b", "/b": "http://127.0.0.2/c"}
        if request.url.path in hops:
            return httpx.Response(302, headers={"Location": hops[request.url.path]})
        return _html(request)

    resp = _get(handler, "http://127.0.0.1/a")
    assert (resp.status, resp.url, resp.final_url) == (
        200,
        "http://127.0.0.1/a",
        "http://127.0.0.2/c",
    )
    assert resp.body == HTML


def test_too_many_redirects() -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.path)
        step = int(request.url.path.strip("/") or 0)
        return httpx.Response(301, headers={"Location": f"/{step + 1}"})

    error = _get_error(handler, "http://127.0.0.1/0", _settings(max_redirects=3))
    assert error.kind == "too_many_redirects"
    assert requests == ["/0", "/1", "/2", "/3"]


def test_redirect_without_location() -> None:
    assert _get_error(lambda r: httpx.Response(302), "http://127.0.0.1/").kind == "bad_redirect"


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/pub/x", "gopher://127.0.0.1/"]
)
def test_redirect_to_another_scheme_is_refused(target: str) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    assert _get_error(handler, "http://127.0.0.1/x").kind == "bad_scheme"
    assert requests == ["http://127.0.0.1/x"]  # the target was never asked for


def test_unparseable_redirect_location_is_a_bad_url() -> None:
    # httpx itself rejects this Location (it parses it even when not following redirects).
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "data:,x"})

    assert _get_error(handler, "http://127.0.0.1/x").kind == "bad_url"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
    ],
)
def test_redirect_to_a_private_address_is_refused(target: str) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    assert _get_error(handler, "http://127.0.0.1/x").kind == "private_address"
    assert len(requests) == 1


def test_private_addresses_refused_by_default() -> None:
    error = _get_error(_html, "http://127.0.0.1/x", HttpSettings())
    assert error.kind == "private_address"
    assert "allow_private_networks" in str(error)


def test_url_too_long() -> None:
    url = "http://127.0.0.1/" + "a" * 100
    assert _get_error(_html, url, _settings(max_url_length=64)).kind == "url_too_long"


def test_redirect_to_a_url_too_long() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "/" + "a" * 100})

    assert _get_error(handler, "http://127.0.0.1/", _settings(max_url_length=64)).kind == (
        "url_too_long"
    )


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "javascript:alert(1)", "http:///nohost"])
def test_check_url_refuses_bad_schemes(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        asyncio.run(check_url(url, _settings()))
    assert caught.value.kind == "bad_scheme"


# ---- body size ---------------------------------------------------------------------------

CAP = 64 * 1024


def test_declared_content_length_over_the_cap() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"x" * (CAP + 1))

    error = _get_error(handler, "http://127.0.0.1/", _settings(max_body_bytes=CAP))
    assert error.kind == "too_large"
    assert "Content-Length" in str(error)


def test_chunked_body_over_the_cap() -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b"x" * 4096

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=chunks())

    error = _get_error(handler, "http://127.0.0.1/", _settings(max_body_bytes=CAP))
    assert error.kind == "too_large"
    assert len(sent) < 1000 // 2  # stopped reading soon after the cap, not at the end


def test_body_at_the_cap_is_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"x" * CAP)

    assert len(_get(handler, "http://127.0.0.1/", _settings(max_body_bytes=CAP)).body) == CAP


def _gzip_stream(payload: bytes, sent: list[int]) -> httpx.AsyncByteStream:
    compressed = gzip.compress(payload)

    class Stream(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            for start in range(0, len(compressed), 1024):
                sent.append(1024)
                yield compressed[start : start + 1024]

    return Stream()


def test_gzip_body_is_decoded() -> None:
    # httpx decodes Content-Encoding in aiter_bytes, which is what the cap counts.
    text = b"<html><body>" + b"<p>decoded</p>" * 200 + b"</body></html>"

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, stream=_gzip_stream(text, []))

    assert _get(handler, "http://127.0.0.1/").body == text


def test_gzip_bomb_trips_the_cap_while_inflating() -> None:
    sent: list[int] = []
    bomb = b"\0" * (32 * 1024 * 1024)  # ~32 KB on the wire, 32 MB decoded

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, stream=_gzip_stream(bomb, sent))

    error = _get_error(handler, "http://127.0.0.1/", _settings(max_body_bytes=CAP))
    assert error.kind == "too_large"
    assert "after decoding" in str(error)
    wire = len(gzip.compress(bomb))
    assert wire < CAP  # small on the wire: only the decoded size can catch it
    assert sum(sent) < wire // 4  # the cap tripped early, not after inflating everything


# ---- fetch_pages: content type, robots.txt, concurrency ------------------------------------


def test_fetch_pages_returns_pages_and_failures() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/doc.pdf":
            return httpx.Response(200, headers={"Content-Type": "application/pdf"}, content=b"%PDF")
        if request.url.path == "/gone":
            return httpx.Response(410)
        if request.url.path == "/empty":
            return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"  ")
        return _html(request)

    urls = ["http://127.0.0.1/ok", "http://127.0.0.1/doc.pdf", "http://127.0.0.1/gone"]
    pages, failures = _fetch_all(handler, [*urls, "http://127.0.0.1/empty"])
    assert [(p.url, p.status, p.content_type, p.body) for p in pages] == [
        ("http://127.0.0.1/ok", 200, "text/html", HTML)
    ]
    assert pages[0].feed_title == "t"
    assert {f.url: f.kind for f in failures} == {
        "http://127.0.0.1/doc.pdf": "not_html",
        "http://127.0.0.1/gone": "http_410",
        "http://127.0.0.1/empty": "empty",
    }
    assert all(f.stage == "fetch" and f.feed_url.endswith("/feed.xml") for f in failures)


ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def _robots_site(requests: list[str]) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.path)
        await asyncio.sleep(0.01)  # let concurrent fetches of the same host interleave
        if request.url.path == "/robots.txt":
            return httpx.Response(200, headers={"Content-Type": "text/plain"}, content=ROBOTS)
        return _html(request)

    return handler


def test_robots_txt_is_honoured_and_fetched_once() -> None:
    requests: list[str] = []
    urls = [f"http://127.0.0.1/news/{i}" for i in range(4)] + ["http://127.0.0.1/private/x"]
    pages, failures = _fetch_all(_robots_site(requests), urls)
    assert len(pages) == 4
    assert [(f.url, f.kind) for f in failures] == [("http://127.0.0.1/private/x", "robots")]
    assert "/private/x" not in requests
    assert requests.count("/robots.txt") == 1  # cached per host, even under concurrency


def test_robots_txt_can_be_ignored_by_config() -> None:
    requests: list[str] = []
    pages, _ = _fetch_all(
        _robots_site(requests), ["http://127.0.0.1/private/x"], _settings(respect_robots_txt=False)
    )
    assert len(pages) == 1
    assert "/robots.txt" not in requests


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        # RFC 9309 §2.3.1.3: 4xx is "unavailable", 401 and 403 included: everything allowed.
        (403, "fetched"),
        (401, "fetched"),
        (404, "fetched"),
        # §2.3.1.4: a server error is "unreachable": the whole site is disallowed.
        (500, "robots_unreachable"),
        (503, "robots_unreachable"),
    ],
)
def test_robots_txt_status_as_rfc_9309_reads_it(status: int, outcome: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status) if request.url.path == "/robots.txt" else _html(request)

    pages, failures = _fetch_all(handler, ["http://127.0.0.1/a"])
    assert ["fetched" for _ in pages] + [f.kind for f in failures] == [outcome]


def test_per_host_and_global_concurrency() -> None:
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    total_peak = [0]

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), in_flight[host])
        total_peak[0] = max(total_peak[0], sum(in_flight.values()))
        await asyncio.sleep(0.05)
        in_flight[host] -= 1
        return _html(request)

    urls = [f"http://127.0.0.{h}/{i}" for h in (1, 2) for i in range(6)]
    settings = _settings(per_host_connections=2, max_connections=3)
    pages, failures = _fetch_all(handler, urls, settings)
    assert (len(pages), failures) == (12, [])
    assert peak == {"127.0.0.1": 2, "127.0.0.2": 2}  # never more, and the limit is used
    assert total_peak[0] == 3


def test_per_host_delay_spaces_requests() -> None:
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/robots.txt":
            starts.append(time.monotonic())
        return _html(request)

    urls = [f"http://127.0.0.1/{i}" for i in range(3)]
    _fetch_all(handler, urls, _settings(per_host_delay_s=0.1))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 2
    assert all(gap >= 0.09 for gap in gaps)


# ---- the overall deadline, against a real slow-drip server ---------------------------------


@pytest.fixture
def slow_drip_server() -> Iterator[str]:
    """Answers with headers at once, then one byte of body every 0.2 s, for ever."""
    stop = threading.Event()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
            )
            while not stop.wait(0.2):
                try:
                    conn.sendall(b"x")
                except OSError:
                    return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/slow.html"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.mark.timeout(15)
def test_deadline_beats_a_slow_drip_server(slow_drip_server: str) -> None:
    # Each byte arrives well within the read timeout: only the overall deadline stops it.
    settings = _settings(deadline_s=1, read_timeout_s=5, connect_timeout_s=5)

    async def run() -> None:
        async with open_client(settings) as client:
            await get(client, slow_drip_server, settings)

    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        asyncio.run(run())
    elapsed = time.monotonic() - started
    assert caught.value.kind == "deadline"
    assert 0.9 <= elapsed < 3


# ---- connections: a small pool per host, against real keep-alive servers --------------------


class _CountingServer(http.server.ThreadingHTTPServer):
    """An HTTP/1.1 keep-alive server on 127.0.0.1 that counts the connections it accepts."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _KeepAliveHandler)
        self.accepted = 0
        self.requests = 0

    def process_request(self, request, client_address) -> None:
        self.accepted += 1
        super().process_request(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _KeepAliveHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.requests += 1
        status, body = (404, b"") if self.path == "/robots.txt" else (200, HTML)
        send_page(self, status, body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hosts() -> Iterator[list[_CountingServer]]:
    """Six servers, each an origin (host and port) of its own."""
    servers = [_CountingServer() for _ in range(6)]
    threads = [threading.Thread(target=s.serve_forever, args=(0.05,)) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)


def test_each_host_keeps_its_connections_when_hosts_outnumber_the_pool(
    hosts: list[_CountingServer],
) -> None:
    # 6 hosts x 4 connections is more than max_connections: with one pool for all hosts,
    # httpcore closed one host's idle connection to open another's, for nearly every page.
    settings = _settings(max_connections=8, per_host_connections=4)
    urls = [f"{s.url}/page-{turn}-{k}.html" for turn in range(3) for s in hosts for k in range(4)]

    async def run() -> tuple[list[FetchedPage], list[FetchFailure]]:
        async with open_client(settings) as client:
            return await fetch_pages(client, [_entry(u) for u in urls], Politeness(settings))

    pages, failures = asyncio.run(run())
    assert (len(pages), failures) == (len(urls), [])
    assert [s.requests for s in hosts] == [1 + 12] * 6  # robots.txt, then its 12 pages
    assert all(1 <= s.accepted <= 4 for s in hosts), [s.accepted for s in hosts]


def test_the_hosts_used_least_recently_have_their_connections_closed(
    hosts: list[_CountingServer],
) -> None:
    # Pools are kept for `max_connections` hosts: the first host's is closed when a third
    # comes, so going back to it takes a new connection; the others' are reused.
    settings = _settings(max_connections=2, per_host_connections=1)
    first, second, third = hosts[:3]

    async def run() -> None:
        async with open_client(settings) as client:
            for server in (first, second, third, first, third):
                resp = await get(client, f"{server.url}/a.html", settings)
                assert resp.status == 200

    asyncio.run(run())
    assert [s.accepted for s in (first, second, third)] == [2, 1, 1]
    assert [s.requests for s in (first, second, third)] == [2, 1, 2]
