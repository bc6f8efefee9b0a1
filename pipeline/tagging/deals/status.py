"""Stage 4: a deal's status: failed > in_talks > reported > planned > completed > announced."""

from __future__ import annotations

import re

from pipeline.tagging.deals.records import Found
from pipeline.tagging.deals.triggers import split_clauses
from pipeline.tagging.deals.vocabulary import (
    AGREED,
    DONE,
    FAILED,
    IN_TALKS,
    PAST_TRIGGER,
    PLANNED,
    REPORTED,
    SAID_WILL,
)


def deal_status(text: str, found: Found) -> str:
    """failed > in_talks > reported > planned > completed > announced."""
    start, end = clause_bounds(text, found.start)
    clause = text[start:end]
    trigger = text[found.start : found.end]
    before = text[max(0, found.start - 70) : found.start]
    if FAILED.search(clause) or _but_failed(text[end : end + 90]):
        return "failed"
    if IN_TALKS.search(clause):
        return "in_talks"
    if any(not _party_says(text, match.end(), found) for match in REPORTED.finditer(text)):
        return "reported"
    if PLANNED.search(before) and not SAID_WILL.search(text):
        return "planned"
    if (PAST_TRIGGER.search(trigger) and not AGREED.search(before[-25:])) or DONE.search(clause):
        return "completed"
    return "announced"


def _party_says(text: str, end: int, found: Found) -> bool:
    """ "According to Groq, Nvidia has agreed to a licence": a party's own word is an
    announcement, not a report."""
    if not text[end - 12 : end].lower().endswith("according to"):
        return False
    after = text[end:].lstrip().lower()
    return any(after.startswith(name.lower()) for name in (*found.a, *found.b))


# "Meta looked into acquiring Perplexity, but the deal did not happen"
_BUT_FAILED = re.compile(r",?\s*but\s+(?:the\s+)?(?:deal|talks|bid|offer|plan|effort)s?\b")


# "Microsoft weighed buying Cursor but pulled back": the same subject, its next verb fails it
_BUT_THEN = re.compile(r",?\s*but\s+(?:(?:later|then|eventually|ultimately|finally)\s+)?")


def _but_failed(rest: str) -> bool:
    """The clause after the deal's fails it: "..., but the deal did not happen"."""
    if _BUT_FAILED.match(rest) and FAILED.search(rest):
        return True
    verb = _BUT_THEN.match(rest)
    return bool(verb and FAILED.match(rest, verb.end()))


def clause_bounds(text: str, position: int) -> tuple[int, int]:
    """The clause of `text` that holds `position` (the whole text if none does)."""
    for start, end in split_clauses(text):
        if start <= position < end:
            return start, end
    return 0, len(text)
