"""Quality gate for the served seed fixtures (seeds/site/, described by seeds/fixtures.json).

The pages must be realistic enough that trafilatura, run as the pipeline runs it, recovers
the seed text, title, author and date, and drops the chrome (ads, comments, newsletter box,
cookie banner). The feeds must parse cleanly, and the committed tree must match a fresh run
of seeds/make_fixtures.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
import trafilatura

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SITE = SEEDS / "site"
MANIFEST = json.loads((SEEDS / "fixtures.json").read_text(encoding="utf-8"))
PAGES = MANIFEST["pages"]
BASE = "http://127.0.0.1:8000"  # any host: the pages are served from the site root
F1_FLOOR = 0.95


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def token_f1(candidate: str, reference: str) -> float:
    """Token-level F1 with multiset overlap, as in trafilatura's own evaluation."""
    cand, ref = _tokens(candidate), _tokens(reference)
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(cand.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def extracted() -> dict[str, trafilatura.settings.Document]:
    docs = {}
    for page in PAGES:
        html = (SEEDS / page["file"]).read_text(encoding="utf-8")
        doc = trafilatura.bare_extraction(
            html,
            url=BASE + page["path"],
            with_metadata=True,
            include_comments=False,
            favor_precision=False,
        )
        assert doc is not None, page["path"]
        docs[page["path"]] = doc
    return docs


class _HeadTags(HTMLParser):
    """Collects <link> and <meta> attributes from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))
        elif tag == "meta":
            self.metas.append(dict(attrs))


def _head_tags(page: dict) -> _HeadTags:
    parser = _HeadTags()
    parser.feed((SEEDS / page["file"]).read_text(encoding="utf-8"))
    return parser


def _page_id(page: dict) -> str:
    return f"{page['kind']}:{page['seed'][:3]}"


# ---- the committed tree is what the script produces -------------------------------------


def test_fixtures_match_a_fresh_build(tmp_path: Path) -> None:
    script = SEEDS / "make_fixtures.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SEEDS) for p in SITE.rglob("*") if p.is_file())
    assert [p for p in built if p.parts[0] == "site"] == committed
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (SEEDS / rel).read_bytes(), rel


# ---- extraction quality ------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_extracted_text_matches_seed(page: dict, extracted: dict) -> None:
    seed = (SEEDS / page["seed"]).read_text(encoding="utf-8")
    score = token_f1(extracted[page["path"]].text, seed)
    assert score >= F1_FLOOR, f"{page['path']}: F1 {score:.4f} < {F1_FLOOR}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_extracted_metadata_matches_manifest(page: dict, extracted: dict) -> None:
    doc = extracted[page["path"]]
    assert doc.title == page["title"]
    assert doc.author == page["author"]
    assert doc.date == page["date"]
    assert page["published"].startswith(page["date"])  # local and UTC day agree


def test_syndicated_copy_extracts_to_the_original_text(extracted: dict) -> None:
    copies = [p for p in PAGES if p["kind"] == "syndicated"]
    assert len(copies) == 1
    copy = copies[0]
    original = next(p for p in PAGES if p["path"] == copy["copy_of"])
    assert original["kind"] == "original" and original["seed"] == copy["seed"]
    assert _normalise(extracted[copy["path"]].text) == _normalise(extracted[original["path"]].text)
    # Dedup must work by text: the copy does not borrow the original's canonical URL.
    assert copy["canonical_url"] != original["canonical_url"]


@pytest.mark.parametrize("kind", sorted(MANIFEST["boilerplate"]))
def test_chrome_is_served_but_not_extracted(kind: str, extracted: dict) -> None:
    served = "".join((SEEDS / p["file"]).read_text(encoding="utf-8") for p in PAGES)
    for phrase in MANIFEST["boilerplate"][kind]:
        assert phrase in served, f"{kind} phrase missing from the pages: {phrase!r}"
        for path, doc in extracted.items():
            assert phrase not in doc.text, f"{kind} text leaked into {path}: {phrase!r}"


# ---- page markup -------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_canonical_and_open_graph(page: dict) -> None:
    tags = _head_tags(page)
    canonicals = [link["href"] for link in tags.links if link.get("rel") == "canonical"]
    assert canonicals == [page["canonical_url"]]
    parts = urlsplit(page["canonical_url"])
    assert parts.scheme == "https" and parts.netloc.endswith(".example")
    assert parts.path == page["path"] and not parts.query and not parts.fragment
    props = {m.get("property"): m.get("content") for m in tags.metas if m.get("property")}
    assert props["og:type"] == "article"
    assert props["og:url"] == page["canonical_url"]
    assert props["og:title"] == page["title"]
    assert props["article:author"] == page["author"]
    assert props["article:published_time"] == page["published_local"]


def test_every_page_has_a_news_article_json_ld() -> None:
    pattern = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
    for page in PAGES:
        html = (SEEDS / page["file"]).read_text(encoding="utf-8")
        (block,) = pattern.findall(html)
        data = json.loads(block)
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == page["title"]
        assert data["author"] == {"@type": "Person", "name": page["author"]}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", data["datePublished"])
        assert data["publisher"]["@type"] == "Organization"


# ---- feeds, robots, index ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["rss", "atom"])
def test_feed_parses_cleanly(name: str) -> None:
    spec = MANIFEST["feeds"][name]
    parsed = feedparser.parse((SITE / spec["path"].lstrip("/")).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == spec["entries"]
    served = {p["path"] for p in PAGES}
    for entry in parsed.entries:
        link = urlsplit(entry.link)
        assert not link.scheme and not link.netloc and link.path.startswith("/")
        assert link.path in served
        assert entry.title and entry.published_parsed and entry.get("author")


def test_rss_has_a_tracking_link_and_opaque_guids() -> None:
    parsed = feedparser.parse((SITE / "feeds/rss.xml").read_bytes())
    assert any(e.link.endswith(MANIFEST["tracking_query"]) for e in parsed.entries)
    assert all(e.guidislink is False for e in parsed.entries)
    originals = {p["path"] for p in PAGES if p["kind"] == "original"}
    assert {urlsplit(e.link).path for e in parsed.entries} == originals


def test_robots_disallows_only_private() -> None:
    robots = RobotFileParser()
    robots.parse((SITE / "robots.txt").read_text(encoding="utf-8").splitlines())
    secret = MANIFEST["robots"]["disallowed_page"]
    assert (SITE / secret.lstrip("/")).is_file()
    assert not robots.can_fetch("newsmon", BASE + secret)
    for path in [p["path"] for p in PAGES] + ["/feeds/rss.xml", "/feeds/atom.xml", "/"]:
        assert robots.can_fetch("newsmon", BASE + path), path


def test_index_links_to_the_feeds() -> None:
    html = (SITE / "index.html").read_text(encoding="utf-8")
    for spec in MANIFEST["feeds"].values():
        assert f'href="{spec["path"]}"' in html
