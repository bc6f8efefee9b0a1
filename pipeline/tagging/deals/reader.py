from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pipeline.records import Amount, DealMention, Mention, Party
from pipeline.tagging.deals.amounts import (
    deal_key,
    deal_stakes,
    follow_up_sum,
    found_amount,
    match_name,
    own_sums,
    valuation_of,
    with_headline_sum,
    with_named_back_sums,
)
from pipeline.tagging.deals.background import (
    mark_context,
    recounts_history,
    status_and_time,
    year_of_article,
)
from pipeline.tagging.deals.records import PARTY_KINDS, ROLES, Candidate, Found, ReadSentence
from pipeline.tagging.deals.sides import SUBJECT_ANAPHOR, other_orgs, read_sides, unique
from pipeline.tagging.deals.triggers import (
    AS_PART_OF_TIE,
    CONDITIONAL,
    REFERENCE,
    clause_triggers,
    gated_types,
    is_reference,
    is_usable,
    split_clauses,
)
from pipeline.tagging.deals.vocabulary import FAILED, IN_TALKS, REPORTED, RULES_BY_TYPE, Rule
from pipeline.tagging.money import find_amounts, find_stakes
from pipeline.tagging.sentences import Sentence

_DEAL_ANAPHOR = re.compile(
    r"^\W*(?:this|that|the|these)\s+(?:new\s+|proposed\s+|planned\s+|planned\s+|latest\s+|"
    r"\$?[\d.,]+[\w-]*\s+|[a-z-]+\s+){0,2}?(?P<noun>initiative|venture|joint venture|project|"
    r"programme|program|deal|agreement|arrangement|contract|pact|transaction|partnership|"
    r"alliance|collaboration|tie-up|investment|round|funding|financing|raise|acquisition|"
    r"takeover|purchase|merger|buyout|license|licence|licensing deal)s?\b",
    re.IGNORECASE,
)

_PARTICIPATED = re.compile(
    r"\b(?:also\s+)?(?:participated|took part|joined the (?:round|financing|raise|deal)|"
    r"(?:take|taking)\s+part\s+in\s+the\s+(?:round|financing|raise)|"
    r"chipped in|co-invested|(?:are|were|is|was)\s+(?:also\s+)?among\s+the\s+(?:[\w-]+\s+)?"
    r"(?:backers|investors|participants))\b|"
    r"\bparticipation (?:from|of|by)\b|\b(?:other\s+)?(?:investors|backers|participants)\s+"
    r"(?:in the (?:round|financing|raise)\s+)?(?:include|included|including|were|are)\b|"
    r"\b(?:round|financing|raise|investment)\s*,?\s+(?:(?:which\s+)?(?:was|is)\s+)?(?:co-)?led\s+by\b|"
    r"\b(?:co-)?(?:led|leads|leading|head(?:s|ed|ing)|spearhead(?:s|ed|ing)?)\s+the\s+"
    r"(?:(?:new|latest|funding|financing|investment)\s+){0,2}(?:round|financing|raise|investment)\b|"
    # "xAI's funding round includes a number of notable investors, among them ..."
    r"\b(?:round|raise|financing|funding)\b[^.;]{0,40}?\b(?:includes?|included|including|drew|"
    r"attracted|features?)\s+(?:[\w-]+\s+){0,4}?(?:investors|backers|names)\b|"
    # "the organisations that put cash into the round, listing ...", "the round drew X"
    r"\b(?:put|puts|putting|poured|pumped|invested|injected)\s+(?:[\w-]+\s+){0,2}?(?:into|in)\s+"
    r"the\s+(?:round|raise|financing|funding)\b|"
    r"\b(?:round|raise|financing|funding)\s+(?:drew|attracted|featured|included|includes|"
    r"also\s+included|brought\s+in)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_REACH = 4  # sentences after a round within which its investors may be named
# A round first told with its sum alone ("X raised $3.5 billion") and its lead named further
# on ("Y led the round"): the lead and the sum are one deal within this many sentences.
_ROUND_REACH = 6

_ANAPHOR_TYPES: dict[str, frozenset[str]] = {
    "initiative": frozenset({"joint_venture"}),
    "venture": frozenset({"joint_venture"}),
    "joint venture": frozenset({"joint_venture"}),
    "project": frozenset({"joint_venture"}),
    "programme": frozenset({"joint_venture"}),
    "program": frozenset({"joint_venture"}),
    "investment": frozenset({"investment"}),
    "round": frozenset({"investment"}),
    "funding": frozenset({"investment"}),
    "financing": frozenset({"investment"}),
    "raise": frozenset({"investment"}),
    "acquisition": frozenset({"acquisition"}),
    "takeover": frozenset({"acquisition"}),
    "purchase": frozenset({"acquisition", "contract"}),
    "merger": frozenset({"acquisition"}),
    "buyout": frozenset({"acquisition"}),
    "license": frozenset({"licensing"}),
    "licence": frozenset({"licensing"}),
    "licensing deal": frozenset({"licensing"}),
    "partnership": frozenset({"partnership", "joint_venture", "licensing"}),
    "alliance": frozenset({"partnership", "joint_venture"}),
    "collaboration": frozenset({"partnership", "joint_venture"}),
    "tie-up": frozenset({"partnership", "joint_venture"}),
}

# a page's links to other stories: "[Related: ...]", "Read more: ...", "See also: ..."
_LINK_OUT = re.compile(
    r"\W*(?:related(?:\s+(?:story|stories|articles?|coverage|reading))?|read\s+more|read\s+also|"
    r"also\s+read|see\s+also|more\s+on\s+this|recommended)\s*[:|]",
    re.IGNORECASE,
)
_DENIED = re.compile(
    r"\b(?:is|was|are|were|isn[’']t|wasn[’']t|aren[’']t|weren[’']t)\s+not\s+in\s+(?:talks|"
    r"discussions|negotiations)\b|\b(?:isn[’']t|wasn[’']t|aren[’']t|weren[’']t)\s+in\s+"
    r"(?:talks|discussions|negotiations)\b|\b(?:has|have|had)\s+no\s+(?:plans?|intention)\s+"
    r"to\b|\bden(?:ied|ies|y|ying)\b[^.;]{0,40}?\b(?:reports?|talks|rumou?rs?|speculation)\b",
    re.IGNORECASE,
)
# "X and Y will invest $5 billion and $10 billion respectively": two deals, not one round
_RESPECTIVELY = re.compile(r"\brespectively\b|\bthe (?:former|latter)\b", re.IGNORECASE)
_NAMED = re.compile(
    r"\b(?:called|named|dubbed|known as)\s+(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})"
)


def find_deals(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    published: datetime | None = None,
    parents: Mapping[str, str] | None = None,
) -> list[DealMention]:
    """The deals `text` reports, one per deal, with the first sentence that states it.

    `sentences` are the splitter's sentences (index, start, end, text); `mentions` the
    matcher's, offsets into `text`. `parents` maps a product to its org (Azure -> Microsoft)
    so "its Azure platform" counts as Microsoft; without it products are not parties.
    `published` dates the article, to tell old deals restated as background from news.
    """
    read = _read_sentences(text, sentences, mentions, parents or {})
    paragraph_of = {s.index: s.paragraph for s in read}
    reference_year = year_of_article(text, published)
    deals: list[DealMention] = []
    for position, sentence in enumerate(read):
        previous = read[max(0, position - 2) : position]
        history = recounts_history(sentence, deals, paragraph_of)
        deals = _after_sentence(deals, sentence, previous, history, reference_year)
    if read:
        named = [c.name for c in read[0].candidates if not c.publisher]
        deals = with_headline_sum(deals, read[0].text, named)
    merged = _without_takeover_ties(_merge(mark_context(deals, read, published)))
    return _without_denied(merged, read)


def _without_takeover_ties(deals: list[DealMention]) -> list[DealMention]:
    """Two companies one of which buys the other have no partnership of their own in the
    article: "the deal with Adept", "as Meta and Manus work together" and "the companies
    signed a termination agreement" are the takeover told again."""
    bought = [
        frozenset(p.name for p in deal.parties) for deal in deals if deal.type == "acquisition"
    ]
    return [
        deal
        for deal in deals
        if deal.type != "partnership" or frozenset(p.name for p in deal.parties) not in bought
    ]


# A party denies the report: "xAI is not raising capital", "Musk denied a report that ..."
_DENIAL = re.compile(
    r"\b(?:is|was|are|were|has|have)\s+not\s+(?:been\s+)?(?:raising|in\s+(?:talks|discussions|"
    r"negotiations)|seeking|selling|buying|negotiating|looking\s+to)\b|"
    r"\bden(?:ied|ies|y|ying)\s+(?:a|the|that|any|reports?|media\s+reports?)\b|"
    r"\bno\s+(?:plans?|intention|conversations?|talks)\s+(?:to|with|about|in\s+this)\b",
    re.IGNORECASE,
)
_UNCONFIRMED = frozenset({"reported", "in_talks", "planned"})


def _without_denied(deals: list[DealMention], read: Sequence[ReadSentence]) -> list[DealMention]:
    """A reported deal that one of its parties denies in the article is no deal (the
    article is about the denial); a deal done or announced stays. A denial with a sum
    ("denied rumours that xAI was raising $10 billion") denies the deal of that sum only;
    one that names money raised ("is not raising capital") denies rounds only."""
    if not deals:
        return deals
    denials = [_Denial.of(sentence) for sentence in read if _DENIAL.search(sentence.text)]
    return [deal for deal in deals if not any(denial.denies(deal) for denial in denials)]


_RAISING = re.compile(r"\b(?:rais\w+|capital|funding|investors?|fundrais\w+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Denial:
    """A sentence that denies: the orgs it names, its sums, and whether it names money
    raised."""

    named: frozenset[str]
    sums: tuple[float, ...]
    raising: bool

    @classmethod
    def of(cls, sentence: ReadSentence) -> _Denial:
        return cls(
            frozenset(c.name for c in sentence.candidates if not c.publisher),
            tuple(a.usd for a in find_amounts(sentence.text)),
            bool(_RAISING.search(sentence.text)),
        )

    def denies(self, deal: DealMention) -> bool:
        if deal.status not in _UNCONFIRMED or not self.named & {p.name for p in deal.parties}:
            return False
        if self.sums:
            return deal.amount is not None and any(
                abs(deal.amount.usd - usd) <= 0.1 * usd for usd in self.sums
            )
        return deal.type == "investment" or not self.raising


def _after_sentence(
    deals: list[DealMention],
    sentence: ReadSentence,
    previous: Sequence[ReadSentence],
    history: bool,
    reference_year: int | None,
) -> list[DealMention]:
    """The article's deals once `sentence` is read: new deals added, or the deal it
    follows up on ("This initiative aims to invest up to $500 billion") completed."""
    new = [
        deal
        for found in _sentence_deals(sentence, previous)
        for deal in _build(found, sentence, history, reference_year)
    ]
    joined = None
    joining = _participants(deals, sentence, previous)
    # "Late last year, X raised another $115 million from investors including ...": a round
    # of its own, not a follow-up
    if joining and not _own_round(new, joining[1], deals[joining[0]]):
        position, joined = joining  # "Microsoft, Coatue and Thrive also participated."
        deals = [*deals[:position], joined, *deals[position + 1 :]]
    if joined:  # the sentence's own deals, less what joining the round already told
        new = [d for d in new if not (_within(d, joined) and _amounts_agree(d, joined))]
    target = _referenced_deal(deals, sentence, previous)
    if target and all(_within(deal, target[1]) for deal in new):
        position, deal = target
        deals = [*deals[:position], _enriched(deal, sentence), *deals[position + 1 :]]
        new = []
    named = [c.name for c in sentence.candidates if not c.publisher]
    return with_named_back_sums(deals + new, sentence.index, sentence.text, named)


def _own_round(new: Sequence[DealMention], joined: DealMention, last: DealMention) -> bool:
    """The sentence states a round of its own: the investors it would add to the last round
    have an investment with a sum of its own ("raised another $115 million from investors
    including ..."), not one of them an earlier deal in a relative clause."""
    if joined.amount is None:
        return False
    added = {p.name for p in joined.parties} - {p.name for p in last.parties}
    return any(
        deal.type == "investment"
        and deal.amount
        and abs(deal.amount.usd - joined.amount.usd) > 0.02 * joined.amount.usd
        and added <= {p.name for p in deal.parties}
        for deal in new
    )


def _read_sentences(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    parents: Mapping[str, str],
) -> list[ReadSentence]:
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence_index, []).append(mention)
    read: list[ReadSentence] = []
    seen: Counter[str] = Counter()
    paragraph, previous_end = 0, None
    for sentence in sentences:
        if previous_end is not None and "\n" in text[previous_end : sentence.start]:
            paragraph += 1  # the splitter never crosses a line break, so a break is a paragraph
        previous_end = sentence.end
        own = sorted(by_sentence.get(sentence.index, []), key=lambda m: m.start)
        candidates = tuple(c for m in own if (c := _candidate(m, sentence.start, parents)))
        projects = tuple(m.entity for m in own if m.kind == "project")
        seen.update(c.name for c in candidates if not c.publisher)
        topic = tuple(name for name, _ in seen.most_common(3))
        masked = _masked(sentence.text, candidates)
        read.append(
            ReadSentence(
                sentence.index, sentence.text, paragraph, candidates, projects, topic, masked
            )
        )
    return read


def _masked(text: str, candidates: Sequence[Candidate]) -> str:
    for candidate in candidates:
        length = candidate.end - candidate.start
        text = text[: candidate.start] + "Q" + "q" * (length - 1) + text[candidate.end :]
    return text


# A government takes stakes and signs deals ("the U.S. government agreed to take a 10%
# stake in Intel"); a regulator, court or department reviews them and is never a party.
_REGULATOR = re.compile(
    r"commission|department|authority|agency|bureau|regulator|justice|court|ministry|office|"
    r"competition|securities|council|parliament|congress|senate",
    re.IGNORECASE,
)


def _candidate(mention: Mention, offset: int, parents: Mapping[str, str]) -> Candidate | None:
    """Orgs stay as mentioned (AWS stays AWS); a product stands for its parent org."""
    if mention.kind not in PARTY_KINDS or (
        mention.kind == "government" and _REGULATOR.search(mention.entity)
    ):
        return None
    name = parents.get(mention.entity) if mention.kind == "product" else mention.entity
    if not name:
        return None
    publisher = mention.kind == "publisher"
    return Candidate(name, mention.start - offset, mention.end - offset, publisher)


def _sentence_deals(sentence: ReadSentence, previous: Sequence[ReadSentence]) -> list[Found]:
    # a question asks whether a deal might happen; it reports none ("..., had signed a cloud
    # deal with Google, a CIO asked me: should we do the same?" asks only after the colon)
    asked_from = _question_start(sentence.text)
    if _DENIED.search(sentence.text):
        return []  # "xAI was not in talks with investors, Musk said": no deal, whatever follows
    if _LINK_OUT.match(sentence.text):
        return []  # "[Related: 9 AMD Acquisitions ...]": a link to another story, not this one's
    if not sentence.candidates and not SUBJECT_ANAPHOR.search(sentence.text):
        return []  # no org and nothing pointing back to one: no party, no deal
    found: list[Found] = []
    for start, end in split_clauses(sentence.text):
        if CONDITIONAL.match(sentence.text[start:end]) or end > asked_from:
            continue
        found.extend(_clause_deals(sentence, start, end, previous))
    return found + _ties_told_with(found, sentence.text)


# "Nvidia put $2 billion into Synopsys as part of a broadened multi-year tie-up": the money
# and the tie are two deals of the same two companies
_AS_PART_OF_TIE = re.compile(rf",?\s+(?P<tie>{AS_PART_OF_TIE})", re.IGNORECASE)
_TIE_RULE = Rule(type="partnership", shape="sym", pattern=_AS_PART_OF_TIE)


def _ties_told_with(found: Sequence[Found], text: str) -> list[Found]:
    ties = []
    for deal in found:
        match = _AS_PART_OF_TIE.match(text, deal.clause[1])
        if (
            match
            and deal.type in ("investment", "contract", "licensing")
            and deal.a
            and deal.b
            and not any(
                other.type == "partnership" and other.start >= match.start() for other in found
            )
        ):
            tie = match.start("tie")
            ties.append(
                replace(
                    deal,
                    rule=_TIE_RULE,
                    type="partnership",
                    start=tie,
                    end=match.end(),
                    clause=(tie, match.end()),
                )
            )
    return ties


def _question_start(text: str) -> int:
    """Where a sentence's question begins: nowhere (its length) unless it ends with "?";
    then after its last colon or opening quote, else at its start."""
    if not text.rstrip().rstrip("”\"’'").endswith("?"):
        return len(text) + 1
    opening = max(text.rfind(": "), text.rfind("“"), text.rfind(' "'))
    return opening + 1 if opening > 0 else 0


def _clause_deals(
    sentence: ReadSentence, start: int, end: int, previous: Sequence[ReadSentence]
) -> list[Found]:
    """The clause's main deal, plus any deal of another type that brings in a new org
    ("cleared Microsoft's takeover of Activision after it agreed to sell cloud streaming
    rights to Ubisoft")."""
    # Each deal type's triggers in this clause, in reading order, found once; a type whose
    # words do not occur in the clause is not searched at all (most clauses have none).
    gated = gated_types(sentence.masked[start:end].lower())
    by_type = [
        clause_triggers(rules, sentence.masked, start, end) if rules[0].type in gated else []
        for rules in RULES_BY_TYPE
    ]
    main = _clause_deal(sentence, (start, end), previous, by_type)
    if main is None:
        return []
    if main.type == "investment":
        main = _with_round_lead(main, sentence, (start, end), previous, by_type)
    gapped = _gapped(main, sentence, end)
    if gapped:  # "Nvidia will invest up to $10 billion and Microsoft up to $5 billion"
        main = replace(main, b=tuple(n for n in main.b if n != gapped.a[0]) or gapped.b)
        gapped = replace(gapped, b=main.b)
    found = [main, gapped] if gapped else [main]
    followed = _followed_by(main, sentence, end)
    if followed:  # "Amazon poured $4 billion into it, followed by another $2 billion from Google"
        found = [replace(main, a=tuple(n for n in main.a if n != followed.a[0])), followed]
    for triggers in by_type:
        if triggers and triggers[0][0].type == main.rule.type:
            # "competes with Microsoft-backed OpenAI, said it had raised $270 million": the
            # epithet is context; the clause's own deal of that type still counts, and the
            # reverse ("OpenAI, backed by Microsoft, is raising $100bn": the backer too)
            triggers = [(r, m) for r, m in triggers if r.context != main.rule.context]
            if not triggers:
                continue
        elif not triggers:
            continue
        deal = _clause_deal(sentence, (start, end), previous, [triggers])
        if deal and _distinct(deal, found, sentence.text):
            found.append(deal)
    return found + _more_epithets(main, sentence, (start, end), previous, by_type, found)


def _more_epithets(
    main: Found,
    sentence: ReadSentence,
    span: tuple[int, int],
    previous: Sequence[ReadSentence],
    by_type: Sequence[Sequence[tuple[Rule, re.Match[str]]]],
    found: Sequence[Found],
) -> list[Found]:
    """ "startups such as Microsoft-backed Inflection and Google-backed Runway": each tie
    told as an epithet after the first is a deal of its own."""
    if not main.rule.context:
        return []
    more: list[Found] = []
    for triggers in by_type:
        for rule, match in triggers:
            if rule is not main.rule or match.start() <= main.end:
                continue
            deal = _clause_deal(sentence, span, previous, [[(rule, match)]])
            if deal and _distinct(deal, [*found, *more], sentence.text):
                more.append(deal)
    return more


# "... $10 billion and Microsoft up to $5 billion": an org and a sum after "and", the verb
# left out; the org and the qualifier before the sum
_GAPPED_SUM = re.compile(
    r"\s+(?:(?:up to|about|around|roughly|nearly|more than|over|some|as much as|another)\s+)?"
    r"(?:US\$|\$|€|£)\s?\d"
)
_GAPPED_AND = re.compile(r"\s+and\s+$")


def _gapped(main: Found, sentence: ReadSentence, end: int) -> Found | None:
    """A second party doing the main deal with its own sum, the verb left out."""
    if main.rule.shape != "give" or main.rule.noun or len(main.a) != 1:
        return None
    text = sentence.text
    for candidate in sentence.candidates:
        if candidate.start < main.end or candidate.end > end:
            continue
        before = text[max(main.end, candidate.start - 30) : candidate.start]
        if not (_GAPPED_AND.search(before) and re.search(r"\d", text[main.end : candidate.start])):
            continue
        if not _GAPPED_SUM.match(text, candidate.end) or candidate.name == main.a[0]:
            continue
        later = [
            c.name
            for c in sentence.candidates
            if c.start > candidate.end
            and c.end <= end
            and c.name not in (main.a[0], candidate.name)
        ]
        recipients = tuple(n for n in main.b if n != candidate.name) or tuple(later[:1])
        if not recipients:
            return None
        # the trigger stands just after the org, so the sum nearest it is its own
        at = candidate.end
        return replace(main, start=at, end=at, a=(candidate.name,), b=recipients)
    return None


# "..., followed by another $2 billion from Google": a second investor and its own sum
_FOLLOWED_BY = re.compile(
    r",?\s+(?:followed|trailed|joined)\s+by\s+(?:another|a\s+further|an\s+additional|a)?\s*"
    r"(?P<sum>(?:US\$|\$|€|£)\s?\d[\d.,]*)[^,;]{0,30}?\s+from\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _followed_by(main: Found, sentence: ReadSentence, end: int) -> Found | None:
    """A second investor told after the first deal with its own sum, the verb left out."""
    if main.rule.shape != "give" or main.rule.noun or not main.b:
        return None
    text = sentence.text
    for candidate in sentence.candidates:
        if candidate.start < main.end or candidate.end > end:
            continue
        cue = _FOLLOWED_BY.search(text, main.end, candidate.start)
        if cue is None or candidate.name in main.b:
            continue
        if all(n == candidate.name for n in main.a):
            continue  # the first investor must stay
        at = cue.start("sum")  # the sum nearest this point is the second investor's own
        return replace(main, start=at, end=at, a=(candidate.name,))
    return None


def _with_round_lead(
    main: Found,
    sentence: ReadSentence,
    span: tuple[int, int],
    previous: Sequence[ReadSentence],
    by_type: Sequence[Sequence[tuple[Rule, re.Match[str]]]],
) -> Found:
    """ "X invested in Y as part of a $125 million round that was led by Z": the round's
    lead is an investor of the same deal."""
    for triggers in by_type:
        for rule, match in triggers:
            if rule.type != "investment" or match.start() < main.end:
                continue
            if not is_usable(rule, sentence.text, match, span[0], True):
                continue
            other = read_sides(rule, sentence, match, span, previous, False)
            if other is None or set(other.b) != set(main.b):
                continue
            added = tuple(name for name in other.a if name not in main.a + main.b)
            if added:
                return replace(main, a=main.a + added)
    return main


def _distinct(deal: Found, found: Sequence[Found], text: str) -> bool:
    """A second deal in a clause must bring a new org, or its own sum ("invest $5 billion
    in Anthropic, which has committed to buy $30 billion of Azure capacity")."""
    seen = {name for f in found for name in (*f.a, *f.b)}
    if set(deal.a + deal.b) - seen:
        return True
    if deal.rule.noun and REFERENCE.search(text[max(deal.clause[0], deal.start - 40) : deal.start]):
        return False  # "the total value of its contracts with ...": the same parties again
    amount = found_amount(deal, text)
    # a tie told as context never takes the clause's sum (see _build)
    return amount is not None and all(
        f.rule.context or (other := found_amount(f, text)) is None or other.text != amount.text
        for f in found
    )


def _clause_deal(
    sentence: ReadSentence,
    span: tuple[int, int],
    previous: Sequence[ReadSentence],
    groups: Sequence[Sequence[tuple[Rule, re.Match[str]]]],
) -> Found | None:
    """The clause's deal: the first trigger that yields its parties, by type priority and
    then in reading order."""
    amounts = find_amounts(sentence.text[span[0] : span[1]]) if any(groups) else []
    has_money = any(amount.kind == "deal" for amount in amounts)
    # a sum a customer commits to spend is a contract's money ("spend $30 billion on Azure")
    has_spend = has_money or any(amount.kind == "spending" for amount in amounts)
    valued = has_money or any(amount.kind == "valuation" for amount in amounts)
    # Explicit triggers first; a reference ("its investment in X was valued at $13bn") only
    # when the clause has nothing better.
    for references in (False, True):
        for triggers in groups:
            for rule, match in triggers:
                if is_reference(rule, sentence.text, match, span[0]) != references:
                    continue
                money = has_spend if rule.type == "contract" else has_money
                if not is_usable(rule, sentence.text, match, span[0], money):
                    continue
                found = read_sides(rule, sentence, match, span, previous, valued)
                if found:
                    return found
    return None


def _build(
    found: Found, sentence: ReadSentence, history: bool, reference_year: int | None
) -> list[DealMention]:
    """One DealMention per counterparty pair (one for a joint venture, whatever its size)."""
    status, year, background = status_and_time(found, sentence, history, reference_year)
    if found.rule.context:
        status, background = "completed", True
    amounts = find_amounts(sentence.text)
    template = DealMention(
        type=found.type,
        parties=(),
        status=status,
        sentence=sentence.text,
        sentence_index=sentence.index,
        # an epithet ("Microsoft-backed OpenAI") states a tie, never the clause's sum
        amount=None if found.rule.context else found_amount(found, sentence.text),
        background=background,
        year=year,
        name=_name(sentence, found),
        valuation_usd=valuation_of(amounts),
    )
    respectively = _RESPECTIVELY.search(sentence.text) is not None
    sets = _party_sets(found, respectively)
    consortium = len(found.b) == 1 and found.type in ("acquisition", "investment")
    own: dict[str, Amount] = {}
    if len(sets) > 1 and not consortium and not _EACH.search(sentence.text):
        # one sum told for deals with several companies ("$1.4 trillion in commitments,
        # including agreements with Nvidia, AMD and Broadcom") is none of them's own, unless
        # it stands by one of them ("$2 billion in xAI and $500 million in Mistral"); a
        # consortium's purchase or stake is each buyer's deal at the whole price
        template = replace(template, amount=None)
        if not found.rule.context:
            own = own_sums(sentence.text, [(c.name, c.start) for c in sentence.candidates])
    respective = _respective_sums(amounts, sets) if respectively else []
    built = []
    for position, parties in enumerate(sets):
        deal = replace(template, parties=parties)
        mine = [own[party.name] for party in parties if party.name in own]
        if len(mine) == 1:
            deal = replace(deal, amount=mine[0])
        elif respective:
            deal = replace(deal, amount=respective[position])
        deal = replace(deal, stakes=deal_stakes(sentence.text, deal, found))
        built.append(replace(deal, deal_key=deal_key(deal)))
    return built


_EACH = re.compile(r"\b(?:each|apiece|respectively)\b", re.IGNORECASE)


def _respective_sums(amounts: Sequence[Amount], sets: Sequence[tuple[Party, ...]]) -> list[Amount]:
    """ "Microsoft and Nvidia will invest up to $5 billion and $10 billion respectively": the
    sentence's deal sums in the order the deals' parties are named, when there is one for
    each."""
    sums = [amount for amount in amounts if amount.kind == "deal"]
    return sums if len(sets) > 1 and len(sums) == len(sets) else []


def _party_sets(found: Found, respectively: bool = False) -> list[tuple[Party, ...]]:
    role_a, role_b = ("partner", "partner") if found.rule.shape == "sym" else ROLES[found.type]
    if found.type == "joint_venture" or not found.a or not found.b:
        names = unique([*found.a, *found.b])
        role = role_a if found.rule.shape == "sym" else role_b
        return [tuple(Party(name, role) for name in names)]
    if found.type == "investment" and len(found.b) == 1 and len(found.a) > 1 and not respectively:
        # one round, several investors: one deal, not one per investor with the round's sum
        investors = [Party(a, role_a) for a in found.a if a != found.b[0]]
        return [(*investors, Party(found.b[0], role_b))]
    return [(Party(a, role_a), Party(b, role_b)) for a in found.a for b in found.b if a != b]


def _name(sentence: ReadSentence, found: Found) -> str | None:
    if sentence.projects:
        return sentence.projects[0]
    if found.type == "joint_venture":
        named = _NAMED.search(sentence.text)
        return named.group("name") if named else None
    return None


def _within(new: DealMention, known: DealMention) -> bool:
    return {p.name for p in new.parties} <= {p.name for p in known.parties}


def _participants(
    deals: Sequence[DealMention], sentence: ReadSentence, previous: Sequence[ReadSentence]
) -> tuple[int, DealMention] | None:
    """The round just reported (its position), with the investors a follow-up sentence
    names: the last round that is news, else the last deal ("X is raising $2 billion, months
    after its funding from Amazon. Y is leading the round": Y leads the new round)."""
    if not deals or not _PARTICIPATED.search(sentence.text):
        return None
    position = len(deals) - 1
    named = {c.name for c in sentence.candidates}
    owned = [  # "... also took part in Hugging Face's latest round": the round of the one named
        i
        for i, deal in enumerate(deals)
        if deal.type == "investment"
        and any(p.role == "target" and p.name in named for p in deal.parties)
    ]
    if owned and (deals[-1].background or deals[-1].type != "investment"):
        position = owned[-1]
    elif deals[-1].background:
        last_news = [
            i
            for i, deal in enumerate(deals)
            if not deal.background and deal.sentence_index == deals[-1].sentence_index
        ]
        position = last_news[-1] if last_news else position
    last = deals[position]
    recent = 0 < sentence.index - last.sentence_index <= _FOLLOW_UP_REACH
    targets = [p.name for p in last.parties if p.role == "target"]
    if last.type != "investment" or not recent or not targets:
        return None
    names = other_orgs(sentence, [p.name for p in last.parties])
    if not names:
        return None
    investors = [p for p in last.parties if p.role != "target"]
    investors += [Party(name, "investor") for name in names]
    joined = replace(last, parties=(*investors, *(p for p in last.parties if p.role == "target")))
    return position, replace(joined, deal_key=deal_key(joined))


def _enriched(deal: DealMention, sentence: ReadSentence) -> DealMention:
    """The deal with the amount, valuation, stakes or failure a follow-up sentence adds."""
    amounts = find_amounts(sentence.text)
    kinds = {"deal", "spending"} if deal.type == "joint_venture" else {"deal"}
    amount = deal.amount or follow_up_sum(sentence.text, amounts, kinds)
    valuation = deal.valuation_usd or valuation_of(amounts)
    names = [party.name for party in deal.parties]
    stakes = deal.stakes + tuple(
        (name, fraction)
        for holder, fraction in find_stakes(sentence.text)
        if holder and (name := match_name(holder, names))
    )
    updated = replace(
        deal,
        amount=amount,
        valuation_usd=valuation,
        stakes=stakes,
        status=_followed_up_status(deal, sentence.text),
    )
    return replace(updated, deal_key=deal_key(updated))


def _followed_up_status(deal: DealMention, text: str) -> str:
    """A follow-up sentence may tell how far the deal has gone or who told it: "The deal
    later collapsed", "This deal, laid out in a recent report by The Information, ...".
    A deal its parties announced stays announced ("The deal, reportedly valued at ...")."""
    if FAILED.search(text):
        return "failed"
    if deal.status != "announced" or _ANNOUNCED_BY_PARTIES.search(deal.sentence):
        return deal.status
    if IN_TALKS.search(text):
        return "in_talks"
    return "reported" if REPORTED.search(text) else deal.status


_ANNOUNCED_BY_PARTIES = re.compile(
    r"\b(?:announc\w*|confirm\w*|unveil\w*|statement|press release|disclosed)\b", re.IGNORECASE
)


def _referenced_deal(
    deals: list[DealMention], sentence: ReadSentence, previous: Sequence[ReadSentence]
) -> tuple[int, DealMention] | None:
    named = [i for i, deal in enumerate(deals) if deal.name and deal.name in sentence.projects]
    if named:
        return named[0], deals[named[0]]
    match = _DEAL_ANAPHOR.match(sentence.text)
    if not match or not deals:
        return None
    allowed = _ANAPHOR_TYPES.get(match.group("noun").lower())
    same_paragraph = any(
        p.index == deals[-1].sentence_index and p.paragraph == sentence.paragraph for p in previous
    )
    last = deals[-1]
    if not same_paragraph or (allowed is not None and last.type not in allowed):
        return None
    return len(deals) - 1, last


def _merge(deals: list[DealMention]) -> list[DealMention]:
    """One record per deal in an article: restatements fold into the first mention."""
    merged: list[DealMention] = []
    for deal in deals:
        for position, kept in enumerate(merged):
            if _headline_of(kept, deal):
                merged[position] = _fold(_as_told_in_body(kept, deal), deal)
                break
            if _same_deal(kept, deal):
                merged[position] = _fold(kept, deal)
                break
            if _same_round(kept, deal):
                merged[position] = _fold(_with_parties(kept, deal), deal)
                break
        else:
            merged.append(deal)
    return merged


def _is_headline(deal: DealMention) -> bool:
    """The article's first line, written as a headline: no full stop at its end."""
    return deal.sentence_index == 0 and not _SENTENCE_END.search(deal.sentence)


_SENTENCE_END = re.compile(r"[.!?]['’\"”)]*\s*$")


def _headline_of(kept: DealMention, new: DealMention) -> bool:
    """A headline's deal told again in the body: the same parties and sum. A headline's
    "deal" names no type ("Oracle and Meta weigh $20 billion AI cloud deal"); the body's
    sentence does ("... on a cloud computing agreement valued at about $20 billion")."""
    if not _is_headline(kept) or new.background or kept.amount is None or new.amount is None:
        return False
    if {p.name for p in kept.parties} != {p.name for p in new.parties}:
        return False
    generic = kept.type == "partnership" and new.type != "partnership"
    return (generic or kept.type == new.type) and _amounts_agree(kept, new)


def _as_told_in_body(headline: DealMention, body: DealMention) -> DealMention:
    """The headline's deal with the body's type, sides and status: a headline is terse
    ("Microsoft to buy Nuance for $16 billion - report"), its first body sentence says
    what the deal is and how far it has gone ("is in the last stages of negotiations")."""
    return replace(headline, type=body.type, parties=body.parties, status=body.status)


def _same_deal(kept: DealMention, new: DealMention) -> bool:
    if kept.name and kept.name == new.name:
        return True
    if kept.type != new.type or {p.name for p in kept.parties} != {p.name for p in new.parties}:
        return False
    if kept.background != new.background or (kept.year and new.year and kept.year != new.year):
        return False
    if (kept.status == "failed") != (new.status == "failed"):
        return False  # the deal on the table now and the one called off before
    return _amounts_agree(kept, new)


def _amounts_agree(kept: DealMention, new: DealMention) -> bool:
    """Missing on one side, or within a tenth of each other ("$6.6 billion" and "$6.5bn")."""
    if kept.amount is None or new.amount is None:
        return True
    high = max(kept.amount.usd, new.amount.usd)
    return abs(kept.amount.usd - new.amount.usd) <= 0.1 * high


def _same_round(kept: DealMention, new: DealMention) -> bool:
    """A round told in two nearby sentences: "Anthropic raised $3.5 billion." and
    "Lightspeed led the round": one deal, the investors of both, the sum of either."""
    if kept.type != "investment" or new.type != "investment":
        return False
    if kept.background != new.background and len(kept.parties) > 1:
        return False  # a round told with its sum alone is the same round its lead is named in
    reach = _ROUND_REACH if len(kept.parties) == 1 else 2
    if abs(kept.sentence_index - new.sentence_index) > reach:
        return False
    target = {p.name for p in kept.parties if p.role == "target"}
    if target != {p.name for p in new.parties if p.role == "target"} or len(target) != 1:
        return False
    if min(len(kept.parties), len(new.parties)) > 1:
        return False  # two named investors of one company are two deals unless told as one
    return _amounts_agree(kept, new)


def _with_parties(kept: DealMention, new: DealMention) -> DealMention:
    """The investors of both, then the target."""
    names = {p.name for p in kept.parties}
    investors = [p for p in kept.parties if p.role != "target"]
    investors += [p for p in new.parties if p.role != "target" and p.name not in names]
    return replace(kept, parties=(*investors, *(p for p in kept.parties if p.role == "target")))


def _fold(kept: DealMention, new: DealMention) -> DealMention:
    folded = replace(
        kept,
        amount=kept.amount or new.amount,
        valuation_usd=kept.valuation_usd or new.valuation_usd,
        year=kept.year or new.year,
        stakes=kept.stakes or new.stakes,
        status=_folded_status(kept, new),
    )
    return replace(folded, deal_key=deal_key(folded))


def _folded_status(kept: DealMention, new: DealMention) -> str:
    """An earlier deal told again: "announced" is what a sentence with no cue of status
    says, a restatement told as done says more ("Microsoft has invested $13 billion in
    OpenAI"). The news item keeps the status its first sentence gives it."""
    if kept.background and (kept.status, new.status) == ("announced", "completed"):
        return "completed"
    return kept.status
