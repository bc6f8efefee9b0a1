"""Acceptance: third-party feed corpora through the poll stage (../shared/corpora/).

- feedparser-tests/: every file, served through httpx.MockTransport with the response
  headers its leading comment declares (`Header: Name: value`), goes through `poll_feed`.
  No exception may escape; each outcome is entries or a recorded error.
- real-feeds/: 79 documents real sites served. MANIFEST.tsv's `feedparser_entries` is the
  oracle: `parse_feed` keeps every entry feedparser finds, except the few listed below.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections import defaultdict
from datetime import UTC
from pathlib import Path

import httpx
import pytest

from pipeline.feeds import FeedError, parse_feed, poll_feed
from pipeline.fetch import Politeness
from pipeline.records import FeedEntry, FeedState, PollResult
from pipeline.settings import HttpSettings

pytestmark = pytest.mark.corpus

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
FEEDPARSER_TESTS = CORPORA / "feedparser-tests"
REAL_FEEDS = CORPORA / "real-feeds"
BASE = "http://127.0.0.1:8097"  # where feedparser's own suite serves these files

_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)
_HEADER = re.compile(r"^Header:\s*([\w-]+):[ \t]*(.*?)\s*$", re.M)


def _missing(root: Path) -> list:
    reason = f"corpus not found at {root} (expected beside the project, in ../shared/corpora)"
    return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="absent")]


def _feedparser_folders() -> list:
    if not FEEDPARSER_TESTS.is_dir():
        return _missing(FEEDPARSER_TESTS)
    files = (p for p in FEEDPARSER_TESTS.rglob("*") if p.is_file() and p.name != "LICENSE")
    return sorted({p.parent.relative_to(FEEDPARSER_TESTS).as_posix() for p in files})


def declared_headers(data: bytes) -> list[tuple[str, str]]:
    """The `Header:` lines of the file's leading comment, as response headers."""
    # UTF-16/32 files hold the same ASCII comment with NULs between the characters.
    match = _COMMENT.search(data.replace(b"\x00", b""))
    return _HEADER.findall(match.group(1).decode("latin-1")) if match else []


def test_declared_headers() -> None:
    data = b"<?xml?>\n<!--\nHeader:      Content-type: text/xml; charset=x\nHeader: ETag: \n-->"
    assert declared_headers(data) == [("Content-type", "text/xml; charset=x"), ("ETag", "")]
    assert declared_headers(data.decode().encode("utf-16")) == declared_headers(data)


def _check_entries(entries: tuple[FeedEntry, ...] | list[FeedEntry]) -> list[str]:
    problems = []
    for entry in entries:
        if not entry.url.startswith(("http://", "https://")):
            problems.append(f"non-http url {entry.url!r}")
        if entry.published is not None and entry.published.tzinfo is not UTC:
            problems.append(f"published not in UTC: {entry.published!r}")
    return problems


def _check_outcome(result: object) -> list[str]:
    if not isinstance(result, PollResult):
        return [f"not a PollResult: {result!r}"]
    if result.status == "ok":
        return _check_entries(result.entries) if result.entries else ["ok without entries"]
    if result.status == "error":
        ok = bool(result.error) and not result.entries
        return [] if ok else [f"error outcome without a message: {result!r}"]
    return [f"unexpected status {result.status!r}"]


async def _poll_folder(folder: Path) -> dict[str, list[str]]:
    files = {f"/{p.relative_to(FEEDPARSER_TESTS).as_posix()}": p for p in folder.iterdir()}

    def serve(request: httpx.Request) -> httpx.Response:
        data = files[request.url.path].read_bytes()
        return httpx.Response(200, headers=declared_headers(data), content=data)

    problems: dict[str, list[str]] = defaultdict(list)
    # Every file comes from one host: no politeness delay between them (745 files in one
    # folder at the default 0.5 s would take six minutes of sleeping).
    settings = HttpSettings(allow_private_networks=("127.0.0.0/8",), per_host_delay_s=0)
    politeness = Politeness(settings)
    async with httpx.AsyncClient(transport=httpx.MockTransport(serve)) as client:
        for path in sorted(p for p, f in files.items() if f.is_file()):
            try:
                result = await poll_feed(client, FeedState(BASE + path), politeness)
            except Exception as exc:  # the point of the test: nothing may escape
                problems[path].append(f"raised {type(exc).__name__}: {exc}")
                continue
            problems[path] += _check_outcome(result)
    return {path: found for path, found in problems.items() if found}


@pytest.mark.parametrize("folder", _feedparser_folders())
def test_feedparser_corpus_through_the_poll_stage(folder: str) -> None:
    problems = asyncio.run(_poll_folder(FEEDPARSER_TESTS / folder))
    assert problems == {}


# ---- real-feeds ------------------------------------------------------------------------------

# Entries feedparser finds that parse_feed rightly leaves out (checked by hand, file by file).
# Every other feed keeps exactly MANIFEST's `feedparser_entries`: all their entries have an
# http(s) link (tpm.atom's are relative and resolve against the feed URL) and none repeats.
# The JSON Feeds, which feedparser reads none of, keep every item MANIFEST counts.
EXPECTED_LOSSES = {
    # one <item> has an empty <link/> and no <guid>: nothing to fetch
    "miniflux__v2/internal__reader__parser__testdata__no_encoding_ISO-8859-1.xml": 1,
    # the illegally nested elements make ten extra entries with neither link nor guid
    "danmactough__node-feedparser/test__feeds__illegally-nested.xml": 10,
    # two linked-list posts point at the same URL (http://mnml.af/): one page to fetch
    "Ranchero-Software__RSParser/Tests__RSParserTests__Resources__DaringFireball.atom": 1,
    # two items appear twice, with the same guid and link
    "Ranchero-Software__RSParser/Tests__RSParserTests__Resources__scriptingNews.rss": 2,
}


def _manifest() -> list[dict[str, str]]:
    with (REAL_FEEDS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _real_feed_repos() -> list:
    if not (REAL_FEEDS / "MANIFEST.tsv").is_file():
        return _missing(REAL_FEEDS)
    return sorted({row["file"].split("/")[0] for row in _manifest()})


def _parse_real_feed(row: dict[str, str]) -> list[str]:
    body = (REAL_FEEDS / row["file"]).read_bytes()
    url = "https://feeds.example/" + row["file"]
    found_by = "item_count" if row["format"] == "json" else "feedparser_entries"
    expected = int(row[found_by]) - EXPECTED_LOSSES.get(row["file"], 0)
    try:
        entries, _ = parse_feed(body, url, max_items=100_000)
    except FeedError as exc:
        return [] if expected == 0 else [f"FeedError with {expected} entries expected: {exc}"]
    found = [] if len(entries) == expected else [f"{len(entries)} entries, {expected} expected"]
    return found + _check_entries(entries)


@pytest.mark.parametrize("repo", _real_feed_repos())
def test_real_feeds_keep_every_entry(repo: str) -> None:
    rows = [row for row in _manifest() if row["file"].startswith(repo + "/")]
    assert rows
    problems = {row["file"]: found for row in rows if (found := _parse_real_feed(row))}
    assert problems == {}


def test_real_feed_manifest_is_complete() -> None:
    if not (REAL_FEEDS / "MANIFEST.tsv").is_file():
        pytest.skip(f"corpus not found at {REAL_FEEDS}")
    rows = _manifest()
    assert len(rows) == 79
    assert all((REAL_FEEDS / row["file"]).is_file() for row in rows)
    assert set(EXPECTED_LOSSES) <= {row["file"] for row in rows}
