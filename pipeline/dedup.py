"""Identity of articles: canonical URL -> article id, text -> content hash, duplicate clusters.

The same story reaches us under many URLs: tracking parameters, syndicated copies on
other outlets. An article is keyed by the hash of its canonical URL; a page whose
normalised text hashes like an article already stored is a duplicate of that article.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from courlan import normalize_url

from pipeline.records import Article

_WS = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """Lower-cased host, default port dropped, tracking parameters and fragment removed."""
    try:
        return normalize_url(url, strict=True)
    except (ValueError, TypeError):
        return url.strip()


def article_id(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace normalised, so chrome changes don't count."""
    normal = _WS.sub(" ", text).strip().casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


def raw_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def find_duplicates(articles: Iterable[Article], known: Mapping[str, str]) -> dict[str, str]:
    """Map article_id -> the article_id it duplicates, by content hash.

    `known` maps content hashes already stored to their article ids. Within the batch the
    first article with a given hash is the original; later ones are its duplicates.
    """
    originals = dict(known)
    duplicates: dict[str, str] = {}
    for article in articles:
        original = originals.setdefault(article.content_hash, article.article_id)
        if original != article.article_id:
            duplicates[article.article_id] = original
    return duplicates
