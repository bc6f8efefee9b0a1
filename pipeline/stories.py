"""Near-duplicate stories: copies of one story that differ by a headline, a paragraph or
boilerplate (wire copies, updates) are grouped as one story.

Exact copies are already found by the hash of their text (`dedup.py`); here each article
gets a MinHash signature of its word shingles (datasketch), and its LSH band keys. A new
article is compared with the stored articles that share a band key with it, within
`WINDOW` of its date (the warehouse looks them up by key and date, never scanning all
articles), and joins the story of the most similar one whose estimated Jaccard
similarity reaches `THRESHOLD`; else it starts a story of its own, keyed by its id.

Pure: signatures are computed in the extraction workers, beside the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipeline.records import StorySignature

NUM_PERM = 64  # 64 hash functions: a 256-byte signature, Jaccard estimated within ±0.06
THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles: edited copies score 0.6 to 0.95
SHINGLE = 3
SEED = 1
SCHEME = "affine32"  # named, so stored signatures stay comparable across datasketch versions
WINDOW = timedelta(days=7)  # copies and updates of a story come within days of it
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Known:
    """A stored article a new one may belong with."""

    article_id: str
    story_id: str
    signature: StorySignature


def _lsh() -> MinHashLSH:
    return MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)


# The band layout (b bands of r rows) datasketch chooses for the threshold: a constant,
# worked out once at import (choosing it integrates the false-positive and -negative rates).
BANDS: tuple[tuple[int, int], ...] = tuple(_lsh().hashranges)


def signature(text: str) -> StorySignature:
    """The MinHash signature of the text's word shingles, and its LSH band keys."""
    words = [w.casefold() for w in _WORD.findall(text)]
    size = min(SHINGLE, len(words)) or 1
    shingles = {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words))}
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(sorted(shingles))
    values = tuple(int(v) for v in minhash.hashvalues)
    return StorySignature(values, band_keys(values))


def band_keys(values: Sequence[int]) -> tuple[int, ...]:
    """One 64-bit key per LSH band: the band's number and its rows, hashed."""
    keys = []
    for number, (start, end) in enumerate(BANDS):
        data = number.to_bytes(2, "big") + b"".join(v.to_bytes(4, "big") for v in values[start:end])
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big"))
    return tuple(keys)


def similarity(a: StorySignature, b: StorySignature) -> float:
    """Estimated Jaccard similarity of the two articles' shingles."""
    return _minhash(a).jaccard(_minhash(b))


def assign_stories(
    new: Iterable[tuple[str, datetime, StorySignature]], known: Sequence[Known]
) -> dict[str, str]:
    """article_id -> story_id for each new article, oldest first: the story of the most
    similar known (or earlier new) article at or above THRESHOLD, else its own id."""
    lsh, signatures, stories = _lsh(), {}, {}
    for item in known:
        if item.article_id not in signatures:
            _insert(lsh, item.article_id, item.signature)
            signatures[item.article_id] = item.signature
            stories[item.article_id] = item.story_id
    assigned: dict[str, str] = {}
    for article_id, _seen, sig in sorted(new, key=lambda n: (n[1], n[0])):
        if article_id in stories:  # stored already (a re-run): it keeps its story
            assigned[article_id] = stories[article_id]
            continue
        best = _most_similar(lsh.query(_minhash(sig)), sig, signatures)
        assigned[article_id] = stories[best] if best else article_id
        _insert(lsh, article_id, sig)
        signatures[article_id] = sig
        stories[article_id] = assigned[article_id]
    return assigned


def _most_similar(
    candidates: Iterable[str], sig: StorySignature, signatures: Mapping[str, StorySignature]
) -> str | None:
    scored = [(similarity(sig, signatures[c]), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= THRESHOLD]
    return max(scored, key=lambda sc: (sc[0], sc[1]))[1] if scored else None


def _minhash(sig: StorySignature) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig.minhash, scheme=SCHEME)


def _insert(lsh: MinHashLSH, key: str, sig: StorySignature) -> None:
    lsh.insert(key, _minhash(sig), check_duplication=False)
