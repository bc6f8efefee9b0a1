"""Identity of articles: canonical URL -> article id, text -> content hash, duplicate clusters.

The same story reaches us under many URLs: tracking parameters, syndicated copies on
other outlets. An article is keyed by the hash of its canonical URL; a page whose
normalised text hashes like an article already stored is a duplicate of that article.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from courlan import normalize_url

from pipeline.records import Article

_WS = re.compile(r"\s+")
# Feed-tracking parameters that courlan keeps: NYT `partner=rss`/`smid`, BBC `ns_*`, `ref=rss`.
_TRACKING = re.compile(r"^(?:partner|ref|smid|cmpid|ocid|ns_[a-z_]+)$", re.I)


def canonical_url(url: str) -> str:
    """Lower-cased host, default port dropped, tracking parameters and fragment removed."""
    try:
        # Not strict: courlan's strict mode keeps only a short list of known parameters, so
        # `story?sid=1` and `story?sid=2` would become one URL, one article_id, one row.
        normal = urlsplit(normalize_url(url, strict=False))
    except (ValueError, TypeError):
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(normal.query) if not _TRACKING.match(k)]
    return normal._replace(query=urlencode(query), fragment="").geturl()


def article_id(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace normalised, so chrome changes don't count."""
    normal = _WS.sub(" ", text).strip().casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


def raw_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def _age(article: Article) -> tuple[datetime, str]:
    return (article.published or datetime.max.replace(tzinfo=UTC), article.canonical_url)


def find_duplicates(articles: Iterable[Article], known: Mapping[str, str]) -> dict[str, str]:
    """Map article_id -> the article_id it duplicates, by content hash.

    `known` maps content hashes already stored to their article ids. Within the batch the
    earliest published article with a given hash is the original; the others copy it.
    """
    originals = dict(known)
    duplicates: dict[str, str] = {}
    for article in sorted(articles, key=_age):
        original = originals.setdefault(article.content_hash, article.article_id)
        if original != article.article_id:
            duplicates[article.article_id] = original
    return duplicates
