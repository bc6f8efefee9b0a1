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
_PARTY_KINDS = frozenset({"org", "product", "publisher"})


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


def _rule(type_: str, shape: str, *alternatives: str, **flags: bool) -> _Rule:
    """A trigger: any of `alternatives` (regexes, matched case-insensitively)."""
    return _Rule(type_, shape, re.compile("|".join(alternatives), re.IGNORECASE), **flags)


_GOODS = (
    r"(?:chips?|GPUs?|processors?|servers?|capacity|compute|computing power|power|electricity|"
    r"accelerators?|systems|cloud services|hardware|semiconductors|infrastructure)"
)
# "AI infrastructure startup": a goods word describing a company, not goods bought.
_NOT_A_FIRM = (
    r"(?!\s+(?:startup|company|firm|maker|provider|developer|specialist|business|group|operator|"
    r"designer|vendor))"
)
_RIGHTS_USE = (
    r"rights\s+to\s+(?:use|integrate|distribute|sell|resell|deploy|access|license|"
    r"commerciali[sz]e|stream|train\s+on)\b"
)
_RIGHTS_KIND = r"(?:exclusive|usage|licensing|distribution|commercial|IP|intellectual property)"
_BUY_VERB = (
    r"\b(?:buy(?:s|ing)?|bought|purchas\w+|order(?:s|ed)?|procur\w+|rent(?:s|ed|ing)?|"
    r"leas(?:e|es|ed|ing))\b"
)

# In priority order: the first type whose trigger yields parties wins the clause.
_RULES: tuple[_Rule, ...] = (
    # joint ventures: "a joint venture with", "a venture that will invest", "JV"
    _rule(
        "joint_venture", "sym",
        r"(?-i:\b(?:a|an|the|new)\s+(?:[a-z-]+\s+)?venture\b)"
        r"(?!\s+(?:capital|firm|fund|arm|debt|investor|partners?|backed|studio)\b)",
        noun=True,
    ),
    _rule(
        "joint_venture", "sym",
        r"\bjoint[\s-]ventures?\b", r"(?-i:\bJVs?\b)", r"\bjoint (?:company|entity)\b",
        noun=True,
    ),
    # acquisitions, passive and "sold to" first: their subject is the target
    _rule(
        "acquisition", "get",
        r"\b(?:was|were|is|are|been|be|being)\s+(?:(?:later|then|eventually|ultimately|"
        r"subsequently|also|since|recently)\s+)?(?:acquired|bought|purchased|taken over|"
        r"snapped up)\s+by\b",
    ),
    _rule(
        "acquisition", "get",
        r"\b(?:sold|sells|sell|selling)\s+(?:(?:most|all|some|part|parts|the bulk|a majority)"
        r"\s+of\s+)?(?:itself|the company|the business|the startup|its|their)\b"
        rf"(?![^;]{{0,30}}?\b{_GOODS}\b)(?:\s+[\w-]+){{0,3}}?\s+to\b",
    ),
    _rule(
        "acquisition", "give",
        r"\b(?:acquir(?:e|es|ed|ing)|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|"
        r"tak(?:e|es|ing) over|took over|snap(?:s|ped)? up)\b"
        r"(?!\s+(?:back|shares|agreements?|orders?|deals?|contracts?)\b)"
        rf"(?![^;]{{0,50}}?\b{_GOODS}\b{_NOT_A_FIRM})",  # buying chips is a contract
    ),
    _rule(
        "acquisition", "give",
        r"\bpa(?:id|ys|y|ying)\s+(?:about\s+|roughly\s+|nearly\s+|some\s+|more than\s+|"
        r"around\s+)?(?:US\$|[$€£¥₹])\s?[\d.,]+\s*(?:[a-zA-Z]+\s+)?(?:in\s+(?:cash|stock)\s+)?"
        r"for\b(?![^;]{0,40}?\b(?:stake|shares|rights|licen[cs]e)\b)",
    ),
    _rule(
        "acquisition", "neutral",
        r"\b(?:acquisitions?|takeovers?|buyouts?)\b(?!\s+(?:offer|bid|approach)\b)",
        r"\b(?:takeover|buyout|acquisition)\s+(?:offer|bid|approach)\b",
        r"(?:[$€£]\s?[\d.,]+\s*(?:billion|million|bn|m|b)?[\s-]+)(?:takeover\s+|buyout\s+|"
        r"cash\s+|all-stock\s+|all-cash\s+)?(?:offer|bid)\b",
        noun=True,
    ),
    _rule(
        "acquisition", "give",
        r"\b(?:tak(?:e|es|ing|en)|took|gain(?:s|ed|ing)?|acquir(?:e|es|ed|ing)|"
        r"seiz(?:e|es|ed|ing))\s+(?:full\s+|majority\s+)?control\s+(?:of|over)\b",
    ),
    _rule("acquisition", "sym", r"\bmerg(?:e|es|ed|ing)\b(?:\s+(?:with|into)\b)?"),
    _rule("acquisition", "sym", r"\bmergers?\b(?:\s+(?:with|of|between)\b)?", noun=True),
    # investments
    _rule("investment", "give", r"\b(?:co-?)?invest(?:s|ed|ing)?\b"),
    _rule(
        "investment", "give",
        r"(?<!at )(?<!\bsold )(?<!\bsells )(?<!\bselling )\bstakes?\b(?!holder)",
        noun=True,
    ),
    _rule(
        "investment", "give",
        r"\bl(?:ed|eads|eading)\s+(?:a|an|the)?\s*(?:[\w$.,’'-]+\s+){0,4}?"
        r"(?:round|investment|raise|financing)\b",
    ),
    _rule(
        "investment", "give",
        r"(?<![-\w])back(?:s|ed|ing)\b(?!\s+(?:by|down|off|up|out|away)\b)",
        money=True,
    ),
    _rule(
        "investment", "get",
        r"\brais(?:e|es|ed|ing)\b(?!\s+(?:its|their|the) stake)(?=[^;]{0,80}?(?:[$€£¥₹]|\d|"
        r"\bfunding\b|\bround\b|\bcapital\b|\bmoney\b|\bfinancing\b|\bcash\b))",
        single=True,
    ),
    _rule(
        "investment", "get",
        r"\b(?:funding|financing|investment|capital|equity|venture|seed|series [a-h]|pre-ipo|"
        r"growth|fundraising)\s+rounds?\b",
        r"\bround of (?:funding|financing|investment)\b",
        r"\bseries [a-h]\b",
        r"\bfund-?rais(?:e|ing)\b",
        noun=True,
        single=True,
    ),
    _rule("investment", "get", r"\bbacked by\b", money=True),
    _rule("investment", "neutral", r"\binvestments?\b", noun=True),
    # licensing
    _rule(
        "licensing", "get",
        rf"\b(?:{_RIGHTS_KIND}\s+)?{_RIGHTS_USE}", rf"\b{_RIGHTS_KIND}\s+rights\b",
    ),
    _rule(
        "licensing", "get",
        r"\b(?:buy|buys|bought|acquir(?:e|es|ed|ing)|gain(?:s|ed)?|secur(?:e|es|ed)|"
        r"obtain(?:s|ed)?|w[io]n|wins|land(?:s|ed)?)\s+(?:the\s+|its\s+|their\s+)?"
        rf"(?:[\w-]+\s+){{0,3}}?(?:{_RIGHTS_USE}|rights\b)",
    ),
    _rule(
        "licensing", "give",
        r"\b(?:sell|sells|sold|selling|grant(?:s|ed|ing)?|give|gives|gave)\s+"
        r"(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,3}?rights\b",
    ),
    _rule(
        "licensing", "neutral",
        r"\blicen[cs](?:e|es|ed|ing|or|ee)\b", r"\bcontent (?:deal|agreement|partnership)s?\b",
        noun=True,
    ),
    # contracts: supply, compute and services bought from a named supplier
    _rule(
        "contract", "give",
        r"\b(?:won|wins|awarded|landed|secured|bagged|clinched)\b[^;]{0,40}?"
        r"\b(?:contract|order|tender)\b",
    ),
    _rule(
        "contract", "give",
        r"\b(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|deliver(?:s|ed|ing)?)\b"
        rf"(?=[^;]{{0,60}}?\b{_GOODS}\b)",
    ),
    _rule(
        "contract", "get",
        rf"\bpa(?:y|ys|id|ying)\b(?=[^;]{{0,60}}?\bfor\b[^;]{{0,30}}?\b{_GOODS}\b)",
    ),
    _rule("contract", "get", rf"{_BUY_VERB}(?=[^;]{{0,60}}?\b{_GOODS}\b[^;]{{0,30}}?\bfrom\b)"),
    _rule("contract", "get", rf"{_BUY_VERB}[^;]{{0,50}}?\b{_GOODS}\b{_NOT_A_FIRM}"),
    _rule(
        "contract", "give",
        r"\bwith\s+(?:[\w.&’'-]+\s+){1,3}as\s+(?:its|their|an?|the)\s+(?:[\w-]+\s+){0,2}?"
        r"customers?\b",
    ),
    _rule(
        "contract", "neutral",
        r"\bcontracts?\b",
        r"\b(?:supply|cloud|compute|computing|capacity|hosting|procurement|purchase|offtake|"
        r"power[- ]purchase|services|infrastructure|chip|GPU|server|lease|leasing|customer)\s+"
        r"(?:deal|agreement|contract|pact|order|commitment|arrangement)s?\b",
        noun=True,
    ),
    # partnerships
    _rule(
        "partnership", "sym",
        r"\bpartner(?:s|ed|ing)?\s+(?:with|on)\b", r"\bpartnerships?\b",
        r"\bcollaborat(?:e|es|ed|ing|ions?)\b", r"\balliances?\b", r"\bteam(?:s|ed|ing)?\s+up\b",
        r"\bjoin(?:s|ed|ing)?\s+forces\b", r"\bletters? of intent\b",
        r"\bcooperat(?:e|es|ed|ing|ion)\s+(?:with|on|agreement)\b",
        r"\bwork(?:s|ed|ing)?\s+together\b",
        r"\btie-?ups?\b", r"\bmemorandum of understanding\b", r"(?-i:\bMoU\b)",
        noun=True,
    ),
    _rule(  # "integrating models from DeepSeek and xAI into its Azure platform"
        "partnership", "sym",
        r"\b(?:integrat|incorporat|add|host|bring|embed)\w*\s+(?:[\w’'.-]+\s+){0,4}?"
        r"(?:models?|technolog(?:y|ies)|chatbots?|assistants?)\b",
    ),
    _rule(
        "partnership", "sym",
        r"\b(?:with|alongside)\s+(?:(?:its|their|longtime|long-time|manufacturing|strategic|"
        r"technology|key)\s+)*partners?\b(?!\s+(?:with|on|in)\b)",
    ),
    _rule(
        "partnership", "sym",
        r"\bwork(?:s|ed|ing)?\s+(?:closely\s+|together\s+)?with\b(?=[^;]{0,80}?\b(?:on|to\s+"
        r"(?:build|develop|create|bring|integrate|deploy|offer|co-develop|design|train))\b)",
    ),
    # last: a deal / talks "with" someone, typed by its context (compute -> contract)
    _rule(
        "generic", "neutral",
        r"\b(?:sign(?:s|ed|ing)?|ink(?:s|ed)?|str(?:ike|ikes|uck)|seal(?:s|ed)?|"
        r"clinch(?:es|ed)?)\s+(?:a|an|the|its|their)?\s*(?:[\w$.,-]+\s+){0,5}?"
        r"(?:expansion|extension|accord)\s+with\b",
    ),
    _rule(
        "generic", "neutral",
        r"\b(?:deals?|agreements?|pacts?|arrangements?|talks|negotiations|discussions|"
        r"term sheet)\s+with\b",
        r"\bdeals?\b", r"\bagreements?\b", r"\bpacts?\b",
        noun=True,
    ),
)  # fmt: skip

# Word stems at least one of which every trigger of a type contains: a cheap gate before
# the type's regexes run. A new trigger needs its stem here, or it never fires.
_TYPE_STEMS: dict[str, tuple[str, ...]] = {
    "joint_venture": ("joint", "jv", "venture"),
    "acquisition": ("acqui", "buy", "bought", "purchas", "tak", "took", "snap", "merg", "sold",
                    "sell", "pa", "control", "offer", "bid", "approach"),
    "investment": ("invest", "co-invest", "coinvest", "stake", "led", "lead", "back", "rais",
                   "round", "series", "fund"),
    "licensing": ("right", "licen", "content"),
    "contract": ("contract", "suppl", "provid", "deliver", "pa", "buy", "bought", "purchas",
                 "order", "procur", "rent", "leas", "customer", "won", "win", "award", "land",
                 "secur", "bag", "clinch", "deal", "agreement", "commitment", "arrangement",
                 "pact"),
    "partnership": ("partner", "collaborat", "allian", "team", "join", "letter", "cooperat",
                    "work", "tie", "memorandum", "mou", "integrat", "incorporat", "add", "host",
                    "bring", "embed"),
    "generic": ("deal", "agreement", "pact", "arrangement", "talk", "negotiation", "discussion",
                "term", "sign", "ink", "strik", "struck", "seal", "clinch"),
}  # fmt: skip
# All stems in one alternation, longest first, so one scan of a clause finds the longest
# stem at each word start; the shorter stems that match there are prefixes of it, so its
# entry in _STEM_TYPES lists their types too. ("co-invest" hides "invest": same type.)
_STEM_SCAN = re.compile(
    r"\b(?:"
    + "|".join(map(re.escape, sorted({s for v in _TYPE_STEMS.values() for s in v}, key=len)[::-1]))
    + ")"
)
_STEM_TYPES: dict[str, frozenset[str]] = {
    stem: frozenset(
        type_ for type_, stems in _TYPE_STEMS.items() if any(stem.startswith(s) for s in stems)
    )
    for stem in {s for stems in _TYPE_STEMS.values() for s in stems}
}

_RULES_BY_TYPE: tuple[tuple[_Rule, ...], ...] = tuple(
    tuple(rule for rule in _RULES if rule.type == type_)
    for type_ in dict.fromkeys(rule.type for rule in _RULES)
)

# The object bought is equity: "a 10% stake in", "$2 billion of Intel stock".
_EQUITY = re.compile(
    r"^\s+(?:(?!(?:in|for|at|with|to)\b)[\w$%.,’'-]+\s+){0,4}?(?:stakes?|shares|stock|equity)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"majority|controlling|100\s?%|all of|full", re.IGNORECASE)
# Compute and supply words that make a generic "deal with" a contract, not a partnership.
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
    r"\bunwound\b|\bkilled\b|\brejected\b|\brebuff\w*|\bspurned\b|\bturned down\b|"
    r"\bdropped\s+(?:its|the|their)\s+(?:bid|offer|plan)",
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
    r"\breportedly\b|\bpeople (?:familiar|close|briefed|with knowledge)\b|"
    r"\baccording to\b(?!\s+(?:a|the|its|their)?\s*(?:regulatory\s+|securities\s+|court\s+)?"
    r"(?:filings?|statements?|press release|company|companies|announcement|documents?)\b)|"
    r"\bperson (?:familiar|close|briefed)\b|\bsources?\b[^;]{0,20}?\b(?:said|say|says|told|"
    r"familiar|close|cited)\b|\breports?\s+(?:indicate|suggest|said|say|show|from)\b|"
    r"\b(?:is|are|was|were)\s+said\s+to\b|\brumou?r\w*|(?-i:\bper\s+[A-Z])|"
    r"\b(?:was|were|is|are|been|first|previously|widely|earlier)\s+reported\b|"
    r"\breported\s+(?:by|that|earlier|last|on\s+\w+day)\b|"
    r"(?-i:(?:,|\()\s*(?:the\s+)?[A-Z][^,;]{0,40}?\s+reported\b)|"
    r"\bciting\b|\bunnamed\b|\banonymous\b|\bleaked\b|\bcited by\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\b(?:plans?|planning|planned|aims?|aiming|intends?|intending|set|poised|looks?|looking|"
    r"seeks?|seeking|hopes?|hoping|prepares?|preparing|wants?|expected|expects?|will|would|"
    r"proposed|proposes?|proposing|pledged|pledges?|committed|commits?)\b(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
# "X said it would form a venture" / "will ..., the companies announced": an announcement.
_SAID_WILL = re.compile(
    r"\b(?:said|says|announced|agreed)\b[^;]{0,40}?\b(?:will|would)\b|"
    r"\b(?:will|would)\b[^;]*\b(?:said|says|announced)\b",
    re.IGNORECASE,
)
_PAST_TRIGGER = re.compile(
    r"(?:invested|acquired|bought|purchased|took over|snapped up|raised|led|took|backed|merged|"
    r"licensed|gained|obtained|sold)\b",
    re.IGNORECASE,
)
_DONE = re.compile(
    r"\b(?:completed|closed|finali[sz]ed|concluded|wrapped up|gained|obtained|paid|has invested|"
    r"became final|became effective|took effect|went through|"
    r"have invested|had invested)\b",
    re.IGNORECASE,
)
_AGREED = re.compile(r"\b(?:agreed|agrees|signed|announced|will)\b", re.IGNORECASE)

# ---- background ---------------------------------------------------------------------------

# The digits come first and the "not after a word, $ or ." check after them, so that
# the regex engine can skip ahead to a "1" or "2" instead of testing every position.
_YEAR = re.compile(r"(19[89]\d|20[0-4]\d)(?<![\w$€£.,]\d{4})\b(?!\s?(?:%|[-–]\d))")
_NOT_DEAL_YEAR = re.compile(
    r"^\s+(?:report|study|survey|post|article|interview|filing|analysis|paper|blog|index|press)",
    re.IGNORECASE,
)
_FUTURE_YEAR = re.compile(r"\b(?:by|until|through|till|in|before)\s+(?:early\s+|late\s+|mid-?)?$")
_BACKGROUND = re.compile(
    r"\bback in\b|\boriginally\b|\binitially\b|\bfirst invested\b|\byears? ago\b|\blast year\b|"
    r"\bsince (?:its|their|the) (?:\d{4}\s+)?(?:initial\s+|original\s+|first\s+)?"
    r"(?:investment|acquisition|deal|partnership)\b|\bpreviously\b|\bin the past\b|"
    r"\bhistorically\b|\bdecade ago\b|"
    r"\bsince (?:19|20)\d\d\b|\bover the (?:past|last) (?:year|\w+ years|decade)\b|"
    r"\bin recent years\b",
    re.IGNORECASE,
)
# A deal told in a relative clause about a company ("Lambda, which has raised $1.7 billion
# from investors including Nvidia, ...") is context for the news, not the news.
_RESTATED = re.compile(r",\s*which\s+(?:has|had|have|previously|already|once)\b[^,;]{0,40}$")
_RECENT = re.compile(
    r"\b(?:this (?:week|month|year|morning)|today|yesterday|on (?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)|recently|new|newly|latest|now)\b",
    re.IGNORECASE,
)

# ---- clause shape -------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+|,\s+(?:while|whereas|but)\s+|\s+while\s+(?=[A-Z])|\.\s+(?=[A-Z])",
)
_DIVEST = re.compile(
    r"\b(?:sold|sells|sell|selling|offload\w*|dump\w*|divest\w*|exit\w*|trim\w*|unload\w*)\b"
    r"[^;]{0,40}$",
    re.IGNORECASE,
)
_GERUND_CONTEXT = re.compile(r"\b(?:since|after|before|following|when|while|by)\s+$", re.IGNORECASE)
_NOT_A_ROUND = re.compile(
    r"\b(?:listing|IPO|initial public offering|share sale|stock sale|bonds?|debt|notes offering|"
    r"loans?|rights issue|flotation|convertible)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"^\W*(?:if|unless|should|whether)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|no|never|n[’']t|without|nor|declined to)\b(?:\W+\w+){0,3}\W*$|"
    r"\b(?:denied|denies|deny|denying|refuted|dismissed (?:reports|speculation))\b",
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
    r"^\s*(?:,|and|&|or|as well as|plus|\(|\)|/|,\s*and|\)\s*,?\s*(?:and)?)?\s*"
    r"(?:(?:the\s+)?(?-i:[A-Z][\w-]*)['’]s\s+)?$"
)
_CUE = re.compile(
    r"\b(?:led by|participation from|along with|together with|joined by|such as|as well as|"
    r"in|into|of|from|by|with|to|for|including|includ(?:es|ed)|like|alongside|joining|between|"
    r"involving|and|at|among|namely|backers?|investors?)\b",
    re.IGNORECASE,
)
_OF_SOMETHING = re.compile(r"^\s+of\s+(?:the|a|an|its|their|his|her)\s+[a-z]", re.IGNORECASE)
# A preposition right before an org (allowing "other hyperscalers, including", "investors
# such as", "the chipmaker"): the org is a complement.
_PRE_CUE = re.compile(
    r"\b(led by|participation from|including|includ(?:es|ed)|such as|like|from|by|with|"
    r"between|involving|alongside|among them|backers?|investors?)\s+"
    r"(?:(?:the|a|an|other|fellow|rival|investors?|backers?|companies|firms|"
    r"hyperscalers?|groups?|funds?|including|such as|like|,)\s+|,\s*)*$",
    re.IGNORECASE,
)
_NEW_CLAUSE = re.compile(
    r"^\s+(?:will|would|is|was|are|were|has|have|had|said|says|can|could|may|might|did|does|"
    r"also|then|now)\b",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(
    r"^\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,5}?(?:startup|company|firm|maker|developer|provider|"
    r"lab|business|rival|unit|outfit|specialist|designer|operator|group|platform)\s*,\s*$",
    re.IGNORECASE,
)
_GOODS_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:chips?|GPUs?|processors?|servers?|accelerators?|"
    r"hardware|systems|TPUs?|semiconductors)\b",
    re.IGNORECASE,
)
# Words that end a preposition's reach: "from X to build", "in a deal that ...".
_CUE_STOP = frozenset(["which", "who", "whose", "that", "while", "but", "to", "as"])
_GAP_BREAK = re.compile(
    r"[;—–]|\s-\s|,\s*(?:which|who|whose|where|when|while|a|an|the|its|based|backed|founded|"
    r"owned|now|once|formerly|after|before|as|since|although|though)\b(?!\s+(?:also\s+)?includ)|"
    r"\b(?:which|who|whose|while|although|because|after|before|since|whereas|but)\b"
    r"(?!\s+(?:also\s+)?includ)|"
    # a purpose clause ("to help fund its OpenAI commitments") is not the deal's object
    r"\bto\s+(?:help|fund|build|develop|expand|support|bolster|create|accelerate|boost|"
    r"strengthen|make|use|train|power|finance|speed|pursue|compete|become|launch|offer|run|"
    r"serve|reduce|cut|meet|gain|tap|improve|enhance|scale|counter|rival|challenge|"
    r"diversify|lessen|cement)\b",
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
# A new clause whose subject points back to the sentence's first actor.
_CLAUSE_ANAPHOR = re.compile(
    r"(?:\b(?:after|when|as|and|while|because|since|before|until|but)|,)\s+"
    r"(?:the\s+(?:company|firm|group|startup|giant)|it|they)\s+(?!is\b|was\b)",
    re.IGNORECASE,
)
# The lookahead lets most positions fail on one character: every pronoun starts with i or t.
_SUBJECT_ANAPHOR = re.compile(
    r"(?=[it])\b(?:it|its|it[’']s|they|their|the\s+(?:[\w-]+\s+)?(?:company|startup|firm|group|lab|"
    r"giant|maker|developer|business|chipmaker|platform|unicorn|conglomerate|outfit|operator|"
    r"provider|organi[sz]ation|bank|fund|investor))\b",
    re.IGNORECASE,
)
_OBJECT_ANAPHOR = re.compile(
    r"^\W*(?:[^\s,;]+\s+){0,6}?(?:in|into|of|with|to|from)\s+(?:the|this|that)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:company|startup|firm|organi[sz]ation|lab|laboratory|developer|"
    r"maker|group|business|outfit|unicorn|chatbot maker|giant|chipmaker)\b",
    re.IGNORECASE,
)
# A noun trigger after one of these is a reference to a deal already known ("the
# partnership", "its investment"), not news of one - unless an event verb or a deal amount
# comes with it.
_REFERENCE = re.compile(
    r"(?:\b(?:the|this|that|these|those|such|its|their|his|her|our|whose|any|existing|"
    r"ongoing|long-standing|longstanding|current)|[’']s)\s+(?:(?!(?:a|an)\s)[\w’'$.,-]+\s+){0,3}$",
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
_OUTCOME = re.compile(
    r"\b(?:became|becomes|become)\s+(?:final|effective)\b|\btook effect\b|\bwent through\b|"
    r"\b(?:was|were|has been|have been)\s+(?:completed|finali[sz]ed|approved|cleared|closed|"
    r"blocked|called off|scrapped|terminated|abandoned)\b",
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
_PARTICIPATED = re.compile(
    r"\b(?:also\s+)?(?:participated|took part|joined the (?:round|financing|raise|deal)|"
    r"chipped in|co-invested|were (?:also )?among the (?:backers|investors))\b",
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
    publisher: bool = False  # a party only to a licensing deal (content licensing)


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
    clause: tuple[int, int] = (0, 0)


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
    paragraph_of = {s.index: s.paragraph for s in read}
    reference_year = _reference_year(text, published)
    deals: list[DealMention] = []
    for position, sentence in enumerate(read):
        previous = read[max(0, position - 2) : position]
        history = _recounts_history(sentence, deals, paragraph_of)
        deals = _after_sentence(deals, sentence, previous, history, reference_year)
    return _merge(deals)


def _after_sentence(
    deals: list[DealMention],
    sentence: _Sentence,
    previous: Sequence[_Sentence],
    history: bool,
    reference_year: int | None,
) -> list[DealMention]:
    """The article's deals once `sentence` is read: new deals added, or the deal it
    follows up on ("This initiative aims to invest up to $500 billion") completed."""
    joined = _participants(deals, sentence, previous)
    if joined:  # "Microsoft, Coatue and Thrive also participated."
        return deals + joined
    new = [
        deal
        for found in _sentence_deals(sentence, previous)
        for deal in _build(found, sentence, history, reference_year)
    ]
    target = _referenced_deal(deals, sentence, previous)
    if target and all(_within(deal, target[1]) for deal in new):
        position, deal = target
        return [*deals[:position], _enriched(deal, sentence), *deals[position + 1 :]]
    return deals + new


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
    name = parents.get(mention.entity) if mention.kind == "product" else mention.entity
    if not name:
        return None
    publisher = mention.kind == "publisher"
    return _Candidate(name, mention.start - offset, mention.end - offset, publisher)


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
    if not sentence.candidates and not _SUBJECT_ANAPHOR.search(sentence.text):
        return []  # no org and nothing pointing back to one: no party, no deal
    found: list[_Found] = []
    for start, end in _clauses(sentence.text):
        if _CONDITIONAL.match(sentence.text[start:end]):
            continue
        found.extend(_clause_deals(sentence, start, end, previous))
    return found


def _clause_deals(
    sentence: _Sentence, start: int, end: int, previous: Sequence[_Sentence]
) -> list[_Found]:
    """The clause's main deal, plus any deal of another type that brings in a new org
    ("cleared Microsoft's takeover of Activision after it agreed to sell cloud streaming
    rights to Ubisoft")."""
    # Each deal type's triggers in this clause, in reading order, found once; a type whose
    # words do not occur in the clause is not searched at all (most clauses have none).
    gated = _gated_types(sentence.text[start:end].lower())
    by_type = [
        _triggers(rules, sentence.text, start, end) if rules[0].type in gated else []
        for rules in _RULES_BY_TYPE
    ]
    main = _clause_deal(sentence, (start, end), previous, by_type)
    if main is None:
        return []
    found = [main]
    for triggers in by_type:
        if not triggers or triggers[0][0].type == main.rule.type:
            continue
        deal = _clause_deal(sentence, (start, end), previous, [triggers])
        if deal and _distinct(deal, found, sentence.text):
            found.append(deal)
    return found


def _gated_types(lowered: str) -> set[str]:
    """The deal types whose stems occur in a lowered clause (see _TYPE_STEMS)."""
    types: set[str] = set()
    for match in _STEM_SCAN.finditer(lowered):
        types |= _STEM_TYPES[match.group()]
    return types


def _distinct(deal: _Found, found: Sequence[_Found], text: str) -> bool:
    """A second deal in a clause must bring a new org, or its own sum ("invest $5 billion
    in Anthropic, which has committed to buy $30 billion of Azure capacity")."""
    seen = {name for f in found for name in (*f.a, *f.b)}
    if set(deal.a + deal.b) - seen:
        return True
    if deal.rule.noun and _REFERENCE.search(
        text[max(deal.clause[0], deal.start - 40) : deal.start]
    ):
        return False  # "the total value of its contracts with ...": the same parties again
    amount = _found_amount(deal, text)
    return amount is not None and all(
        (other := _found_amount(f, text)) is None or other.text != amount.text for f in found
    )


def _found_amount(found: _Found, text: str) -> Amount | None:
    """The deal's sum: within the trigger's reach, or anywhere in the clause when written
    as "the $14 billion deal"."""
    clause = text[found.clause[0] : found.clause[1]]
    scope_end = _scope_end(text, found) - found.clause[0]
    amount = _deal_amount(clause[:scope_end], found.start - found.clause[0], found.type)
    if amount is None:
        tail = _deal_amount(clause[scope_end:], 0, found.type)
        named = tail and _NAMED_SUM.match(clause[scope_end + clause[scope_end:].find(tail.text) :])
        amount = tail if named else None
    return amount


def _scope_end(text: str, found: _Found) -> int:
    """Where the trigger's reach ends: the comma-segment after it that starts a new thought
    ("..., in its first acquisition since raising $500 million last year")."""
    end = found.clause[1]
    for match in _SEGMENT_STOP.finditer(text, found.end, end):
        return match.start()
    return end


def _clause_deal(
    sentence: _Sentence,
    span: tuple[int, int],
    previous: Sequence[_Sentence],
    groups: Sequence[Sequence[tuple[_Rule, re.Match[str]]]],
) -> _Found | None:
    """The clause's deal: the first trigger that yields its parties, by type priority and
    then in reading order."""
    amounts = find_amounts(sentence.text[span[0] : span[1]]) if any(groups) else []
    has_money = any(amount.kind == "deal" for amount in amounts)
    valued = has_money or any(amount.kind == "valuation" for amount in amounts)
    # Explicit triggers first; a reference ("its investment in X was valued at $13bn") only
    # when the clause has nothing better.
    for references in (False, True):
        for triggers in groups:
            for rule, match in triggers:
                if _is_reference(rule, sentence.text, match, span[0]) != references:
                    continue
                if not _usable(rule, sentence.text, match, span[0], has_money):
                    continue
                found = _read_sides(rule, sentence, match, span, previous, valued)
                if found:
                    return found
    return None


def _triggers(
    rules: Sequence[_Rule], text: str, start: int, end: int
) -> list[tuple[_Rule, re.Match[str]]]:
    """The trigger matches of one deal type in a clause, in reading order."""
    found = [
        (match.start(), order, rule, match)
        for order, rule in enumerate(rules)
        for match in rule.pattern.finditer(text, start, end)
    ]
    return [(rule, match) for _, _, rule, match in sorted(found, key=lambda item: item[:2])]


def _is_reference(rule: _Rule, text: str, match: re.Match[str], start: int) -> bool:
    return rule.noun and bool(
        _REFERENCE.search(text[max(start, match.start() - 40) : match.start()])
    )


def _usable(rule: _Rule, text: str, match: re.Match[str], start: int, has_money: bool) -> bool:
    before = text[start : match.start()]
    if _NEGATION.search(before[-80:]):
        return False
    if rule.money and not has_money:
        return False
    if rule.type == "investment" and _DIVEST.search(before[-50:]):
        return False  # "sold its entire stake in Nvidia": an exit, not an investment
    if _GERUND_CONTEXT.search(before[-12:]) and match.group().lower().endswith("ing"):
        return False  # "its first acquisition since raising $500 million": context
    if rule.single and _NOT_A_ROUND.search(text[start : match.end() + 120]):
        return False  # "raise $12.9bn from its second listing": capital markets, not a round
    if _is_reference(rule, text, match, start):
        return has_money or _is_event(text, match, start)
    return True


def _is_event(text: str, match: re.Match[str], start: int) -> bool:
    """A referenced deal is news only when something happens to it ("expanded its ...",
    "The merger of Gannett and GateHouse, which became final Tuesday")."""
    before = text[max(start, match.start() - 60) : match.start()]
    after = text[match.end() :]
    return bool(_EVENT_BEFORE.search(before) or _EVENT_AFTER.match(after) or _OUTCOME.search(after))


# ---- sides and roles ----------------------------------------------------------------------


def _read_sides(
    rule: _Rule,
    sentence: _Sentence,
    match: re.Match[str],
    span: tuple[int, int],
    previous: Sequence[_Sentence],
    valued: bool,
) -> _Found | None:
    """The deal a trigger makes with the orgs around it, or None if it has no parties."""
    subject, objects = _subject_and_objects(rule, sentence, match, span)
    if not subject and _SUBJECT_ANAPHOR.search(sentence.text[span[0] : match.start()]):
        subject = _previous_subject(sentence, previous)
    type_ = _type(rule, sentence.text, match)
    if type_ in _SYMMETRIC or rule.shape == "sym":
        found = _symmetric(rule, type_, sentence, match, subject, objects, previous)
    else:
        found = _asymmetric(rule, type_, sentence, match, subject, objects, previous, valued)
    return replace(found, clause=span) if found else None


def _subject_and_objects(
    rule: _Rule, sentence: _Sentence, match: re.Match[str], span: tuple[int, int]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The subject chain before the trigger, and the objects it reaches with their cues."""
    text = sentence.text
    in_clause = [
        c
        for c in sentence.candidates
        if span[0] <= c.start and c.end <= span[1] and (not c.publisher or rule.type == "licensing")
    ]
    before = [c for c in in_clause if c.end <= match.start()]
    subject = _subject(text, [c for c in before if not _cued(text, c, before)], match.start())
    # An org inside the trigger is its object ("led OpenAI's round", "integrate X's models").
    inside = [(c.name, "") for c in in_clause if match.start() <= c.start and c.end <= match.end()]
    after = [c for c in in_clause if c.start >= match.end()]
    # "in talks with investors including X and Y to raise money": X and Y are objects too.
    cued = [(c.name, _cue_before(text, c)) for c in before if _cued(text, c, before)]
    objects = inside + _objects(text, after, match.end()) + cued
    return subject, [(name, cue) for name, cue in objects if name not in subject]


def _type(rule: _Rule, text: str, match: re.Match[str]) -> str:
    if rule.type == "generic":
        return "contract" if _SUPPLY_CONTEXT.search(text) else "partnership"
    following = text[match.end() : match.end() + 40]
    if rule.type == "acquisition" and rule.shape != "sym" and _EQUITY.match(following):
        # "bought a 10% stake in", "buy $2 billion of Intel stock": investing, not buying
        return "acquisition" if _CONTROL.search(following) else "investment"
    return rule.type


def _subject(text: str, before: list[_Candidate], trigger: int) -> list[str]:
    """The org chain nearest before the trigger ("Microsoft and Nvidia invested ...")."""
    chosen: list[_Candidate] = []
    usable = [c for c in before if not _excluded(text, c)]
    if usable and _CLAUSE_ANAPHOR.search(text[usable[-1].end : trigger]):
        return [usable[0].name]  # "X's takeover of Y after the company agreed to ...": X
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


def _cued(text: str, candidate: _Candidate, before: list[_Candidate]) -> bool:
    """An org written after a preposition ("with investors including X"), or listed after
    one that is, is a complement, never the subject."""
    position = before.index(candidate)
    for earlier in reversed(before[: position + 1]):
        if _cue_before(text, earlier):
            return True
        previous = before.index(earlier) - 1
        if previous < 0 or not _LIST_GAP.match(text[before[previous].end : earlier.start]):
            return False
    return False


def _cue_before(text: str, candidate: _Candidate) -> str:
    match = _PRE_CUE.search(text[max(0, candidate.start - 60) : candidate.start])
    return match.group(1).lower() if match else ""


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
            if "," in gap and _NEW_CLAUSE.match(text[candidate.end :]):
                break  # "..., and The Carlyle Group will be left to wonder"
            cue: str | None = last_cue
        elif _GAP_BREAK.search(gap):
            break  # a relative clause or a dash: the trigger's reach ends here
        else:
            cue = _gap_cue(gap)
        if cue is None or _excluded(text, candidate) or (objects and _makes_goods(text, candidate)):
            chained = False
            continue
        objects.append((candidate.name, cue))
        last_cue, chained = cue, True
    return objects


def _gap_cue(gap: str) -> str | None:
    """The preposition linking a trigger to an org, "" for a direct object, None if unlinked."""
    if len(gap.split()) > 12:
        return None
    cues = list(_CUE.finditer(gap))
    if cues:  # the preposition nearest the org ("in a round led by X": "led by")
        trailing = gap[cues[-1].end() :].split()
        if len(trailing) <= 6 and not _CUE_STOP.intersection(w.lower() for w in trailing):
            return cues[-1].group().lower()
        return None
    if _APPOSITIVE.match(gap):  # "acquired a small Canadian startup, DarwinAI"
        return ""
    return "" if len(gap.split()) <= 5 and "," not in gap else None


def _makes_goods(text: str, candidate: _Candidate) -> bool:
    """'supply Microsoft with Nvidia GPUs': Nvidia names the goods, not a party."""
    return bool(_GOODS_AFTER.match(text[candidate.end : candidate.end + 40]))


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
    valued: bool,
) -> _Found | None:
    of_something = rule.noun and _OF_SOMETHING.match(sentence.text[match.end() :])
    if of_something and not any(cue in ("of", "") for _, cue in objects):
        return None  # "a possible takeover of the plan by the government's agency"
    sides = _sides(rule, type_, subject, objects)
    _fill_by_anaphora(sides, sentence, match, previous)
    a, b = tuple(sides["A"]), tuple(sides["B"])
    if not a and b and rule.single and valued:
        # A funding round with no investor named is news only with a sum or a valuation.
        return _Found(rule, type_, match.start(), match.end(), (), b)
    if not a or not b:
        return None
    return _Found(rule, type_, match.start(), match.end(), a, b)


def _sides(
    rule: _Rule, type_: str, subject: list[str], objects: list[tuple[str, str]]
) -> dict[str, list[str]]:
    """Subject and objects sorted into the paying side "A" and the receiving side "B"."""
    subject_side = _subject_side(rule, type_, objects)
    sides: dict[str, list[str]] = {"A": [], "B": []}
    sides[subject_side].extend(subject)
    for name, cue in objects:
        side = _cue_side(rule, type_, cue)
        side = subject_side if side == "same" else side or _other_side(subject_side)
        if name not in sides["A"] + sides["B"]:
            sides[side].append(name)
    return sides


def _cue_side(rule: _Rule, type_: str, cue: str) -> str:
    if type_ == "acquisition" and rule.noun and cue == "from":
        return "A"  # "a takeover approach from Qualcomm" (but "bought X from Y": Y sells)
    return _CUE_SIDES.get(type_, {}).get(cue, "")


def _subject_side(rule: _Rule, type_: str, objects: list[tuple[str, str]]) -> str:
    if rule.shape == "give":
        return "A"
    if rule.shape == "get":
        return "B"
    for _, cue in objects:  # a noun: "investment in X" -> subject pays; "from X" -> receives
        side = _cue_side(rule, type_, cue)
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
    status, year, background = _status_and_time(found, sentence, history, reference_year)
    template = DealMention(
        type=found.type,
        parties=(),
        status=status,
        sentence=sentence.text,
        sentence_index=sentence.index,
        amount=_found_amount(found, sentence.text),
        background=background,
        year=year,
        name=_name(sentence, found),
        valuation_usd=_valuation(find_amounts(sentence.text)),
    )
    built = []
    for parties in _party_sets(found):
        deal = replace(template, parties=parties)
        deal = replace(deal, stakes=_stakes(sentence.text, deal, found))
        built.append(replace(deal, deal_key=deal_key(deal)))
    return built


def _status_and_time(
    found: _Found, sentence: _Sentence, history: bool, reference_year: int | None
) -> tuple[str, int | None, bool]:
    status = _status(sentence.text, found)
    year, background = _when(sentence, found, reference_year)
    if not background and status == "completed" and not _RECENT.search(sentence.text):
        background = history
    if background and status == "announced":
        status = "completed"  # an old deal told again: "its 2012 purchase of Motorola Mobility"
    return status, year, background


def _party_sets(found: _Found) -> list[tuple[Party, ...]]:
    role_a, role_b = ("partner", "partner") if found.rule.shape == "sym" else ROLES[found.type]
    if found.type == "joint_venture" or not found.a or not found.b:
        names = _unique([*found.a, *found.b])
        role = role_a if found.rule.shape == "sym" else role_b
        return [tuple(Party(name, role) for name in names)]
    return [(Party(a, role_a), Party(b, role_b)) for a in found.a for b in found.b if a != b]


def _deal_amount(clause: str, trigger: int, type_: str) -> Amount | None:
    """The deal-kind amount of the clause nearest the trigger (a joint venture may state
    its spending: "aims to invest up to $500 billion in AI infrastructure")."""
    kinds = {"deal", "spending"} if type_ == "joint_venture" else {"deal"}
    if type_ == "acquisition" and _PRICED_AS_VALUE.search(clause):
        kinds.add("valuation")  # "an all-stock deal valuing the miner at $9 billion"
    usable = [a for a in find_amounts(clause) if a.kind in kinds]
    return min(usable, key=lambda a: abs(clause.find(a.text) - trigger), default=None)


_SEGMENT_STOP = re.compile(
    r",\s+(?:in\s+(?:its|their|what)|its|their|since|after|before|marking|as|while|following|"
    r"bringing|making|giving|despite|although|though|amid|according|the company|the companies|"
    r"people familiar|sources)\b",
    re.IGNORECASE,
)
_NAMED_SUM = re.compile(
    r"\S+(?:\s+(?:billion|million|trillion|bn|m))?[\s-]+(?:deal|acquisition|takeover|investment|"
    r"round|contract|agreement|transaction|purchase|merger)\b",
    re.IGNORECASE,
)
_PRICED_AS_VALUE = re.compile(
    r"\b(?:deal|transaction|offer|bid|takeover|acquisition|purchase)\b[^;]{0,80}?"
    r"\b(?:valu(?:ing|es|ed)|worth)\b",
    re.IGNORECASE,
)


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
    if _PLANNED.search(before) and not _SAID_WILL.search(text):
        return "planned"
    if (_PAST_TRIGGER.search(trigger) and not _AGREED.search(before[-25:])) or _DONE.search(clause):
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
    text = sentence.text[: _scope_end(sentence.text, found)]
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
    restated = _BACKGROUND.search(text) or _RESTATED.search(text[: found.start])
    return year, old or bool(restated)


def _in_other_relative_clause(text: str, position: int, trigger: int) -> bool:
    """'Microsoft, which invested in 2019, said on Monday it acquired X': 2019 is not the deal's."""
    opening = text.rfind(", which", 0, position)
    opening = max(opening, text.rfind(", who", 0, position))
    if opening < 0 or opening < trigger < position:
        return False
    closing = text.find(",", position)
    return trigger > (closing if closing >= 0 else len(text)) or trigger < opening


def _recounts_history(
    sentence: _Sentence, deals: Sequence[DealMention], paragraph_of: Mapping[int, int]
) -> bool:
    """True when an earlier deal of this paragraph is background: a past-tense deal that
    follows it ("In return, Microsoft gained exclusive rights ...") is history too."""
    return any(
        deal.background and paragraph_of.get(deal.sentence_index) == sentence.paragraph
        for deal in deals[-3:]
    )


# ---- across sentences ---------------------------------------------------------------------


def _within(new: DealMention, known: DealMention) -> bool:
    return {p.name for p in new.parties} <= {p.name for p in known.parties}


def _participants(
    deals: Sequence[DealMention], sentence: _Sentence, previous: Sequence[_Sentence]
) -> list[DealMention]:
    """Investors named in a follow-up sentence join the round just reported."""
    if not deals or not _PARTICIPATED.search(sentence.text):
        return []
    last = deals[-1]
    recent = any(
        p.index == last.sentence_index and p.paragraph == sentence.paragraph for p in previous
    )
    targets = [p.name for p in last.parties if p.role == "target"]
    if last.type != "investment" or not recent or not targets:
        return []
    taken = {p.name for p in last.parties}
    joined = []
    for name in _others(sentence, list(taken)):
        deal = replace(
            last,
            parties=(Party(name, "investor"), Party(targets[0], "target")),
            sentence=sentence.text,
            sentence_index=sentence.index,
            stakes=(),
        )
        joined.append(replace(deal, deal_key=deal_key(deal)))
    return joined


def _enriched(deal: DealMention, sentence: _Sentence) -> DealMention:
    """The deal with the amount, valuation, stakes or failure a follow-up sentence adds."""
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
    return replace(updated, deal_key=deal_key(updated))


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
    if (kept.status == "failed") != (new.status == "failed"):
        return False  # the deal on the table now and the one called off before
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
