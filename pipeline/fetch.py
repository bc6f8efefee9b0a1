"""The HTTP edge: bounded, polite GETs with httpx.

httpx gives connect/read timeouts but no overall deadline (a slow-drip server defeats a
read timeout), follows redirects without re-checking where they lead, and will decode any
amount of gzip. So redirects are followed by hand, every request runs under a deadline,
and the body is counted *after* decompression.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import urllib.robotparser
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.records import FeedEntry, FetchedPage, FetchFailure
from pipeline.settings import HttpSettings

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_CODES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A failed request, with a short machine-readable `kind` for `fetch_errors`."""

    def __init__(
        self, kind: str, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Politeness:
    """Per-run shared state: per-host semaphores, last-request times, robots.txt rules."""

    settings: HttpSettings
    _hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _global: asyncio.Semaphore | None = None

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
        """Space requests to one host by `per_host_delay_s`."""
        delay = self.settings.per_host_delay_s
        loop = asyncio.get_running_loop()
        last = self._last.get(host)
        now = loop.time()
        if last is not None and now - last < delay:
            self._last[host] = last + delay
            await asyncio.sleep(last + delay - now)
        else:
            self._last[host] = now


def open_client(settings: HttpSettings) -> httpx.AsyncClient:
    """One client per run; redirects are ours to follow, so httpx must not."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        pool=settings.deadline_s,
    )
    limits = httpx.Limits(
        max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections
    )
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        # Only codings whose bombs the body cap is tested against (see _read_capped).
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,
    )


async def get(
    client: httpx.AsyncClient,
    url: str,
    settings: HttpSettings,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """GET `url` within the overall deadline, following redirects by hand."""
    try:
        async with asyncio.timeout(settings.deadline_s):
            return await _follow(client, url, settings, dict(headers or {}))
    except TimeoutError:
        raise FetchError(
            "deadline", f"no complete answer within {settings.deadline_s:g} s"
        ) from None


async def _follow(
    client: httpx.AsyncClient, url: str, settings: HttpSettings, headers: dict[str, str]
) -> Response:
    current = url
    for _hop in range(settings.max_redirects + 1):
        await check_url(current, settings)
        status, resp_headers, body = await _get_once(client, current, settings, headers)
        if status not in REDIRECT_CODES:
            return Response(url, current, status, resp_headers, body)
        location = resp_headers.get("location")
        if not location:
            raise FetchError("bad_redirect", f"HTTP {status} without a Location", status=status)
        current = urljoin(current, location.strip())
    raise FetchError("too_many_redirects", f"more than {settings.max_redirects} redirects")


async def _get_once(
    client: httpx.AsyncClient, url: str, settings: HttpSettings, headers: dict[str, str]
) -> tuple[int, Mapping[str, str], bytes]:
    try:
        async with client.stream("GET", url, headers=headers) as resp:
            body = await _read_capped(resp, settings.max_body_bytes)
            return resp.status_code, resp.headers, body
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
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and "content-encoding" not in resp.headers:
        raise FetchError("too_large", f"Content-Length {declared} exceeds {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    # aiter_bytes yields *decoded* bytes, so a gzip bomb trips the cap as it inflates.
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise FetchError("too_large", f"body exceeds {cap} bytes (after decoding)")
        chunks.append(chunk)
    return b"".join(chunks)


async def check_url(url: str, settings: HttpSettings) -> None:
    """Refuse non-HTTP schemes, over-long URLs and private addresses not allowed by config."""
    if len(url) > settings.max_url_length:
        raise FetchError("url_too_long", f"URL longer than {settings.max_url_length} chars")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad_scheme", f"only http(s) URLs are fetched, not {url[:80]!r}")
    for addr in await _resolve(parts.hostname, parts.port or 443):
        if not addr.is_global and not _allowed(addr, settings.allow_private_networks):
            raise FetchError(
                "private_address",
                f"{parts.hostname} resolves to {addr}, "
                "a private address (see http.allow_private_networks)",
            )


async def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("dns", f"cannot resolve {host}: {exc}") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _allowed(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[str]) -> bool:
    return any(addr in ipaddress.ip_network(net, strict=False) for net in networks)


async def robots_allows(client: httpx.AsyncClient, url: str, politeness: Politeness) -> bool:
    """robots.txt, fetched once per host per run; an unreachable robots.txt allows all."""
    settings = politeness.settings
    if not settings.respect_robots_txt:
        return True
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    # The first fetch of a host loads its rules; concurrent fetches of that host wait for it.
    async with politeness.robots_lock(origin):
        if origin not in politeness.robots:
            politeness.robots[origin] = await _load_robots(client, origin, settings)
    rules = politeness.robots[origin]
    return rules is None or rules.can_fetch(settings.user_agent, url)


async def _load_robots(
    client: httpx.AsyncClient, origin: str, settings: HttpSettings
) -> urllib.robotparser.RobotFileParser | None:
    try:
        resp = await get(client, origin + "/robots.txt", settings)
    except FetchError as exc:
        log.info("robots.txt of %s unavailable (%s); treating as allow-all", origin, exc)
        return None
    rules = urllib.robotparser.RobotFileParser()
    if resp.status in (401, 403):
        rules.disallow_all = True
    elif resp.status < 400:
        rules.parse(resp.body.decode("utf-8", "replace").splitlines())
    else:
        return None
    return rules


async def fetch_pages(
    client: httpx.AsyncClient, entries: Iterable[FeedEntry], politeness: Politeness
) -> tuple[list[FetchedPage], list[FetchFailure]]:
    """Fetch the article page of each entry; failures are returned, never raised."""
    results = await asyncio.gather(*(_fetch_page(client, e, politeness) for e in entries))
    pages = [r for r in results if isinstance(r, FetchedPage)]
    failures = [r for r in results if isinstance(r, FetchFailure)]
    return pages, failures


async def _fetch_page(
    client: httpx.AsyncClient, entry: FeedEntry, politeness: Politeness
) -> FetchedPage | FetchFailure:
    try:
        return await fetch_page(client, entry, politeness)
    except FetchError as exc:
        log.warning("fetch %s failed: %s", entry.url, exc)
        return FetchFailure(
            entry.url, "fetch", exc.kind, str(exc), datetime.now(UTC), entry.feed_url
        )


async def fetch_page(
    client: httpx.AsyncClient, entry: FeedEntry, politeness: Politeness
) -> FetchedPage:
    settings = politeness.settings
    host = urlsplit(entry.url).netloc
    async with politeness.global_slot(), politeness.host_slot(host):
        if not await robots_allows(client, entry.url, politeness):
            raise FetchError("robots", "disallowed by robots.txt")
        await politeness.wait_turn(host)
        resp = await get(client, entry.url, settings, {"Accept": "text/html,*/*;q=0.5"})
    if resp.status != 200:
        raise FetchError(
            f"http_{resp.status}",
            f"HTTP {resp.status}",
            status=resp.status,
            retry_after=resp.headers.get("retry-after"),
        )
    content_type = resp.headers.get("content-type", "").split(";")[0].strip().lower()
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
    )
