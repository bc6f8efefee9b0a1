"""Backfill: URLs, a sitemap, and a folder of saved pages, through the same stages."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.backfill import backfill_flow
from flows.seedserver import serve_site
from pipeline.settings import Settings
from pipeline.sitemaps import SitemapError, parse_sitemap
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_harness")
MANIFEST = json.loads((SEEDS / "fixtures.json").read_text())
ORIGINALS = [p for p in MANIFEST["pages"] if p["kind"] == "original"]


def _canonicals(settings: Settings) -> set[str]:
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        rows = con.execute("select canonical_url from articles where duplicate_of is null")
        return {r[0] for r in rows.fetchall()}


def test_backfill_urls_then_again_changes_nothing(seed_settings: Settings, seed_site: str) -> None:
    urls = [seed_site + p["path"] for p in ORIGINALS]
    first = asyncio.run(backfill_flow(urls=urls, settings=seed_settings)).counts
    assert (first.entries_new, first.articles_stored, first.errors) == (2, 2, 0)
    assert _canonicals(seed_settings) == {p["canonical_url"] for p in ORIGINALS}
    again = asyncio.run(backfill_flow(urls=urls, settings=seed_settings)).counts
    assert again.entries_new == 0 and again.articles_stored == 0  # already stored: no-op
    assert len(_canonicals(seed_settings)) == 2


def test_backfill_sitemap_index(seed_settings: Settings, seed_site: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.xml").write_text(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>/pages.xml</loc></sitemap></sitemapindex>"
    )
    locs = "".join(f"<url><loc>{seed_site}{p['path']}</loc></url>" for p in ORIGINALS)
    (site / "pages.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )
    with serve_site(site) as base:
        counts = asyncio.run(
            backfill_flow(sitemap=f"{base}/index.xml", settings=seed_settings)
        ).counts
    assert (counts.entries_new, counts.articles_stored) == (2, 2)


def test_backfill_folder_of_saved_pages(seed_settings: Settings, tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    for page in MANIFEST["pages"]:
        target = saved / Path(page["path"]).name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(SEEDS / "site" / page["path"].lstrip("/"), target)
    counts = asyncio.run(backfill_flow(folder=str(saved), settings=seed_settings)).counts
    assert (counts.pages_fetched, counts.articles_stored, counts.duplicates) == (3, 2, 1)
    assert _canonicals(seed_settings) == {p["canonical_url"] for p in ORIGINALS}


def test_parse_sitemap_rejects_what_is_not_one() -> None:
    assert parse_sitemap(
        b"<urlset><url><loc>/a</loc></url><url><loc>ftp://x/b</loc></url></urlset>", "http://h/"
    ) == (["http://h/a"], [])
    for body in (b"<html></html>", b"not xml", b"\x1f\x8b broken"):
        with pytest.raises(SitemapError):
            parse_sitemap(body, "http://h/")
