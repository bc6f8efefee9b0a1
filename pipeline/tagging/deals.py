"""Deals an article reports: what kind, between whom, for how much, how certain, how old.

Rules, not a model: a deal is a trigger word ("invested", "joint venture", "in talks with")
plus the organisations the sentence attaches to it. Parties come only from the matcher's
mentions (orgs as mentioned, products as their parent org); people, publishers, places,
regulators and projects are never parties. See docs/deals.md for the rules and their limits.

The unit is the clause: a sentence is cut at ";", ": " and ", while", then each clause is
read around its strongest trigger. Two things cross sentence boundaries: a subject written
as "the company" / "it" takes the previous sentence's first org, and a sentence opening
with "This initiative" / "The deal" adds its amount, stake or valuation to the deal just
found instead of starting a new one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from pipeline.records import Amount, DealMention, Mention, Party
from pipeline.tagging.money import find_amounts, find_stakes
from pipeline.tagging.sentences import Sentence

# The roles of the two sides of each deal type: (the side that pays / buys / grants /
# supplies, the side that receives). Symmetric types have partners on both sides.
ROLES: dict[str, tuple[str, str]] = {
    "investment": ("investor", "target"),
    "acquisition": ("acquirer", "target"),
    "licensing": ("licensor", "licensee"),
    "contract": ("supplier", "customer"),
    "partnership": ("partner", "partner"),
    "joint_venture": ("partner", "partner"),
}
_SYMMETRIC = frozenset({"partnership", "joint_venture"})
_PARTY_KINDS = frozenset({"org", "product"})


@dataclass(frozen=True, slots=True)
class _Rule:
    """One trigger: its deal type and how the clause's subject relates to it.

    shape: "give" (subject pays/buys/grants: "invested", "acquired"), "get" (subject
    receives: "raised", "was acquired by"), "neutral" (a noun; the prepositions decide:
    "investment in X" / "investment from X"), "sym" (partners).
    """

    type: str
    shape: str
    pattern: re.Pattern[str]
    noun: bool = False  # a noun may be a mere reference ("the partnership") - see _is_event
    single: bool = False  # a deal with one named party is allowed (a funding round)
    money: bool = False  # only a trigger when the clause has a deal amount ("backed ... $1bn")


def _rule(type_: str, shape: str, pattern: str, **flags: bool) -> _Rule:
    return _Rule(type_, shape, re.compile(pattern, re.IGNORECASE), **flags)


_GOODS = (
    r"(?:chips?|GPUs?|processors?|servers?|capacity|compute|computing power|power|electricity|"
    r"accelerators?|systems|cloud services|hardware|semiconductors|infrastructure)"
)
# In priority order: the first type whose trigger yields parties wins the clause.
_RULES: tuple[_Rule, ...] = (
    _rule("joint_venture", "sym", r"\bjoint[\s-]ventures?\b|(?-i:\bJVs?\b)|\bjoint (?:company|entity)\b", noun=True),
    _rule("acquisition", "get", r"\b(?:(?:was|were|is|are|been|be|being)\s+)(?:acquired|bought|purchased|taken over|snapped up)\s+by\b"),
    _rule("acquisition", "get", r"\b(?:sold|sells|sell|selling)\s+(?:itself|the company|the business|the startup|its \w+ (?:business|unit|division))\s+to\b"),
    _rule("acquisition", "give", r"\b(?:acquir(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|tak(?:e|es|ing) over|took over|snap(?:s|ped)? up)\b(?!\s+(?:back|shares))"),
    _rule("acquisition", "neutral", r"\b(?:acquisitions?|takeovers?|buyouts?)\b", noun=True),
    _rule("acquisition", "sym", r"\bmerg(?:e|es|ed|ing|er)\b(?:\s+(?:with|of|between)\b)?", noun=True),
    _rule("investment", "give", r"\b(?:co-?)?invest(?:s|ed|ing)?\b"),
    _rule("investment", "give", r"(?<!at )\bstakes?\b(?!holder)", noun=True),
    _rule("investment", "give", r"\bl(?:ed|eads|eading)\s+(?:a|an|the)?\s*(?:[\w$.,-]+\s+){0,4}?(?:round|investment|raise|financing)\b"),
    _rule("investment", "give", r"(?<![-\w])back(?:s|ed|ing)\b(?!\s+(?:by|down|off|up|out|away)\b)", money=True),
    _rule("investment", "get", r"\brais(?:e|es|ed|ing)\b(?!\s+(?:its|their|the) stake)(?=[^.;]{0,80}?(?:[$€£¥₹]|\d|\bfunding\b|\bround\b|\bcapital\b|\bmoney\b|\bfinancing\b|\bcash\b))", single=True),
    _rule("investment", "get", r"\b(?:funding|financing|investment|capital|equity|venture|seed|series [a-h]|pre-ipo|growth|fundraising)\s+rounds?\b|\bround of (?:funding|financing|investment)\b|\bseries [a-h]\b|\bfund-?rais(?:e|ing)\b", noun=True, single=True),
    _rule("investment", "get", r"\bbacked by\b", money=True),
    _rule("investment", "neutral", r"\binvestments?\b", noun=True),
    _rule("licensing", "get", r"\b(?:(?:exclusive|usage|licensing|distribution|commercial|IP|intellectual property)\s+)?rights\s+to\s+(?:use|integrate|distribute|sell|resell|deploy|access|license|commerciali[sz]e|stream|train\s+on)\b|\b(?:exclusive|usage|licensing|distribution|commercial|IP|intellectual property)\s+rights\b"),
    _rule("licensing", "neutral", r"\blicen[cs](?:e|es|ed|ing|or|ee)\b|\bcontent (?:deal|agreement|partnership)s?\b", noun=True),
    _rule("contract", "give", r"\b(?:won|wins|awarded|landed|secured|bagged|clinched)\b[^.;]{0,40}?\b(?:contract|order|tender)\b"),
    _rule("contract", "give", rf"\b(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?)\b(?=[^.;]{{0,50}}?\b{_GOODS}\b[^.;]{{0,40}}?\bto\b)"),
    _rule("contract", "get", rf"\b(?:buy(?:s|ing)?|bought|purchas\w+|order(?:s|ed)?|procur\w+|rent(?:s|ed|ing)?|leas(?:e|es|ed|ing))\b(?=[^.;]{{0,60}}?\b{_GOODS}\b[^.;]{{0,30}}?\bfrom\b)"),
    _rule("contract", "neutral", r"\bcontracts?\b|\b(?:supply|cloud|compute|computing|capacity|hosting|procurement|purchase|offtake|power[- ]purchase|services|infrastructure|chip|GPU|server|lease|leasing|customer)\s+(?:deal|agreement|contract|pact|order|commitment|arrangement)s?\b", noun=True),
    _rule("partnership", "sym", r"\bpartner(?:s|ed|ing)?\s+(?:with|on)\b|\bpartnerships?\b|\bcollaborat(?:e|es|ed|ing|ions?)\b|\balliances?\b|\bteam(?:s|ed|ing)?\s+up\b|\bjoin(?:s|ed|ing)?\s+forces\b|\btie-?ups?\b|\bmemorandum of understanding\b|(?-i:\bMoU\b)", noun=True),
    _rule("partnership", "sym", r"\b(?:integrat|incorporat|add|host|bring|embed)\w*\s+(?:[\w’'.-]+\s+){0,4}?(?:models?|technolog(?:y|ies)|chatbots?|assistants?)\b"),
    _rule("partnership", "sym", r"\bwork(?:s|ed|ing)?\s+(?:closely\s+|together\s+)?with\b(?=[^.;]{0,80}?\bto\s+(?:build|develop|create|bring|integrate|deploy|offer|co-develop|design|train))"),
    # Last: a deal / talks "with" someone, typed by its context (compute -> contract).
    _rule("generic", "neutral", r"\b(?:deals?|agreements?|pacts?|arrangements?|talks|negotiations|discussions|term sheet)\s+with\b|\bdeals?\b|\bagreements?\b|\bpacts?\b", noun=True),
)  # fmt: skip

# Compute and supply words that make a generic "deal with" a contract rather than a partnership.
_SUPPLY_CONTEXT = re.compile(
    r"hyperscaler|cloud (?:provider|capacity|services?|computing)|\bcompute\b|computing power|"
    r"\bcapacity\b|\bGPUs?\b|\bchips?\b|\bservers?\b|data cent|\binfrastructure\b|\bsuppl|"
    r"\bprocure|\bpurchase|\bofftake\b|\blease\b|\bhosting\b|\btraining\b|\bto train\b",
    re.IGNORECASE,
)

# ---- status -------------------------------------------------------------------------------

_FAILED = re.compile(
    r"\bcall(?:s|ed|ing)?\s+off\b|\babandon\w*|\bblock(?:s|ed|ing)?\b|\bscrap(?:s|ped|ping)?\b|"
    r"\bcollaps\w+|\bterminat\w+|\bf[ae]ll(?:s|en)?\s+(?:through|apart)\b|\bwalk(?:s|ed)?\s+away\b|"
    r"\bpull(?:s|ed)?\s+out\b|\bcancel+(?:s|ed|ing)?\b|\bwithdr[ae]w\w*|\bbroke\s+(?:off|down)\b|"
    r"\bend(?:s|ed)?\s+(?:talks|negotiations|(?:its|their|the)\s+(?:deal|partnership|agreement))\b|"
    r"\bunwound\b|\bkilled\b|\bdropped\s+(?:its|the|their)\s+(?:bid|offer|plan)",
    re.IGNORECASE,
)
_IN_TALKS = re.compile(
    r"\bin\s+(?:advanced\s+|early\s+|preliminary\s+|exclusive\s+|final\s+)?"
    r"(?:talks|discussions|negotiations)\b|\bnegotiat(?:ing|es)\b|\bexplor(?:ing|es)\b|"
    r"\bconsider(?:ing|s)\b|\bweigh(?:ing|s)\b|\bmull(?:ing|s)\b|\b(?:held|holding|hold)\s+talks\b|"
    r"\bnearing\s+(?:a\s+)?(?:deal|agreement)\b|\bclose to (?:a |an )?(?:deal|agreement)\b|"
    r"\bdiscuss(?:ing|es)\b|\beye(?:s|ing)\b|\bcourting\b|\bpotential\s+(?:deal|acquisition|"
    r"investment|partnership)\b|\bpossible\s+(?:deal|acquisition|investment|partnership)\b",
    re.IGNORECASE,
)
_REPORTED = re.compile(
    r"\breportedly\b|\baccording to\b|\bpeople (?:familiar|close|briefed|with knowledge)\b|"
    r"\bperson (?:familiar|close|briefed)\b|\bsources?\b[^.;]{0,20}?\b(?:said|say|says|told|"
    r"familiar|close|cited)\b|\b(?:reports?|filings?|documents?)\s+(?:indicate|suggest|said|say|"
    r"show|from)\b|\b(?:is|are|was|were)\s+said\s+to\b|\breported\b|\brumou?r\w*|(?-i:\bper\s+[A-Z])|"
    r"\bciting\b|\bunnamed\b|\banonymous\b|\bleaked\b|\bcited by\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\b(?:plans?|planning|planned|aims?|aiming|intends?|intending|set|poised|looks?|looking|"
    r"seeks?|seeking|hopes?|hoping|prepares?|preparing|wants?|expected|expects?|will|would|"
    r"proposed|proposes?|proposing|pledged|pledges?|committed|commits?)\b(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
_PAST_TRIGGER = re.compile(
    r"(?:invested|acquired|bought|purchased|took over|snapped up|raised|led|took|backed|merged|"
    r"licensed|gained|obtained|sold)\b",
    re.IGNORECASE,
)
_DONE = re.compile(
    r"\b(?:completed|closed|finali[sz]ed|concluded|wrapped up|gained|obtained|has invested|"
    r"have invested|had invested)\b",
    re.IGNORECASE,
)
_AGREED = re.compile(r"\b(?:agreed|agrees|signed|announced|will)\b", re.IGNORECASE)

# ---- background ---------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\d$€£.,])\b(19[89]\d|20[0-4]\d)\b(?!\s?(?:%|[-–]\d))")
_NOT_DEAL_YEAR = re.compile(
    r"^\W*(?:report|study|survey|post|article|interview|filing|analysis|paper|blog|index|press)",
    re.IGNORECASE,
)
_FUTURE_YEAR = re.compile(r"\b(?:by|until|through|till|in|before)\s+(?:early\s+|late\s+|mid-?)?$")
_BACKGROUND = re.compile(
    r"\bback in\b|\boriginally\b|\binitially\b|\bfirst invested\b|\byears? ago\b|\blast year\b|"
    r"\bsince (?:its|their|the) (?:\d{4}\s+)?(?:initial\s+|original\s+|first\s+)?"
    r"(?:investment|acquisition|deal|partnership)\b|\bpreviously\b|\bin the past\b|"
    r"\bhistorically\b|\bdecade ago\b|\bhad (?:invested|acquired|bought|agreed|signed)\b|"
    r"\bsince (?:19|20)\d\d\b",
    re.IGNORECASE,
)
_RECENT = re.compile(
    r"\b(?:this (?:week|month|year|morning)|today|yesterday|on (?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)|recently|new|newly|latest|now)\b",
    re.IGNORECASE,
)

# ---- clause shape -------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+|,\s+(?:while|whereas|but)\s+|\s+while\s+(?=[A-Z])|\.\s+(?=[A-Z])",
)
_CONDITIONAL = re.compile(r"^\W*(?:if|unless|should|whether)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|no|never|n[’']t|denied|denies|deny|without|nor|rejected|declined to)\b"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
# Words before an org that make it not a party: it is compared with, relied on, or a source.
_EXCLUDED_BEFORE = re.compile(
    r"\b(?:beyond|other than|rather than|instead of|away from|reliance on|dependence on|"
    r"dependency on|reliant on|dependent on|rivals?|rivaling|rivalling|competitors?|"
    r"compet\w+ (?:with|against)|unlike|versus|vs\.?|against|than|compared (?:to|with)|"
    r"outpacing|according to|per|cited by|reported by|told|data from|reports? (?:from|by)|"
    r"analysts? (?:at|from)|estimated by|research (?:from|by)|survey by|study by|"
    r"confirmed by|verified by|corroborated by|founded by|owned by|spun (?:out|off) (?:of|from)|"
    r"former|formerly|ex-|led by former|such as)\s+(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(
    r"^\s*(?:,|and|&|or|as well as|plus|\(|\)|/|,\s*and|\)\s*,?\s*(?:and)?)?\s*$"
)
_CUE = re.compile(
    r"\b(?P<cue>led by|participation from|along with|together with|joined by|such as|as well as|"
    r"in|into|of|from|by|with|to|for|including|includ(?:es|ed)|like|alongside|joining|between|"
    r"involving|and|at|among|namely|backers?|investors?)\s+"
    r"(?:(?!(?:which|who|whose|that|while|but|to|as)\b)[^\s,;]+\s+){0,4}$",
    re.IGNORECASE,
)
_GAP_BREAK = re.compile(
    r"[;—–]|\s-\s|,\s*(?:which|who|whose|where|when|while|a|an|the|its|based|backed|founded|"
    r"owned|now|once|formerly|after|before|as|since|although|though)\b|"
    r"\b(?:which|who|whose|while|although|because|after|before|since|whereas|but)\b",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(
    r"^\s*(?:which|who|whose|a|an|the|its|based|backed|founded|owned|run|led|created|"
    r"spun|now|once|formerly|along)\b",
    re.IGNORECASE,
)
# Roles written as prepositions before an object org: "A" = investor/acquirer/licensor/
# supplier side, "B" = target/licensee/customer side, "same" = the subject's side.
_CUE_SIDES: dict[str, dict[str, str]] = {
    "investment": {"in": "B", "into": "B", "of": "B", "from": "A", "by": "A", "led by": "A",
                   "including": "A", "includes": "A", "included": "A", "participation from": "A",
                   "backers": "A", "backer": "A", "investors": "A", "investor": "A",
                   "alongside": "same", "along with": "same", "together with": "same",
                   "joined by": "same", "joining": "same"},
    "acquisition": {"of": "B", "in": "B", "by": "A", "to": "A", "from": "B"},
    "licensing": {"to": "B", "from": "A", "of": "A"},
    "contract": {"to": "B", "for": "B", "from": "A"},
}  # fmt: skip
_SUBJECT_ANAPHOR = re.compile(
    r"\b(?:it|its|it[’']s|they|their|the\s+(?:[\w-]+\s+)?(?:company|startup|firm|group|lab|"
    r"giant|maker|developer|business|chipmaker|platform|unicorn|conglomerate|outfit|operator|"
    r"provider|organi[sz]ation|bank|fund|investor))\b",
    re.IGNORECASE,
)
_OBJECT_ANAPHOR = re.compile(
    r"^\W*(?:[^\s,;]+\s+){0,6}?(?:in|into|of|with|to|from)\s+(?:the|this|that)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:company|startup|firm|organi[sz]ation|lab|laboratory|developer|"
    r"maker|group|business|outfit|unicorn|chatbot maker)\b",
    re.IGNORECASE,
)
# A noun trigger after one of these is a reference to a deal already known ("the
# partnership", "its investment"), not news of one - unless an event verb or a deal amount
# comes with it.
_REFERENCE = re.compile(
    r"(?:\b(?:the|this|that|these|those|such|its|their|his|her|our|whose|any|existing|"
    r"ongoing|long-standing|longstanding|current)|[’']s)\s+(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
_EVENT_BEFORE = re.compile(
    r"\b(?:announc\w+|sign(?:s|ed|ing)?|str(?:ike|ikes|uck|iking)|ink(?:s|ed)?|form(?:s|ed|ing)?|"
    r"forg(?:e|es|ed|ing)|enter(?:s|ed|ing)?|agree(?:s|d)?|unveil\w*|seal(?:s|ed)?|finali[sz]\w+|"
    r"complet\w+|clos(?:e|es|ed|ing)|expand\w*|extend\w*|renew\w*|deepen\w*|broaden\w*|"
    r"establish\w*|set up|creat\w+|reach(?:es|ed)?|clinch\w*|land(?:s|ed)?|won|wins?|secur\w+|"
    r"call(?:s|ed)? off|scrap\w*|end(?:s|ed)|terminat\w+|abandon\w*|block\w*|cancel\w*|"
    r"increas\w+|boost\w*|upp?(?:ed|s)|l(?:ed|eads?|eading)|approv\w+|clear(?:s|ed)|"
    r"restructur\w+|revis\w+|launch\w*|unveil\w*|begin|began|start(?:s|ed)?|kick(?:s|ed)? off)\b"
    r"(?:\W+\w+){0,5}\W*$",
    re.IGNORECASE,
)
_EVENT_AFTER = re.compile(
    r"^\W*(?:[\w’'-]+\s+){0,3}?(?:(?:was|were|is|are|has been|have been|had been|will be)\s+)?"
    r"(?:announced|signed|struck|inked|formed|sealed|finali[sz]ed|completed|closed|expanded|"
    r"extended|renewed|approved|cleared|blocked|called off|scrapped|terminated|abandoned|"
    r"collapsed|valued|values|led|unveiled|agreed)\b",
    re.IGNORECASE,
)
_DEAL_ANAPHOR = re.compile(
    r"^\W*(?:this|that|the|these)\s+(?:new\s+|proposed\s+|planned\s+|planned\s+|latest\s+|"
    r"\$?[\d.,]+[\w-]*\s+|[a-z-]+\s+){0,2}?(?P<noun>initiative|venture|joint venture|project|"
    r"programme|program|deal|agreement|arrangement|contract|pact|transaction|partnership|"
    r"alliance|collaboration|tie-up|investment|round|funding|financing|raise|acquisition|"
    r"takeover|purchase|merger|buyout|license|licence|licensing deal)s?\b",
    re.IGNORECASE,
)
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
_NAMED = re.compile(
    r"\b(?:called|named|dubbed|known as)\s+(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})"
)


# ---- records used while reading -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An org that could be a party, with offsets into its sentence's text."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Sentence:
    """A sentence as the deal reader needs it."""

    index: int
    text: str
    paragraph: int
    candidates: tuple[_Candidate, ...]
    projects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Found:
    """A trigger read into sides: `a` pays/buys/grants/supplies, `b` receives."""

    rule: _Rule
    type: str
    start: int  # trigger offsets in the sentence
    end: int
    a: tuple[str, ...]
    b: tuple[str, ...]


# ---- public API ---------------------------------------------------------------------------


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
    reference_year = _reference_year(text, published)
    deals: list[DealMention] = []
    for position, sentence in enumerate(read):
        previous = read[max(0, position - 2) : position]
        if _enrich_previous(deals, sentence, previous):
            continue
        history = _recounts_history(sentence, deals, read)
        for found in _sentence_deals(sentence, previous):
            deals.extend(_build(found, sentence, history, reference_year))
    return _merge(deals)


def deal_key(deal: DealMention) -> str:
    """A readable key grouping the same deal across articles: type|parties|amount band.

    Parties are canonical names sorted and joined by "+"; the band is the decade of the USD
    amount ("$1B-$10B"), or "undisclosed". E.g. "investment|Microsoft+OpenAI|$1B-$10B".
    """
    parties = "+".join(sorted({party.name for party in deal.parties}))
    return f"{deal.type}|{parties}|{amount_band(deal.amount)}"


def amount_band(amount: Amount | None) -> str:
    """The order-of-magnitude band of an amount in USD: "$100M-$1B", "<$10M", "$100B+"."""
    if amount is None or amount.usd <= 0:
        return "undisclosed"
    decade = math.floor(math.log10(amount.usd) + 1e-9)
    if decade < 7:
        return "<$10M"
    if decade >= 11:
        return "$100B+"
    return f"{_money_label(10**decade)}-{_money_label(10 ** (decade + 1))}"


def _money_label(value: float) -> str:
    for unit, scale in (("B", 1e9), ("M", 1e6)):
        if value >= scale:
            return f"${value / scale:g}{unit}"
    return f"${value:g}"


# ---- reading sentences --------------------------------------------------------------------


def _read_sentences(
    text: str,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    parents: Mapping[str, str],
) -> list[_Sentence]:
    by_sentence: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault(mention.sentence_index, []).append(mention)
    read: list[_Sentence] = []
    paragraph, previous_end = 0, None
    for sentence in sentences:
        if previous_end is not None and "\n" in text[previous_end : sentence.start]:
            paragraph += 1  # the splitter never crosses a line break, so a break is a paragraph
        previous_end = sentence.end
        own = sorted(by_sentence.get(sentence.index, []), key=lambda m: m.start)
        candidates = tuple(c for m in own if (c := _candidate(m, sentence.start, parents)))
        projects = tuple(m.entity for m in own if m.kind == "project")
        read.append(_Sentence(sentence.index, sentence.text, paragraph, candidates, projects))
    return read


def _candidate(mention: Mention, offset: int, parents: Mapping[str, str]) -> _Candidate | None:
    """Orgs stay as mentioned (AWS stays AWS); a product stands for its parent org."""
    if mention.kind not in _PARTY_KINDS:
        return None
    name = mention.entity if mention.kind == "org" else parents.get(mention.entity)
    if not name:
        return None
    return _Candidate(name, mention.start - offset, mention.end - offset)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    return [(start, end) for start, end in spans if end > start]


def _sentence_deals(sentence: _Sentence, previous: Sequence[_Sentence]) -> list[_Found]:
    if sentence.text.rstrip().endswith("?"):
        return []  # a question asks whether a deal might happen; it reports none
    found: list[_Found] = []
    for start, end in _clauses(sentence.text):
        if _CONDITIONAL.match(sentence.text[start:end]):
            continue
        deal = _clause_deal(sentence, start, end, previous)
        if deal:
            found.append(deal)
    return found


def _clause_deal(
    sentence: _Sentence, start: int, end: int, previous: Sequence[_Sentence]
) -> _Found | None:
    """The clause's deal: the first trigger, in priority order, that yields its parties."""
    clause = sentence.text[start:end]
    amounts = find_amounts(clause)
    has_money = any(amount.kind == "deal" for amount in amounts)
    for rule in _RULES:
        for match in rule.pattern.finditer(sentence.text, start, end):
            if not _usable(rule, sentence.text, match, start, has_money):
                continue
            found = _read_sides(rule, sentence, match, (start, end), previous)
            if found:
                return found
    return None


def _usable(rule: _Rule, text: str, match: re.Match[str], start: int, has_money: bool) -> bool:
    before = text[start : match.start()]
    if _NEGATION.search(before[-40:]):
        return False
    if rule.money and not has_money:
        return False
    if rule.noun and _REFERENCE.search(before[-40:]):
        return has_money or _is_event(text, match, start)
    return True


def _is_event(text: str, match: re.Match[str], start: int) -> bool:
    """A referenced deal is news only when something happens to it ("expanded its ...")."""
    before = text[max(start, match.start() - 60) : match.start()]
    return bool(_EVENT_BEFORE.search(before) or _EVENT_AFTER.match(text[match.end() :]))


# ---- sides and roles ----------------------------------------------------------------------


def _read_sides(
    rule: _Rule,
    sentence: _Sentence,
    match: re.Match[str],
    span: tuple[int, int],
    previous: Sequence[_Sentence],
) -> _Found | None:
    text = sentence.text
    in_clause = [c for c in sentence.candidates if span[0] <= c.start and c.end <= span[1]]
    subject = _subject(text, [c for c in in_clause if c.end <= match.start()], match.start())
    objects = _objects(text, [c for c in in_clause if c.start >= match.end()], match.end())
    if not subject and _SUBJECT_ANAPHOR.search(text[span[0] : match.start()]):
        subject = _previous_subject(sentence, previous)
    type_ = _type(rule, text, match)
    if type_ in _SYMMETRIC:
        return _symmetric(rule, type_, sentence, match, subject, objects, previous)
    return _asymmetric(rule, type_, sentence, match, subject, objects, previous)


def _type(rule: _Rule, text: str, match: re.Match[str]) -> str:
    if rule.type == "generic":
        return "contract" if _SUPPLY_CONTEXT.search(text) else "partnership"
    following = text[match.end() : match.end() + 40].lower()
    if (
        rule.type == "acquisition"
        and rule.shape != "sym"
        and re.search(r"\bstake|\bshares", following)
    ):
        control = re.search(r"majority|controlling|100\s?%|all of|full", following)
        return "acquisition" if control else "investment"
    return rule.type


def _subject(text: str, before: list[_Candidate], trigger: int) -> list[str]:
    """The org chain nearest before the trigger ("Microsoft and Nvidia invested ...")."""
    chosen: list[_Candidate] = []
    for candidate in reversed(before):
        if _excluded(text, candidate):
            continue
        if not chosen:
            if _in_parenthetical(text, candidate, trigger):
                continue
            chosen.append(candidate)
        elif _LIST_GAP.match(text[candidate.end : chosen[-1].start]) or _possessive_pair(
            text, candidate, chosen[-1]
        ):
            chosen.append(candidate)
        else:
            break
    return _unique(c.name for c in reversed(chosen))


def _possessive_pair(text: str, first: _Candidate, second: _Candidate) -> bool:
    """'Microsoft and OpenAI's partnership': the gap is ' and ' - handled by _LIST_GAP."""
    return text[first.end : second.start].strip() in {"-", "–", "/"}


def _in_parenthetical(text: str, candidate: _Candidate, trigger: int) -> bool:
    """'Microsoft, which owns GitHub, acquired ...': GitHub is not the subject."""
    opening = text.rfind(",", 0, candidate.start)
    if opening < 0 or "," not in text[candidate.end : trigger]:
        return False
    return bool(_PARENTHETICAL.match(text[opening + 1 : candidate.start]))


def _excluded(text: str, candidate: _Candidate) -> bool:
    return bool(_EXCLUDED_BEFORE.search(text[max(0, candidate.start - 40) : candidate.start]))


def _objects(text: str, after: list[_Candidate], trigger_end: int) -> list[tuple[str, str]]:
    """Orgs the trigger reaches, each with the preposition that ties it ("in", "from", "")."""
    objects: list[tuple[str, str]] = []
    anchor, last_cue, chained = trigger_end, "", False
    for candidate in after:
        gap = text[anchor : candidate.start]
        anchor = candidate.end
        if chained and _LIST_GAP.match(gap):
            cue: str | None = last_cue
        else:
            cue = _gap_cue(gap)
        if cue is None or _excluded(text, candidate):
            chained = False
            continue
        objects.append((candidate.name, cue))
        last_cue, chained = cue, True
    return objects


def _gap_cue(gap: str) -> str | None:
    """The preposition linking a trigger to an org, "" for a direct object, None if unlinked."""
    if _GAP_BREAK.search(gap) or len(gap.split()) > 10:
        return None
    match = _CUE.search(gap)
    if match:
        return match.group("cue").lower()
    return "" if len(gap.split()) <= 5 and "," not in gap else None


def _previous_subject(sentence: _Sentence, previous: Sequence[_Sentence]) -> list[str]:
    """'The company' / 'it': the first org of the nearest earlier sentence that has one."""
    for earlier in reversed(previous):
        if earlier.index < sentence.index - 2 or earlier.paragraph != sentence.paragraph:
            continue
        names = [c.name for c in earlier.candidates if not _excluded(earlier.text, c)]
        if names:
            return names[:1]
    return []


def _others(sentence: _Sentence, taken: Sequence[str]) -> list[str]:
    """Orgs of the sentence not yet placed, sources and compared-with orgs left out."""
    names = [c.name for c in sentence.candidates if not _excluded(sentence.text, c)]
    return [name for name in _unique(names) if name not in taken]


def _symmetric(
    rule: _Rule,
    type_: str,
    sentence: _Sentence,
    match: re.Match[str],
    subject: list[str],
    objects: list[tuple[str, str]],
    previous: Sequence[_Sentence],
) -> _Found | None:
    others = _unique(name for name, _ in objects if name not in subject)
    if type_ == "joint_venture" and others and not subject:
        # "the Stargate Project, a joint venture with Oracle and SoftBank, signified OpenAI's
        # intent": the founder is written elsewhere in the sentence or just before it.
        subject = _others(sentence, others)[:1] or _previous_subject(sentence, previous)
    if not subject and len(others) >= 2:
        subject, others = others[:1], others[1:]
    if not subject or not others:
        if len(subject) >= 2:
            return _Found(rule, type_, match.start(), match.end(), tuple(subject), ())
        return None
    return _Found(rule, type_, match.start(), match.end(), tuple(subject), tuple(others))


def _asymmetric(
    rule: _Rule,
    type_: str,
    sentence: _Sentence,
    match: re.Match[str],
    subject: list[str],
    objects: list[tuple[str, str]],
    previous: Sequence[_Sentence],
) -> _Found | None:
    subject_side = _subject_side(rule, type_, objects)
    sides: dict[str, list[str]] = {"A": [], "B": []}
    sides[subject_side].extend(subject)
    for name, cue in objects:
        side = _CUE_SIDES.get(type_, {}).get(cue, "")
        side = subject_side if side == "same" else side or _other_side(subject_side)
        if name not in sides["A"] + sides["B"]:
            sides[side].append(name)
    _fill_by_anaphora(sides, sentence, match, previous)
    if not sides["A"] and sides["B"] and rule.single:
        return _Found(rule, type_, match.start(), match.end(), (), tuple(sides["B"]))
    if not sides["A"] or not sides["B"]:
        return None
    return _Found(rule, type_, match.start(), match.end(), tuple(sides["A"]), tuple(sides["B"]))


def _subject_side(rule: _Rule, type_: str, objects: list[tuple[str, str]]) -> str:
    if rule.shape == "give":
        return "A"
    if rule.shape == "get":
        return "B"
    for _, cue in objects:  # a noun: "investment in X" -> subject pays; "from X" -> receives
        side = _CUE_SIDES.get(type_, {}).get(cue)
        if side in ("A", "B"):
            return _other_side(side)
    return "B" if type_ in ("licensing", "contract") else "A"


def _other_side(side: str) -> str:
    return "B" if side == "A" else "A"


def _fill_by_anaphora(
    sides: dict[str, list[str]],
    sentence: _Sentence,
    match: re.Match[str],
    previous: Sequence[_Sentence],
) -> None:
    """'invested $1 billion in the AI research organization': the org named elsewhere."""
    if sides["A"] and sides["B"]:
        return
    if not _OBJECT_ANAPHOR.match(sentence.text[match.end() :]):
        return
    taken = sides["A"] + sides["B"]
    names = _others(sentence, taken) or [
        n for n in _previous_subject(sentence, previous) if n not in taken
    ]
    if names:
        sides["B" if sides["A"] else "A"].append(names[0])


# ---- building deal records ----------------------------------------------------------------


def _build(
    found: _Found, sentence: _Sentence, history: bool, reference_year: int | None
) -> list[DealMention]:
    """One DealMention per counterparty pair (one for a joint venture, whatever its size)."""
    amounts = find_amounts(sentence.text)
    status = _status(sentence.text, found)
    year, background = _when(sentence, found, reference_year)
    if not background and status == "completed" and not _RECENT.search(sentence.text):
        background = history
    common = {
        "status": status,
        "sentence": sentence.text,
        "sentence_index": sentence.index,
        "amount": _deal_amount(amounts, found),
        "background": background,
        "year": year,
        "name": _name(sentence, found),
        "valuation_usd": _valuation(amounts),
    }
    built = []
    for parties in _party_sets(found):
        deal = DealMention(type=found.type, parties=parties, **common)  # type: ignore[arg-type]
        deal = replace(deal, stakes=_stakes(sentence.text, deal, found))
        built.append(replace(deal, deal_key=deal_key(deal)))
    return built


def _party_sets(found: _Found) -> list[tuple[Party, ...]]:
    role_a, role_b = ROLES[found.type]
    if found.type == "joint_venture" or not found.a or not found.b:
        names = _unique([*found.a, *found.b])
        role = role_a if found.type in _SYMMETRIC else role_b
        return [tuple(Party(name, role) for name in names)]
    return [(Party(a, role_a), Party(b, role_b)) for a in found.a for b in found.b if a != b]


def _deal_amount(amounts: list[Amount], found: _Found) -> Amount | None:
    """The deal-kind amount nearest the trigger (a joint venture may state its spending)."""
    kinds = {"deal", "spending"} if found.type == "joint_venture" else {"deal"}
    usable = [amount for amount in amounts if amount.kind in kinds]
    return usable[0] if usable else None


def _valuation(amounts: list[Amount]) -> float | None:
    values = [amount.usd for amount in amounts if amount.kind == "valuation"]
    return values[0] if values else None


def _stakes(text: str, deal: DealMention, found: _Found) -> tuple[tuple[str, float], ...]:
    """Stake percentages, each given to the party it names, else to the investing side."""
    names = [party.name for party in deal.parties]
    default = next(iter(found.a), None) if found.a and found.b else None
    stakes = []
    for holder, fraction in find_stakes(text):
        name = _match_name(holder, names) if holder else default
        if name:
            stakes.append((name, fraction))
    return tuple(stakes)


def _match_name(written: str, names: Sequence[str]) -> str | None:
    lowered = written.lower()
    for name in names:
        if lowered in name.lower() or name.lower() in lowered:
            return name
    return None


def _name(sentence: _Sentence, found: _Found) -> str | None:
    if sentence.projects:
        return sentence.projects[0]
    if found.type == "joint_venture":
        named = _NAMED.search(sentence.text)
        return named.group("name") if named else None
    return None


def _status(text: str, found: _Found) -> str:
    """failed > in_talks > reported > planned > completed > announced."""
    clause = _clause_of(text, found.start)
    trigger = text[found.start : found.end]
    before = text[max(0, found.start - 40) : found.start]
    if _FAILED.search(clause):
        return "failed"
    if _IN_TALKS.search(clause):
        return "in_talks"
    if _REPORTED.search(text):
        return "reported"
    if _PLANNED.search(before):
        return "planned"
    if (_PAST_TRIGGER.match(trigger) and not _AGREED.search(before[-25:])) or _DONE.search(clause):
        return "completed"
    return "announced"


def _clause_of(text: str, position: int) -> str:
    for start, end in _clauses(text):
        if start <= position < end:
            return text[start:end]
    return text


# ---- when ---------------------------------------------------------------------------------


def _reference_year(text: str, published: datetime | None) -> int | None:
    """The article's year: its publish date, else the latest year it mentions."""
    if published is not None:
        return published.year
    years = [int(match.group(1)) for match in _YEAR.finditer(text)]
    return max(years) if years else None


def _when(
    sentence: _Sentence, found: _Found, reference_year: int | None
) -> tuple[int | None, bool]:
    """The deal's stated year, and whether the sentence restates an old deal as context."""
    text = sentence.text
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
    return year, old or bool(_BACKGROUND.search(text))


def _in_other_relative_clause(text: str, position: int, trigger: int) -> bool:
    """'Microsoft, which invested in 2019, said on Monday it acquired X': 2019 is not the deal's."""
    opening = text.rfind(", which", 0, position)
    opening = max(opening, text.rfind(", who", 0, position))
    if opening < 0 or opening < trigger < position:
        return False
    closing = text.find(",", position)
    return trigger > (closing if closing >= 0 else len(text)) or trigger < opening


def _recounts_history(
    sentence: _Sentence, deals: Sequence[DealMention], read: Sequence[_Sentence]
) -> bool:
    """True when an earlier deal of this paragraph is background: a past-tense deal that
    follows it ("In return, Microsoft gained exclusive rights ...") is history too."""
    paragraph_of = {s.index: s.paragraph for s in read}
    return any(
        deal.background and paragraph_of.get(deal.sentence_index) == sentence.paragraph
        for deal in deals[-3:]
    )


# ---- across sentences ---------------------------------------------------------------------


def _enrich_previous(
    deals: list[DealMention], sentence: _Sentence, previous: Sequence[_Sentence]
) -> bool:
    """'This initiative aims to invest up to $500 billion ...': add to the deal just found.

    True when the sentence was about a recent deal (so it must not start a new one).
    """
    target = _referenced_deal(deals, sentence, previous)
    if target is None:
        return False
    position, deal = target
    amounts = find_amounts(sentence.text)
    kinds = {"deal", "spending"} if deal.type == "joint_venture" else {"deal"}
    amount = deal.amount or next((a for a in amounts if a.kind in kinds), None)
    valuation = deal.valuation_usd or _valuation(amounts)
    names = [party.name for party in deal.parties]
    stakes = deal.stakes + tuple(
        (name, fraction)
        for holder, fraction in find_stakes(sentence.text)
        if holder and (name := _match_name(holder, names))
    )
    status = "failed" if _FAILED.search(sentence.text) else deal.status
    updated = replace(deal, amount=amount, valuation_usd=valuation, stakes=stakes, status=status)
    deals[position] = replace(updated, deal_key=deal_key(updated))
    return True


def _referenced_deal(
    deals: list[DealMention], sentence: _Sentence, previous: Sequence[_Sentence]
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
            if _same_deal(kept, deal):
                merged[position] = _fold(kept, deal)
                break
        else:
            merged.append(deal)
    return merged


def _same_deal(kept: DealMention, new: DealMention) -> bool:
    if kept.name and kept.name == new.name:
        return True
    if kept.type != new.type or {p.name for p in kept.parties} != {p.name for p in new.parties}:
        return False
    if kept.background != new.background or (kept.year and new.year and kept.year != new.year):
        return False
    bands = {amount_band(kept.amount), amount_band(new.amount)} - {"undisclosed"}
    return len(bands) <= 1


def _fold(kept: DealMention, new: DealMention) -> DealMention:
    folded = replace(
        kept,
        amount=kept.amount or new.amount,
        valuation_usd=kept.valuation_usd or new.valuation_usd,
        year=kept.year or new.year,
        stakes=kept.stakes or new.stakes,
    )
    return replace(folded, deal_key=deal_key(folded))


def _unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen
