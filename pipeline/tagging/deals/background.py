"""Stage 5: when a deal happened, and whether the sentence restates it as context."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from pipeline.records import DealMention
from pipeline.tagging.deals.amounts import reach_end
from pipeline.tagging.deals.records import Found, ReadSentence
from pipeline.tagging.deals.status import deal_status
from pipeline.tagging.deals.vocabulary import BACKGROUND, RECENT

# The digits come first and the "not after a word, $ or ." check after them, so that
# the regex engine can skip ahead to a "1" or "2" instead of testing every position.
_YEAR = re.compile(r"(19[89]\d|20[0-4]\d)(?<![\w$€£.,]\d{4})\b(?!\s?(?:%|[-–]\d))")

_NOT_DEAL_YEAR = re.compile(
    r"^\s+(?:report|study|survey|post|article|interview|filing|analysis|paper|blog|index|press)",
    re.IGNORECASE,
)

_FUTURE_YEAR = re.compile(r"\b(?:by|until|through|till|in|before)\s+(?:early\s+|late\s+|mid-?)?$")

# A deal told in a relative clause about a company ("Lambda, which has raised $1.7 billion
# from investors including Nvidia, ...") is context for the news, not the news.
_RESTATED = re.compile(r",\s*which\s+(?:has|had|have|previously|already|once)\b[^,;]{0,40}$")


def status_and_time(
    found: Found, sentence: ReadSentence, history: bool, reference_year: int | None
) -> tuple[str, int | None, bool]:
    status = deal_status(sentence.text, found)
    year, background = _when(sentence, found, reference_year)
    if not background and status == "completed" and not RECENT.search(sentence.text):
        background = history
    if background and status == "announced":
        status = "completed"  # an old deal told again: "its 2012 purchase of Motorola Mobility"
    return status, year, background


def year_of_article(text: str, published: datetime | None) -> int | None:
    """The article's year: its publish date, else the latest year it mentions."""
    if published is not None:
        return published.year
    years = [int(match.group(1)) for match in _YEAR.finditer(text)]
    return max(years) if years else None


def _when(
    sentence: ReadSentence, found: Found, reference_year: int | None
) -> tuple[int | None, bool]:
    """The deal's stated year, and whether the sentence restates an old deal as context."""
    text = sentence.text[: reach_end(sentence.text, found)]
    stated: list[tuple[int, int]] = []  # (distance to trigger, year)
    old = False
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        if _in_other_relative_clause(text, match.start(), found.start):
            continue
        if reference_year is not None and year < reference_year:
            old = True
        if _NOT_DEAL_YEAR.match(text[match.end() :]) or (
            _FUTURE_YEAR.search(text[: match.start()])
            and reference_year is not None
            and year > reference_year
        ):
            continue
        stated.append((abs(match.start() - found.start), year))
    year = min(stated)[1] if stated else None
    restated = BACKGROUND.search(text) or _RESTATED.search(text[: found.start])
    return year, old or bool(restated)


def _in_other_relative_clause(text: str, position: int, trigger: int) -> bool:
    """'Microsoft, which invested in 2019, said on Monday it acquired X': 2019 is not the deal's."""
    opening = text.rfind(", which", 0, position)
    opening = max(opening, text.rfind(", who", 0, position))
    if opening < 0 or opening < trigger < position:
        return False
    closing = text.find(",", position)
    return trigger > (closing if closing >= 0 else len(text)) or trigger < opening


def recounts_history(
    sentence: ReadSentence, deals: Sequence[DealMention], paragraph_of: Mapping[int, int]
) -> bool:
    """True when an earlier deal of this paragraph is background: a past-tense deal that
    follows it ("In return, Microsoft gained exclusive rights ...") is history too."""
    return any(
        deal.background and paragraph_of.get(deal.sentence_index) == sentence.paragraph
        for deal in deals[-3:]
    )
