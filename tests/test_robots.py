"""robots.txt as sites write it today (RFC 9309), read by Protego through the fetcher,
over real HTTP on 127.0.0.1: `*` and `$` wildcards, the longest match winning, `Allow`
beside `Disallow`, groups chosen by newsmon's product token, and what an answer's status
means. urllib.robotparser, which this replaced, matches plain prefixes only and takes the
first rule that matches: it reads `Disallow: /*?` as a path starting with "/*?" and lets
`Disallow: /news/` win over a longer `Allow`."""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from pipeline.fetch import Politeness, fetch_pages, open_client, read_robots, robots_agent
from pipeline.records import FeedEntry
from tests.conftest import send_page
from tests.feedsite import LOOPBACK

NEWSROOM = """\
# A newsroom's robots.txt, of the kind RFC 9309 describes
User-agent: *
Disallow: /*?                 # no query strings: sorts, filters, tracking copies
Disallow: /news/
Allow: /news/$                # the section's own page
Allow: /news/2025/            # this year's stories (longer than /news/: it wins)
Disallow: /*.pdf$
Disallow: /drafts

User-agent: otherbot
Disallow: /
"""
CASES = {
    "/news/": True,  # Allow /news/$ (longer than Disallow /news/)
    "/news/archive": False,  # Disallow /news/
    "/news/2025/deal.html": True,  # Allow /news/2025/ is the longest match
    # Allow /news/2025/ (11 characters) is longer than Disallow /*? (3): the Allow wins
    "/news/2025/deal.html?utm_source=x": True,
    "/about?lang=en": False,  # Disallow /*?
    "/reports/q1.pdf": False,  # Disallow /*.pdf$
    "/reports/q1.pdf.html": True,  # `$`: the pattern ends there
    "/drafts-of-the-week": False,  # a plain prefix
    "/markets/": True,  # nothing matches
}


class _Site(http.server.BaseHTTPRequestHandler):
    robots: tuple[int, bytes] = (200, b"")
    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(self.path)
        status, body = self.robots if self.path == "/robots.txt" else (200, _page(self.path))
        send_page(self, status, body)

    def log_message(self, *args: object) -> None:
        pass


def _page(path: str) -> bytes:
    return f"<html><body><p>Page {path}</p></body></html>".encode()


@contextmanager
def _site(robots: bytes, status: int = 200) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Site,), {"robots": (status, robots), "seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _fetch(base: str, paths: list[str], user_agent: str | None = None) -> dict[str, str]:
    settings = LOOPBACK
    if user_agent:
        settings = settings.model_copy(update={"user_agent": user_agent})
    entries = [FeedEntry(f"{base}/feed", base + p, None, None, None) for p in paths]

    async def go() -> dict[str, str]:
        async with open_client(settings) as client:
            pages, failures = await fetch_pages(client, entries, Politeness(settings))
        outcome = {p.url: "fetched" for p in pages}
        return outcome | {f.url: f.kind for f in failures}

    found = asyncio.run(go())
    return {path: found[base + path] for path in paths}


def test_a_newsrooms_rules_as_rfc_9309_reads_them() -> None:
    with _site(NEWSROOM.encode()) as (base, seen):
        outcome = _fetch(base, list(CASES))
    expected = {p: "fetched" if allowed else "robots" for p, allowed in CASES.items()}
    assert outcome == expected
    # disallowed pages are never asked for; robots.txt is asked for once
    assert seen.count("/robots.txt") == 1
    assert {p for p in seen if p != "/robots.txt"} == {
        p for p, o in expected.items() if o == "fetched"
    }


def test_groups_are_chosen_by_the_product_token() -> None:
    robots = b"User-agent: newsmon\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
    with _site(robots) as (base, _):
        ours = _fetch(base, ["/private/a", "/public/b"])
        # The comment of the User-Agent is not a product token: a group for "github"
        # must not capture a User-Agent that merely links to github.com.
        other = _fetch(base, ["/public/b"], user_agent="otherbot/2 (+https://newsmon.test)")
    assert ours == {"/private/a": "robots", "/public/b": "fetched"}
    assert other == {"/public/b": "robots"}
    assert robots_agent("newsmon/0.1 (news monitoring; +https://github.com/x)") == "newsmon"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(404, "fetched"), (403, "fetched"), (500, "robots_unreachable"), (503, "robots_unreachable")],
)
def test_the_status_of_robots_txt_over_http(status: int, outcome: str) -> None:
    with _site(b"User-agent: *\nDisallow: /\n", status) as (base, seen):
        assert _fetch(base, ["/a"]) == {"/a": outcome}
    assert ("/a" in seen) == (outcome == "fetched")


def test_only_the_first_512_kib_are_read() -> None:
    filler = b"# " + b"x" * 1000 + b"\n"
    late = b"User-agent: *\n" + filler * 600 + b"Disallow: /late/\n"  # ~600 KB in
    early = b"User-agent: *\nDisallow: /early/\n" + filler * 600
    assert read_robots(200, late).allows("https://a.test/late/x", "newsmon")
    assert not read_robots(200, early).allows("https://a.test/early/x", "newsmon")
