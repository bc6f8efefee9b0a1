"""The source catalogue, `newsmon init` and `newsmon feeds catalog`: the catalogue loads
and states what its hosts require, init writes a commented config that validates, and
`feeds list` then shows the sources of the four kinds. Each kind's documents are read over
HTTP: official and press feeds of the corpus, a filing feed in EDGAR's form (written by
us), and the search feeds (tests/test_aggregators.py)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.settings import HOST_REQUIREMENTS, TaggingSettings, load_settings
from pipeline.sources import (
    KINDS,
    CatalogueError,
    load_catalogue,
    render_config,
    search_feeds,
)
from pipeline.tagging.tagger import load_tagging_watchlist
from tests.feedsite import poll, real_feed, serve_files

runner = CliRunner()
CATALOGUE = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "sources.toml"


def test_the_catalogue_loads_with_every_kind() -> None:
    catalogue = load_catalogue()
    kinds = Counter(s.kind for s in catalogue.source)
    assert set(kinds) == {"official", "filing", "press"}  # search: built from the focus
    assert min(kinds.values()) >= 10
    assert catalogue.version >= 1
    assert {t.engine for t in catalogue.search} == {"Google News", "Bing News", "Google Alerts"}
    for source in catalogue.source:
        parts = urlsplit(source.url)
        assert parts.scheme == "https" and parts.hostname, source.name


def test_every_entity_the_catalogue_names_is_on_the_watchlist() -> None:
    watchlist = load_tagging_watchlist(TaggingSettings())
    known = {entity.name for entity in watchlist.entities}
    named = {e for s in load_catalogue().source for e in s.entities}
    assert named and named <= known, named - known


def test_edgar_entries_say_what_edgar_requires() -> None:
    filings = load_catalogue().sources(["filing"])
    assert len(filings) >= 10
    for source in filings:
        parts = urlsplit(source.url)
        assert parts.hostname in HOST_REQUIREMENTS
        assert (source.contact_required, source.max_requests_per_s) == (True, 10)
        query = parse_qs(parts.query)
        assert query["type"] == ["8-K"] and query["output"] == ["atom"]
        assert re.fullmatch(r"\d{10}", query["CIK"][0])


def test_a_catalogue_entry_that_hides_a_hosts_requirement_is_refused(tmp_path: Path) -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    broken = text.replace("contact_required = true\nmax_requests_per_s = 10\n", "", 1)
    (tmp_path / "sources.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"www\.sec\.gov requires contact_required = true"):
        load_catalogue(tmp_path / "sources.toml")
    twice = text + '\n[[source]]\nkind = "press"\nname = "TechCrunch"\nurl = "https://x.test/"\n'
    (tmp_path / "sources.toml").write_text(twice, encoding="utf-8")
    with pytest.raises(CatalogueError, match="source name listed twice: TechCrunch"):
        load_catalogue(tmp_path / "sources.toml")


def test_search_feeds_are_made_per_entity_and_pair() -> None:
    feeds = search_feeds(load_catalogue(), ["Microsoft", "OpenAI", "NVIDIA"])
    names = [f.name for f in feeds]
    assert len(feeds) == 2 * 3 + 2 * 3  # two engines, three entities and three pairs
    assert "Bing News: OpenAI + NVIDIA" in names and "Google News: NVIDIA" in names
    google = next(f for f in feeds if f.name == "Google News: Microsoft + OpenAI")
    query = parse_qs(urlsplit(google.url).query)
    assert query["q"] == ['"Microsoft" "OpenAI"'] and query["ceid"] == ["US:en"]
    assert google.entities == ("Microsoft", "OpenAI") and google.kind == "search"


def test_the_rendered_config_validates_with_every_feed(tmp_path: Path) -> None:
    text = render_config(load_catalogue(), ["Microsoft", "OpenAI"])
    path = tmp_path / "newsmon.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path, env={})
    kinds = Counter(f.kind for f in settings.feeds)
    assert set(kinds) == set(KINDS) and sum(kinds.values()) >= 40
    # without an operator and a contact, the EDGAR feeds are written switched off
    assert {f.enabled for f in settings.feeds if f.kind == "filing"} == {False}
    assert all(f.enabled for f in settings.feeds if f.kind != "filing")
    assert "# operator = " in text and "Google Alerts" in text
    assert tomllib.loads(text)["storage"]["database"] == "data/newsmon.duckdb"


def _counts(output: str) -> dict[str, int]:
    """`65 feeds: 12 filing, 26 official, …` -> {"filing": 12, "official": 26, …}."""
    line = next(line for line in output.splitlines() if re.match(r"\d+ feeds: ", line))
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", line.split(":", 1)[1])}


def test_init_then_feeds_list_shows_forty_sources_of_four_kinds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a fresh folder: no newsmon.toml, no database
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    monkeypatch.delenv("NEWSMON_DB", raising=False)
    written = runner.invoke(app, ["init", "--focus", "Microsoft,OpenAI"])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "newsmon.toml").is_file()
    listed = runner.invoke(app, ["feeds", "list"])
    assert listed.exit_code == 0, listed.output
    counts = _counts(listed.output)
    assert set(counts) == set(KINDS) and sum(counts.values()) >= 40
    again = runner.invoke(app, ["init"])
    assert again.exit_code == 2 and "exists: --force overwrites it" in again.output


def test_init_with_a_contact_switches_edgar_on(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "newsmon.toml"
    args = ["init", "-c", str(path), "--operator", "Example Research Ltd"]
    written = runner.invoke(app, [*args, "--contact", "news-ops@example.com", "--kind", "filing"])
    assert written.exit_code == 0, written.output
    settings = load_settings(path, env={})
    assert {f.kind for f in settings.feeds} == {"filing"}
    assert all(f.enabled for f in settings.feeds)
    assert settings.http.contact_agent == "Example Research Ltd news-ops@example.com"


def test_init_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    bad_contact = runner.invoke(
        app, ["init", "-c", str(path), "--operator", "X", "--contact", "nobody"]
    )
    assert bad_contact.exit_code == 2 and "http.contact" in bad_contact.output
    bad_kind = runner.invoke(app, ["init", "-c", str(path), "--kind", "blogs"])
    assert bad_kind.exit_code == 2 and "is not one of official" in bad_kind.output
    no_focus = runner.invoke(app, ["init", "-c", str(path), "--focus", " , "])
    assert no_focus.exit_code == 2 and "at least one entity" in no_focus.output
    assert list(tmp_path.iterdir()) == []


def test_feeds_catalog_lists_and_filters_by_kind() -> None:
    everything = runner.invoke(app, ["feeds", "catalog"])
    assert everything.exit_code == 0, everything.output
    counts = _counts(everything.output)
    assert set(counts) == set(KINDS)
    filings = runner.invoke(app, ["feeds", "catalog", "--kind", "filing"])
    assert _counts(filings.output) == {"filing": counts["filing"]}
    searches = runner.invoke(app, ["feeds", "catalog", "--kind", "search", "--focus", "Meta"])
    assert _counts(searches.output) == {"search": 2}  # one entity: no pairs


# ---- each kind's documents, over HTTP -------------------------------------------------------

EDGAR_FORM = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<author><email>webmaster@example.test</email><name>Webmaster</name></author>
<id>{base}/cgi-bin/browse-edgar?action=getcompany&amp;CIK=0000000042&amp;type=8-K</id>
<link href="{base}/cgi-bin/browse-edgar?action=getcompany&amp;CIK=0000000042" rel="alternate"
 type="text/html"/>
<title>EXAMPLE CLOUD CORP  (0000000042)</title>
<updated>2025-01-22T09:14:03-05:00</updated>
<entry>
<category label="form type" scheme="{base}/" term="8-K"/>
<content type="text/xml"><accession-number>0000000042-25-000007</accession-number>
<filing-date>2025-01-21</filing-date><filing-type>8-K</filing-type>
<items-desc>items 1.01 and 9.01</items-desc></content>
<id>urn:tag:example.test,2008:accession-number=0000000042-25-000007</id>
<link href="{base}/Archives/edgar/data/42/000000004225000007/0000000042-25-000007-index.htm"
 rel="alternate" type="text/html"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2025-01-21 &lt;b&gt;AccNo:&lt;/b&gt;
0000000042-25-000007 &lt;b&gt;Size:&lt;/b&gt; 312 KB&lt;br&gt;Item 1.01: Entry into a
Material Definitive Agreement</summary>
<title>8-K  - Current report</title>
<updated>2025-01-21T16:05:12-05:00</updated>
</entry>
<entry>
<category label="form type" scheme="{base}/" term="8-K"/>
<id>urn:tag:example.test,2008:accession-number=0000000042-24-000031</id>
<link href="{base}/Archives/edgar/data/42/000000004224000031/0000000042-24-000031-index.htm"
 rel="alternate" type="text/html"/>
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2024-11-04 Item 2.02: Results of Operations
</summary>
<title>8-K  - Current report</title>
<updated>2024-11-04T16:01:40-05:00</updated>
</entry>
</feed>
"""
OFFICIAL = {
    "prof18__RSS-Parser/rssparser__src__commonTest__resources__feed-google-blog.xml": 2,
    "feedjira__feedjira/spec__sample_feeds__AmazonWebServicesBlog.xml": 10,
    "Ranchero-Software__RSParser/Tests__RSParserTests__Resources__cloudblog.rss": 20,
}
PRESS = {
    "feedjira__feedjira/spec__sample_feeds__TechCrunch.xml": 20,
    "feed-rs__feed-rs/feed-rs__fixture__atom__atom_example_2.xml": 2,  # The Register
    "prof18__RSS-Parser/rssparser__src__commonTest__resources__feed-atom-test.xml": 1,  # Verge
}


@pytest.mark.corpus
@pytest.mark.parametrize(("relative", "items"), sorted((OFFICIAL | PRESS).items()))
def test_official_and_press_documents_over_http(tmp_path: Path, relative: str, items: int) -> None:
    with serve_files(tmp_path, {"feed.xml": real_feed(relative)}) as base:
        result = poll(f"{base}/feed.xml")
    assert (result.status, len(result.entries)) == ("ok", items)
    assert all(urlsplit(e.url).scheme in ("http", "https") for e in result.entries)


def test_a_filing_feed_in_edgars_form_over_http(tmp_path: Path) -> None:
    with serve_files(tmp_path, {"edgar.atom": b""}) as base:
        (tmp_path / "edgar.atom").write_bytes(EDGAR_FORM.replace("{base}", base).encode("latin-1"))
        result = poll(f"{base}/edgar.atom")
    assert result.status == "ok"
    first, second = result.entries
    assert first.url.endswith("/0000000042-25-000007-index.htm")
    assert first.guid == "urn:tag:example.test,2008:accession-number=0000000042-25-000007"
    assert first.title == "8-K  - Current report"  # as EDGAR spaces it
    assert first.published.isoformat() == "2025-01-21T21:05:12+00:00"
    assert "Material Definitive Agreement" in first.summary
    assert second.published.year == 2024
