"""The HTTP edge: bounded, polite GETs with httpx.

httpx gives connect/read timeouts but no overall deadline (a slow-drip server defeats a
read timeout), follows redirects without re-checking where they lead, connects to whatever
a host name resolves to, and inflates each network chunk whole. So redirects are followed
by hand, every request runs under a deadline, every connection goes to an address checked
against the SSRF policy (`GuardedBackend`), and bodies are inflated here in bounded pieces,
counted *after* decompression.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from pipeline.records import FeedEntry, FetchedPage, FetchFailure
from pipeline.settings import HttpSettings

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = {301, 302, 303, 307, 308}
# RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of a robots.txt.
ROBOTS_MAX_BYTES = 512 * 1024
# A Retry-After kept for the retry policy: a date or a number is far shorter than this.
RETRY_AFTER_MAX_CHARS = 200
Pace = Callable[[str], Awaitable[None]]


class FetchError(Exception):
    """A failed request, with a short machine-readable `kind` for `fetch_errors`."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: str | None = None,
        recorded: bool = True,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.recorded = recorded  # False: its entry keeps the reason, `fetch_errors` does not
        self.unreachable: str | None = None  # the host that did not resolve or connect


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """A host's robots.txt as RFC 9309 reads it: rules, or all allowed, or all refused."""

    rules: Protego | None = None
    refuse_all: str | None = None  # why every page is refused (robots.txt unreachable)
    # the host itself did not resolve or connect: each link fails as that, for the breaker
    unreachable: FetchError | None = None

    def allows(self, url: str, agent: str) -> bool:
        if self.refuse_all is not None:
            return False
        return self.rules is None or self.rules.can_fetch(url, robots_agent(agent))


ALLOW_ALL = RobotsRules()


@dataclass
class HostBreaker:
    """Per-run circuit breaker: a host that failed to resolve or connect `threshold` times
    in a row is not tried again in this run (0: never). Any answer from the host, even an
    HTTP error, resets its count: the host is there.

    Without it, each link on a dead host costs a lookup or a connect timeout, spaced by the
    per-host delay, in every run until `max_attempts`: thousands of links, minutes a run.
    """

    threshold: int
    _failures: dict[str, int] = field(default_factory=dict)
    _last: dict[str, FetchError] = field(default_factory=dict)
    _reported: set[str] = field(default_factory=set)

    def is_open(self, host: str) -> bool:
        return self.threshold > 0 and self._failures.get(host, 0) >= self.threshold

    def failed(self, host: str, error: FetchError) -> None:
        self._failures[host] = self._failures.get(host, 0) + 1
        self._last[host] = error

    def answered(self, host: str) -> None:
        self._failures.pop(host, None)

    def skip(self, host: str) -> FetchError:
        """The error for a link not tried; the first of a host in this run is the one
        recorded in `fetch_errors` (`recorded`), the others only mark their entries."""
        last = self._last[host]
        error = FetchError(
            "host_skipped",
            f"not tried: {host} failed to resolve or connect {self._failures[host]} times in "
            f"a row in this run (last: {last.kind}: {last}); left for the next run",
            recorded=host not in self._reported,
        )
        self._reported.add(host)
        return error


@dataclass
class Politeness:
    """Per-run shared state: per-host semaphores, last-request times, robots.txt rules, and
    the hosts that keep failing (`breaker`)."""

    settings: HttpSettings
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _turns: dict[str, asyncio.Lock] = field(default_factory=dict)
    robots: dict[str, RobotsRules] = field(default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _global: asyncio.Semaphore | None = None
    breaker: HostBreaker = field(init=False)

    def __post_init__(self) -> None:
        self.breaker = HostBreaker(self.settings.host_failures_before_skip)

    def host_slot(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.per_host_connections)
        return self._hosts[host]

    def robots_lock(self, origin: str) -> asyncio.Lock:
        if origin not in self._robots_locks:
            self._robots_locks[origin] = asyncio.Lock()
        return self._robots_locks[origin]

    def global_slot(self) -> asyncio.Semaphore:
        if self._global is None:
            self._global = asyncio.Semaphore(self.settings.max_connections)
        return self._global

    async def wait_turn(self, host: str) -> None:
        """Space the requests to one host (`host[:port]`) by `per_host_delay_s`, or more
        where the host allows fewer requests a second (`http.hosts`, SEC EDGAR's 10).

        Turns are taken one at a time per host and timed from when the last one was
        actually given, not when it was due: a task that wakes late (the event loop was
        busy) never brings the next one closer than the delay."""
        delay = self.settings.per_host_delay_s
        rate = self.settings.host(urlsplit(f"//{host}").hostname).max_requests_per_s
        if rate:
            delay = max(delay, 1.0 / rate)
        loop = asyncio.get_running_loop()
        if delay <= 0:
            self._last[host] = loop.time()
            return
        async with self._turn_lock(host):
            last = self._last.get(host)
            if last is not None and loop.time() - last < delay:
                await asyncio.sleep(last + delay - loop.time())
            self._last[host] = loop.time()

    def _turn_lock(self, host: str) -> asyncio.Lock:
        if host not in self._turns:
            self._turns[host] = asyncio.Lock()
        return self._turns[host]

    async def pace(self, url: str) -> None:
        """Wait for the turn of `url`'s host: for the requests `get` makes by itself
        (redirect hops), which must keep a host's pace as much as the first request."""
        await self.wait_turn(urlsplit(url).netloc)


def open_client(settings: HttpSettings, resolver: Resolver | None = None) -> httpx.AsyncClient:
    """One client per run; redirects are ours to follow, so httpx must not.

    Its connections go through `GuardedBackend`: a host name is resolved once per
    connection and the address checked is the address connected to (no DNS rebinding).
    Each host gets a small pool of its own (`HostPools`).
    """
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        pool=settings.deadline_s,
    )
    backend = GuardedBackend(settings.allow_private_networks, resolver or resolve)
    return httpx.AsyncClient(
        timeout=timeout,
        transport=HostPools(settings.per_host_connections, settings.max_connections, backend),
        follow_redirects=False,
        # Only codings whose bombs the body cap is tested against (see _Body).
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,
    )


Origin = tuple[str, str, int | None]


class HostPools(httpx.AsyncBaseTransport):
    """A connection pool per origin (scheme, host, port), of `per_host` connections, kept
    for the `hosts` origins used last.

    One pool for all hosts cost a quarter of the fetch's CPU (BENCHMARKS.md): httpcore
    scans every connection of its pool, polling each idle socket, whenever a request
    starts or ends, and with more hosts than `max_connections / per_host_connections` it
    closed one host's idle connection to open another's, for nearly every page. How many
    requests run at once, in all and per host, is `Politeness`'s to bound; a pool per host
    only keeps each host's connections open between them.
    """

    def __init__(self, per_host: int, hosts: int, backend: GuardedBackend) -> None:
        self._limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
        self._hosts = max(1, hosts)
        self._backend = backend
        self._ssl = httpx.create_ssl_context(trust_env=False)  # loading CAs costs ms: once
        self._pools: dict[Origin, httpx.AsyncHTTPTransport] = {}  # least recently used first
        self._starting: dict[Origin, int] = {}  # requests not yet on a connection of the pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.pop(origin, None) or _guarded_transport(
            self._limits, self._backend, self._ssl
        )
        self._pools[origin] = pool
        self._starting[origin] = self._starting.get(origin, 0) + 1
        try:
            if len(self._pools) > self._hosts:  # (a coroutine less per request otherwise)
                await self._close_unused()
            return await pool.handle_async_request(request)
        finally:
            self._starting[origin] -= 1
            if not self._starting[origin]:
                del self._starting[origin]

    async def _close_unused(self) -> None:
        """Close the pools of the origins used least recently beyond `hosts`, those with
        no request on them (a pool with one open stays, and is looked at again later)."""
        excess = len(self._pools) - self._hosts
        if excess <= 0:
            return
        unused = [
            origin
            for origin in list(self._pools)[:excess]
            if origin not in self._starting and _is_unused(self._pools[origin])
        ]
        closing = [self._pools.pop(origin) for origin in unused]
        for pool in closing:
            await pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def _is_unused(transport: httpx.AsyncHTTPTransport) -> bool:
    """No request is being sent or read on any connection of the pool."""
    return all(c.is_idle() or c.is_closed() for c in transport._pool.connections)


def _guarded_transport(
    limits: httpx.Limits, backend: GuardedBackend, ssl_context: ssl.SSLContext
) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False, verify=ssl_context)
    # httpx 0.28 takes no network backend, so its pool is rebuilt as httpx builds it, over
    # ours (a private attribute: tests/hostile/test_ssrf.py fails if an upgrade moves it).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport


async def get(
    client: httpx.AsyncClient,
    url: str,
    settings: HttpSettings,
    headers: Mapping[str, str] | None = None,
    pace: Pace | None = None,
) -> Response:
    """GET `url` within the overall deadline, following redirects by hand; `pace` is
    awaited before each redirect hop (the caller paced the first request)."""
    try:
        async with asyncio.timeout(settings.deadline_s):
            return await _follow(client, url, settings, dict(headers or {}), pace)
    except TimeoutError:
        raise FetchError(
            "deadline", f"no complete answer within {settings.deadline_s:g} s"
        ) from None


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    settings: HttpSettings,
    headers: dict[str, str],
    pace: Pace | None,
) -> Response:
    current = url
    visits: dict[str, int] = {}
    for hop in range(settings.max_redirects + 1):
        check_url(current, settings)
        # A URL met twice may be a cookie round trip; a third time, it is a loop.
        visits[current] = visits.get(current, 0) + 1
        if visits[current] > 2:
            raise FetchError("redirect_loop", f"redirects loop back to {current[:200]}")
        hop_headers = host_headers(current, settings, headers)
        if hop and pace is not None:
            await pace(current)
        status, resp_headers, body = await _get_once(client, current, settings, hop_headers)
        if status not in REDIRECT_CODES:
            return Response(url, current, status, resp_headers, body)
        location = resp_headers.get("location")
        if not location:
            raise FetchError("bad_redirect", f"HTTP {status} without a Location", status=status)
        current = urljoin(current, location.strip())
    raise FetchError("too_many_redirects", f"more than {settings.max_redirects} redirects")


def host_headers(url: str, settings: HttpSettings, headers: dict[str, str]) -> dict[str, str]:
    """The request headers for `url`'s host: a host that requires the operator and a
    contact (SEC EDGAR) gets them as the User-Agent, and is never asked without them."""
    host = urlsplit(url).hostname
    if not settings.host(host).contact_required:
        return headers
    agent = settings.contact_agent
    if agent is None:
        raise FetchError(
            "contact_required",
            f"{host} requires the operator's name and an e-mail contact in the User-Agent: "
            "set http.operator and http.contact",
        )
    return {**headers, "User-Agent": agent}


async def _get_once(
    client: httpx.AsyncClient, url: str, settings: HttpSettings, headers: dict[str, str]
) -> tuple[int, Mapping[str, str], bytes]:
    try:
        async with client.stream("GET", url, headers=headers) as resp:
            if resp.status_code in REDIRECT_CODES:
                return resp.status_code, resp.headers, b""  # a redirect's body is never used
            body = await _read_capped(resp, settings.max_body_bytes)
            return resp.status_code, resp.headers, body
    except FetchError as exc:
        if exc.kind == "dns":  # raised by the guarded backend, resolving this hop's host
            exc.unreachable = urlsplit(url).netloc
        raise
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        kind = "timeout" if isinstance(exc, httpx.ConnectTimeout) else "network"
        error = FetchError(kind, f"{type(exc).__name__}: {exc}")
        error.unreachable = urlsplit(url).netloc
        raise error from None
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{type(exc).__name__}: {exc}") from None
    except httpx.DecodingError as exc:
        raise FetchError("bad_encoding", f"cannot decode body: {exc}") from None
    except httpx.InvalidURL as exc:
        # Also raised for an unusable redirect Location: httpx parses it even when not following.
        raise FetchError("bad_url", f"{type(exc).__name__}: {exc}") from None
    except (httpx.TransportError, httpx.UnsupportedProtocol) as exc:
        raise FetchError("network", f"{type(exc).__name__}: {exc}") from None


async def _read_capped(resp: httpx.Response, cap: int) -> bytes:
    codings = _codings(resp.headers)
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and not codings:
        raise FetchError("too_large", f"Content-Length {declared} exceeds {cap} bytes")
    if resp.is_stream_consumed:
        # Built whole in memory (httpx.MockTransport in unit tests): httpx decoded it already.
        body = _Body([], cap)
        body.feed(resp.content)
        return body.finish()
    body = _Body(codings, cap)
    # Raw bytes, inflated here: httpx would inflate each network chunk whole, and one 64 KiB
    # chunk of a nested gzip bomb inflates to gigabytes before any cap could look at it.
    async for chunk in resp.aiter_raw():
        body.feed(chunk)
    return body.finish()


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": 0}
_PIECE = 64 * 1024


def _codings(headers: Mapping[str, str]) -> list[str]:
    """The Content-Encodings to undo, outermost last; refuses codings we did not ask for."""
    listed = [c.strip().lower() for c in headers.get("content-encoding", "").split(",")]
    codings = [c for c in listed if c and c != "identity"]
    unknown = [c for c in codings if c not in _WBITS]
    if unknown:
        raise FetchError("bad_encoding", f"Content-Encoding {unknown[0]!r} was not asked for")
    if len(codings) > 2:
        raise FetchError("bad_encoding", f"{len(codings)} stacked Content-Encodings")
    return codings


class _Inflater:
    """One Content-Encoding layer, inflated in pieces of at most `_PIECE` bytes.

    gzip may hold several members (each inflated in turn); bytes after a complete member
    that are not another member are ignored, as browsers and urllib3 ignore them.
    """

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._z: zlib._Decompress | None = None
        self._members = 0
        self._ended = False  # the stream is complete; anything more is ignored

    def pieces(self, data: bytes) -> Iterator[bytes]:
        while data and not self._ended:
            if self._z is None or self._z.eof:
                if self._z is not None and self.coding == "deflate":
                    self._ended = True  # trailing bytes after a deflate stream
                    return
                self._z = zlib.decompressobj(_WBITS[self.coding] or _deflate_wbits(data))
                self._members += 1
            try:
                piece = self._z.decompress(data, _PIECE)
            except zlib.error as exc:
                if self._members > 1:
                    self._ended = True  # trailing garbage after a complete gzip member
                    return
                raise FetchError("bad_encoding", f"corrupt {self.coding} body: {exc}") from None
            data = self._z.unused_data if self._z.eof else self._z.unconsumed_tail
            if piece:
                yield piece

    def check_complete(self) -> None:
        if self._z is not None and not self._z.eof and not self._ended:
            raise FetchError("bad_encoding", f"truncated {self.coding} body")


def _deflate_wbits(data: bytes) -> int:
    # "deflate" should be zlib-wrapped (RFC 9110) but is often raw; a zlib stream's first
    # byte says "deflate, window <= 32 KiB" in its low and high nibbles.
    zlib_header = bool(data) and data[0] & 0x0F == 8 and data[0] >> 4 <= 7
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS


class _Body:
    """The decoded body, counted as it inflates: a bomb trips the cap within one piece."""

    def __init__(self, codings: list[str], cap: int) -> None:
        self._layers = [_Inflater(c) for c in reversed(codings)]
        self._cap = cap
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes, depth: int = 0) -> None:
        if depth == len(self._layers):
            self._size += len(data)
            if self._size > self._cap:
                raise FetchError("too_large", f"body exceeds {self._cap} bytes (after decoding)")
            self._chunks.append(data)
            return
        for piece in self._layers[depth].pieces(data):
            self.feed(piece, depth + 1)

    def finish(self) -> bytes:
        for layer in self._layers:
            layer.check_complete()
        return b"".join(self._chunks)


# ---- the SSRF guard ------------------------------------------------------------------------

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[Address]]]


def check_url(url: str, settings: HttpSettings) -> None:
    """Refuse non-HTTP schemes, over-long URLs and literal addresses not allowed by config.

    Host names are checked where they are resolved, when connecting (`GuardedBackend`).
    """
    if len(url) > settings.max_url_length:
        raise FetchError("url_too_long", f"URL longer than {settings.max_url_length} chars")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad_scheme", f"only http(s) URLs are fetched, not {url[:80]!r}")
    try:
        literal = ipaddress.ip_address(parts.hostname.split("%")[0])
    except ValueError:
        return
    check_address(parts.hostname, literal, settings.allow_private_networks)


def check_address(host: str, addr: Address, allowed: Iterable[str]) -> None:
    """Refuse an address that is not public, unless its network is allowed by config."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    if _is_public(addr) or any(addr in ipaddress.ip_network(n, strict=False) for n in allowed):
        return
    named = "" if host.strip("[]") == str(addr) else f"{host} resolves to "
    raise FetchError(
        "private_address",
        f"{named}{addr}: not a public address (see http.allow_private_networks)",
    )


def _is_public(addr: Address) -> bool:
    # is_global alone lets some multicast ranges through; CGNAT (100.64/10) is not global.
    special = addr.is_multicast or addr.is_unspecified or addr.is_link_local or addr.is_loopback
    return addr.is_global and not special


async def resolve(host: str, port: int) -> list[Address]:
    """Every address of `host` (the OS resolver, off the event loop)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from None
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, resolving each host once and connecting only to an
    address that passed `check_address`: what was checked is what is connected to.

    TLS is unchanged: httpcore starts it on this stream with the URL's host name as SNI
    and for certificate checks; the Host header comes from the URL too.
    """

    def __init__(self, allowed: Iterable[str], resolver: Resolver = resolve) -> None:
        self._allowed = tuple(allowed)
        self._resolve = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._addresses(host, port)
        error: Exception | None = None
        for addr in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(addr), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error or FetchError("dns", f"no address for {host}")

    async def _addresses(self, host: str, port: int) -> list[Address]:
        try:
            addresses = [ipaddress.ip_address(host.strip("[]").split("%")[0])]
        except ValueError:
            addresses = await self._resolve(host, port)
        # Every address, not only the first: the OS may pick any of them.
        for addr in addresses:
            check_address(host, addr, self._allowed)
        return addresses

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError("bad_scheme", "unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def status_kind(status: int, headers: Mapping[str, str], body: bytes) -> str:
    """`http_<status>`, or `challenge` for a bot-protection page (Cloudflare's and alike)."""
    if status in (403, 429, 503) and _is_challenge(headers, body):
        return "challenge"
    return f"http_{status}"


_CHALLENGE_MARKERS = (b"challenge-platform", b"cf_chl_opt", b"cf-chl-", b"Just a moment...")


def _is_challenge(headers: Mapping[str, str], body: bytes) -> bool:
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    behind_cdn = "cf-ray" in headers or "cloudflare" in headers.get("server", "").lower()
    return behind_cdn and any(marker in body[:65536] for marker in _CHALLENGE_MARKERS)


async def robots_rules(client: httpx.AsyncClient, url: str, politeness: Politeness) -> RobotsRules:
    """The robots.txt rules of `url`'s origin, fetched once per origin per run."""
    if not politeness.settings.respect_robots_txt:
        return ALLOW_ALL
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    # The first fetch of a host loads its rules; concurrent fetches of that host wait for it.
    async with politeness.robots_lock(origin):
        if origin not in politeness.robots:
            politeness.robots[origin] = await _load_robots(client, origin, politeness)
    return politeness.robots[origin]


async def _load_robots(
    client: httpx.AsyncClient, origin: str, politeness: Politeness
) -> RobotsRules:
    await politeness.wait_turn(urlsplit(origin).netloc)
    try:
        resp = await get(client, origin + "/robots.txt", politeness.settings, pace=politeness.pace)
    except FetchError as exc:
        # RFC 9309 §2.3.1.4: a robots.txt that cannot be reached (network errors, server
        # errors) means the whole site is disallowed, for this run.
        log.info("robots.txt of %s unreachable (%s): no page of it is fetched", origin, exc)
        unreachable = exc if exc.unreachable else None
        return RobotsRules(
            refuse_all=f"robots.txt unreachable ({exc.kind})", unreachable=unreachable
        )
    return read_robots(resp.status, resp.body)


def read_robots(status: int, body: bytes) -> RobotsRules:
    """The rules a robots.txt answer gives, as RFC 9309 §2.3.1 reads its status: a success
    is parsed (its first 512 KiB); 4xx ("unavailable", 401 and 403 too) allows all; a
    server error disallows all."""
    if 200 <= status < 300:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
        return RobotsRules(rules=Protego.parse(text))
    if 400 <= status < 500:
        return ALLOW_ALL
    return RobotsRules(refuse_all=f"robots.txt answered HTTP {status}")


_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")


def robots_agent(user_agent: str) -> str:
    """The product token robots.txt groups are matched on (RFC 9309 §2.2.1): "newsmon"
    of "newsmon/0.1 (news monitoring; +https://…)", not words of the comment."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    return match.group(0) if match else user_agent


async def fetch_pages(
    client: httpx.AsyncClient, entries: Iterable[FeedEntry], politeness: Politeness
) -> tuple[list[FetchedPage], list[FetchFailure]]:
    """Fetch the article page of each entry; failures are returned, never raised."""
    results = await asyncio.gather(*(fetch_one(client, e, politeness) for e in entries))
    pages = [r for r in results if isinstance(r, FetchedPage)]
    failures = [r for r in results if isinstance(r, FetchFailure)]
    return pages, failures


async def fetch_one(
    client: httpx.AsyncClient, entry: FeedEntry, politeness: Politeness
) -> FetchedPage | FetchFailure:
    """The page of one entry, or why there is none (never raised)."""
    try:
        return await fetch_page(client, entry, politeness)
    except FetchError as exc:
        log.log(
            logging.WARNING if exc.recorded else logging.DEBUG,
            "fetch %s failed: %s",
            entry.url,
            exc,
        )
        return FetchFailure(
            entry.url,
            "fetch",
            exc.kind,
            str(exc),
            datetime.now(UTC),
            entry.feed_url,
            exc.recorded,
            exc.status,
            exc.retry_after[:RETRY_AFTER_MAX_CHARS] if exc.retry_after else None,
        )


async def fetch_page(
    client: httpx.AsyncClient, entry: FeedEntry, politeness: Politeness
) -> FetchedPage:
    settings = politeness.settings
    host = urlsplit(entry.url).netloc
    breaker = politeness.breaker
    if breaker.is_open(host):
        raise breaker.skip(host)
    async with politeness.global_slot(), politeness.host_slot(host):
        # Checked again: the host failed while this link waited for a slot (before it takes
        # a turn behind the per-host delay), or while it waited for that turn.
        if breaker.is_open(host):
            raise breaker.skip(host)
        robots = await robots_rules(client, entry.url, politeness)
        if robots.unreachable is not None:
            # the host is down, not its robots.txt alone: each link fails as the host did,
            # and the breaker skips the host after a few
            breaker.failed(robots.unreachable.unreachable or host, robots.unreachable)
            raise robots.unreachable
        if robots.refuse_all is not None:
            raise FetchError("robots_unreachable", f"not fetched: {robots.refuse_all}")
        if not robots.allows(entry.url, settings.user_agent):
            raise FetchError("robots", "disallowed by robots.txt")
        await politeness.wait_turn(host)
        if breaker.is_open(host):
            raise breaker.skip(host)
        resp = await _get_watched(client, entry.url, settings, breaker, politeness.pace)
    if resp.status != 200:
        raise FetchError(
            status_kind(resp.status, resp.headers, resp.body),
            f"HTTP {resp.status}",
            status=resp.status,
            retry_after=resp.headers.get("retry-after"),
        )
    content_type, charset = _media_type(resp.headers.get("content-type", ""))
    if content_type and content_type not in HTML_TYPES:
        raise FetchError("not_html", f"content type {content_type!r} is not HTML")
    if not resp.body.strip():
        raise FetchError("empty", "empty body")
    return FetchedPage(
        entry.url,
        resp.final_url,
        resp.status,
        content_type or "text/html",
        resp.body,
        datetime.now(UTC),
        entry.feed_url,
        entry.title,
        entry.published,
        charset,
    )


async def _get_watched(
    client: httpx.AsyncClient,
    url: str,
    settings: HttpSettings,
    breaker: HostBreaker,
    pace: Pace | None = None,
) -> Response:
    """`get`, telling the breaker which host failed to resolve or connect, or answered."""
    try:
        resp = await get(client, url, settings, {"Accept": "text/html,*/*;q=0.5"}, pace)
    except FetchError as exc:
        if exc.unreachable:  # a redirect's target, maybe: that host is the one to blame
            breaker.failed(exc.unreachable, exc)
        raise
    breaker.answered(urlsplit(url).netloc)
    return resp


def _media_type(header: str) -> tuple[str, str | None]:
    """`text/html; charset="ISO-8859-1"` -> ("text/html", "iso-8859-1")."""
    media, *params = header.split(";")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \t\"'"):
            return media.strip().lower(), value.strip(" \t\"'").lower()
    return media.strip().lower(), None
