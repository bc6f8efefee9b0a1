"""Stage 4: a deal's status: failed > in_talks > reported > planned > completed > announced."""

from __future__ import annotations

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
    clause = _clause_of(text, found.start)
    trigger = text[found.start : found.end]
    before = text[max(0, found.start - 40) : found.start]
    if FAILED.search(clause):
        return "failed"
    if IN_TALKS.search(clause):
        return "in_talks"
    if REPORTED.search(text):
        return "reported"
    if PLANNED.search(before) and not SAID_WILL.search(text):
        return "planned"
    if (PAST_TRIGGER.search(trigger) and not AGREED.search(before[-25:])) or DONE.search(clause):
        return "completed"
    return "announced"


def _clause_of(text: str, position: int) -> str:
    for start, end in split_clauses(text):
        if start <= position < end:
            return text[start:end]
    return text
