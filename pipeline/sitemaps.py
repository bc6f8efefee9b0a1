"""Read sitemaps (and sitemap indexes) for backfill: the URLs they list, nothing fetched."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit


class SitemapError(Exception):
    """The document is not a readable sitemap."""


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) listed by a sitemap or a sitemap index."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise SitemapError(f"corrupt gzip: {exc}") from None
    try:
        # expat refuses entity expansion bombs ("billion laughs") since 2.4.1
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SitemapError(f"not XML: {exc}") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (root element <{kind}>)")
    locs = [urljoin(base_url, (el.text or "").strip()) for el in root.iter() if _is_loc(el)]
    locs = [u for u in locs if urlsplit(u).scheme in ("http", "https")]
    return (locs, []) if kind == "urlset" else ([], locs)


def _is_loc(element: ET.Element) -> bool:
    return element.tag.rsplit("}", 1)[-1] == "loc" and bool((element.text or "").strip())
