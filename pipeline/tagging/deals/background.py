"""Stage 5: when a deal happened, and whether the sentence restates it as context."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from pipeline.records import DealMention
from pipeline.tagging.deals.amounts import reach_end
from pipeline.tagging.deals.records import Found, ReadSentence
from pipeline.tagging.deals.status import clause_bounds, deal_status
from pipeline.tagging.deals.vocabulary import BACKGROUND, FAILED, RECENT, TOLD_AS_DONE

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
_RESTATED = re.compile(
    r",\s*which\s+(?:has|had|have|previously|already|once|(?!is\b|are\b)[a-z]+ed)\b[^,;]{0,40}$"
)


_WHICH_OPEN = re.compile(
    r",\s*(?:which|who)\s+(?:also\s+|first\s+)?"
    # "Anthropic, which Amazon backed with $8 billion, ...": the relative clause's own subject
    r"(?:(?-i:[A-Z][\w.&'’-]*)\s+){0,3}"
    r"(?:(?:also|first|once|later|recently|previously|earlier|already)\s+)?$",
    re.IGNORECASE,
)
# "Global Infrastructure Partners - an investment firm bought by BlackRock in January -":
# a deal told in an apposition that describes a company
_APPOSED_OPEN = re.compile(r"(?:,|—|–|\s-|\()\s*(?:a|an|the)\s+(?:[\w.’'-]+\s+){0,5}$")
_PARTICIPLE_BY = re.compile(
    r"(?:acquired|bought|purchased|taken\s+over|snapped\s+up|backed|funded)\s+by\b", re.I
)
_PAST_VERB = re.compile(r"[a-z]+ed\b|(?:bought|led|took|sank|put)\b", re.IGNORECASE)


# A deal told as what came before the news: "after landing a $1 billion investment from
# Google, Anthropic raised ...", "following its purchase of ..."
_PRIOR_EVENT = re.compile(
    r"\b(?:after|following)\s+(?:[\w-]+ly\s+)?"
    r"(?:(?!saying|announcing|confirming|disclosing|revealing|reporting|unveiling)\w+ing|its|their)"
    r"\s+(?:[\w$€£.,%-]+\s+){0,6}$",
    re.IGNORECASE,
)


# A deal told as what the news came some time after: "..., only weeks after the company
# agreed to put $2 billion into Anthropic" (context, with the status its own words give)
_TIME_AFTER = re.compile(
    r"\b(?:days|weeks|months|years|hours|shortly|soon|a\s+(?:day|week|month|year))\s+after\s+"
    r"(?:[\w$€£.,%'’-]+\s+){0,8}$",
    re.IGNORECASE,
)


# A deal told as what the news follows or comes with: "These discussions followed a funding
# round in which Wiz raised ...", "Shazeer's return follows the tech giant paying billions
# to ...", "The step comes as Amazon keeps up its investment in Anthropic"
_FOLLOWS = re.compile(
    r"\b(?:follows|followed|builds\s+on|built\s+on|on\s+the\s+heels\s+of|comes\s+after|"
    r"came\s+after|comes\s+as|came\s+as|comes\s+amid|came\s+amid)\b(?:[^.;:!?]|\.(?=\d)){0,100}$",
    re.IGNORECASE,
)


def status_and_time(
    found: Found, sentence: ReadSentence, history: bool, reference_year: int | None
) -> tuple[str, int | None, bool]:
    status = deal_status(sentence.text, found)
    year, background = _when(sentence, found, reference_year)
    if background and status == "failed" and _fails_now(sentence.text, found, year, reference_year):
        # "Amazon has abandoned its planned acquisition of iRobot after regulators had
        # threatened to block it": the failure is the news, "planned" and "had" tell its past
        background = False
    if _PRIOR_EVENT.search(sentence.text[max(0, found.start - 80) : found.start]):
        return "completed", year, True
    if _TIME_AFTER.search(sentence.text[max(0, found.start - 80) : found.start]):
        return status, year, True
    if not background and status == "completed" and not RECENT.search(sentence.text):
        background = history
    if background and status == "announced":
        status = "completed"  # an old deal told again: "its 2012 purchase of Motorola Mobility"
    # what the news follows is context, told with the status its own words give it
    background = background or bool(_FOLLOWS.search(sentence.text[: found.start]))
    return status, year, background


_PAST_PERFECT = re.compile(r"\bhad\s+(?:\w+\s+)?$")


def _fails_now(text: str, found: Found, year: int | None, reference_year: int | None) -> bool:
    """The deal's failure is told in the present or as this news: no earlier year dates it,
    and the clause's failure verb is not in the past perfect ("had walked away")."""
    if year is not None and reference_year is not None and year < reference_year:
        return False
    start, end = clause_bounds(text, found.start)
    failure = FAILED.search(text, start, end)
    if failure is None:
        return False
    return not _PAST_PERFECT.search(text[max(start, failure.start() - 20) : failure.start()])


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
    restated = (
        any(not _said_it_had(text, match) for match in BACKGROUND.finditer(text))
        or _RESTATED.search(text[: found.start])
        # "Amazon, which invested $8 billion in Anthropic, is ...": the relative clause's
        # own past-tense deal
        or (_WHICH_OPEN.search(text[: found.start]) and _PAST_VERB.match(text, found.start))
        or (
            _APPOSED_OPEN.search(text[max(0, found.start - 80) : found.start])
            and _PARTICIPLE_BY.match(text, found.start)
        )
    )
    return year, old or bool(restated)


# Reported speech: "SoftBank said on Wednesday it had agreed to acquire ...", "Anthropic
# said that it had raised ...": the "had" follows the saying verb's tense, it does not
# date the deal before the news.
_SAID_IT = re.compile(
    r"\b(?:said|told|announced|confirmed|disclosed|revealed|stated)\b"
    r"(?:\s+(?:on\s+\w+day|today|yesterday|this\s+week|in\s+a\s+(?:statement|filing)))?"
    r"(?:\s+that)?\s+(?:it|they|the\s+(?:\w+\s+)?(?:company|firm|startup|group)|"
    r"(?-i:[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2}))\s+$",
    re.IGNORECASE,
)


def _said_it_had(text: str, match: re.Match[str]) -> bool:
    return match.group().lower().startswith("had") and bool(
        _SAID_IT.search(text[max(0, match.start() - 60) : match.start()])
    )


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


# A past time written with a deal: "In June, Meta announced ...", "announced last month",
# "earlier this year", "weeks earlier", "a year ago".
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_PAST_TIME = re.compile(
    r"\b(?:earlier\s+this\s+(?:year|month)|last\s+(?:week|month|year|spring|summer|autumn|fall|"
    r"winter|quarter)|(?:weeks|months|years)\s+(?:ago|earlier|before)|a\s+(?:month|year)\s+ago|"
    r"previously(?!\s+(?:announced|disclosed|agreed|unveiled|reported)\b)|prior\s+to\s+this|in\s+the\s+past|"
    r"(?:over|during|in)\s+the\s+(?:summer|spring|autumn|fall|winter))\b",
    re.IGNORECASE,
)
_MONTH_NAMED = re.compile(
    r"\b(?i:in|last|since|by|earlier\s+in|back\s+in|from)\s+(?i:early\s+|mid-?|late\s+)?(?P<month>"
    + "|".join(m.capitalize() for m in _MONTHS)
    + r")\b(?!\s+\d{1,2}\b)"
)
# The news item's own time: "on Monday", "this week", "today".
_NEWS_TIME = re.compile(
    r"\b(?:today|tonight|yesterday|this\s+(?:week|morning|afternoon|evening)|"
    r"on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_LEAD_AFTER = 2  # sentences after the first news deal that still belong to the lead
# Still under way when the article was written: talks, plans, reports, "is integrating".
_ONGOING_STATUS = frozenset({"in_talks", "planned", "reported"})
_ONGOING = re.compile(r"\b(?:is|are)\s+(?:\w+ly\s+)?\w+ing\b|\bwill\b", re.IGNORECASE)


def mark_context(
    deals: Sequence[DealMention], read: Sequence[ReadSentence], published: datetime | None
) -> list[DealMention]:
    """Deals restated as context, told from the news item by where and when they stand.

    The news is what the lead reports: the first deal not restated, and the two sentences
    after it. A later deal is news too when it shares two parties with a lead deal (the
    same story told on: "Under the deal, ...") or carries the news item's own time ("on
    Monday") or is still under way (talks, plans, reports, "is integrating"); otherwise it
    is context: an earlier deal of one of the companies, a rival's
    deal, a list of deals. A deal whose sentence dates it before the article's month ("In
    June, ...", "last month") is context wherever it stands.
    """
    text_of = {s.index: s.text for s in read}
    marked = [
        _as_context(d)
        if not d.background and _dated_before(text_of[d.sentence_index], published)
        else d
        for d in deals
    ]
    news = [d for d in marked if not d.background]
    if not news:
        return [_money_in(deal) for deal in marked]
    lead_end = news[0].sentence_index + _LEAD_AFTER
    lead = [{p.name for p in d.parties} for d in news if d.sentence_index <= lead_end]
    result = []
    for deal in marked:
        if not deal.background and deal.sentence_index > lead_end:
            names = {p.name for p in deal.parties}
            told_on = any(len(names & parties) >= min(2, len(names)) for parties in lead)
            if not told_on and not _still_news(deal, text_of[deal.sentence_index]):
                deal = _as_context(deal)
        result.append(deal)
    return [_money_in(deal) for deal in result]


def _money_in(deal: DealMention) -> DealMention:
    """An investment told as context has been made: "backed by heavy investments from
    Microsoft", "its outsized funding in OpenAI", "talks reportedly followed a round in which
    Wiz raised $1 billion" (the report is the news's; a failure, talks or a plan stay)."""
    if not deal.background or deal.type != "investment":
        return deal
    if deal.status == "announced" or (
        deal.status == "reported" and not _ATTRIBUTED_FIRST.match(deal.sentence)
    ):
        return replace(deal, status="completed")
    return deal


# A sentence that opens on its source sources all it tells: "According to a 2023 report from
# Bloomberg, Microsoft's investment in OpenAI was valued at around $13 billion"
_ATTRIBUTED_FIRST = re.compile(r"\W*(?:according\s+to|as\s+reported\s+by|citing)\b", re.I)


def _still_news(deal: DealMention, text: str) -> bool:
    """A later deal that is the news item's own time, or still under way."""
    if _NEWS_TIME.search(text) or deal.status in _ONGOING_STATUS:
        return True
    return bool(_ONGOING.search(text))


def _as_context(deal: DealMention) -> DealMention:
    """Restated as context; its status stays as the sentence tells it (an agreement told
    again is still "announced" in most outlets' words), unless the sentence tells it as
    done and past ("OpenAI earlier signed a content deal with the AP")."""
    if deal.status == "announced" and TOLD_AS_DONE.search(deal.sentence):
        return replace(deal, background=True, status="completed")
    return replace(deal, background=True)


_FUTURE = re.compile(
    r"\b(?:will|would|due\s+to|expected\s+to|set\s+to|plans?\s+to|planning\s+to|scheduled)\b",
    re.IGNORECASE,
)


# Times that date something else than the sentence's deal: a relative clause about one of
# the companies ("Intel, which brought in the government as an investor last month,"), a
# valuation's date ("from its $9 billion valuation in November"), another deal named as
# last year's ("together with last year's agreement with Constellation")
_OTHER_TIME = re.compile(
    r",\s*(?:which|who)\b[^,;]*|\bvaluation\s+(?:in|of|from)\s+\w+(?:\s+\d{4})?|"
    r"\blast\s+(?:week|month|year)['’]s\s+\w+",
    re.IGNORECASE,
)


def _dated_before(text: str, published: datetime | None) -> bool:
    text = _OTHER_TIME.sub(" ", text)
    if _PAST_TIME.search(text):
        return True
    month = _MONTH_NAMED.search(text)
    if month is None or published is None:
        return False
    if month.group().lower().startswith("earlier"):
        return True  # "Earlier in July, ..." in a July article: earlier this month
    number = _MONTHS.index(month.group("month").lower()) + 1
    if number > published.month and _FUTURE.search(text):
        return False  # "Google is due to invest $750 million in September": still to come
    return number != published.month
