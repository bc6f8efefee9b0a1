"""Stage 1: the triggers of a clause, and whether each is usable (not negated, not a reference)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.tagging.deals.vocabulary import STEM_SCAN, STEM_TYPES, Rule

# The object bought is equity: "a 10% stake in", "$2 billion of Intel stock".
_EQUITY = re.compile(
    r"^\s+(?:(?!(?:in|for|at|with|to)\b)[\w$%.,’'-]+\s+){0,5}?(?:stakes?|shares|stock|equity)\b",
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

_FUNDING_BEFORE = re.compile(
    r"\b(?:funding|financing|investment|fundraising)\s+(?:[\w-]+\s+)?$", re.IGNORECASE
)
_FOR_FUNDING = re.compile(
    r"[^;.]{0,60}?\bfor\s+(?:[\w$€£.,-]+\s+){0,6}?(?:in\s+)?(?:debt|funding|financing|"
    r"investment|equity|capital|fresh\s+money)\b",
    re.IGNORECASE,
)
_DEFINITIVE = re.compile(r"\bdefinitive\s+(?:merger\s+|purchase\s+|sale\s+)?agreements?\b", re.I)
# "is in merger talks with xAI", "takeover negotiations with": talks about a purchase
_TAKEOVER_BEFORE = re.compile(
    r"\b(?:merger|takeover|buyout|acquisition|sale)\s+(?:[\w-]+\s+)?$", re.IGNORECASE
)
_LICENSING_CONTEXT = re.compile(
    r"\blicen[cs]\w*|\brights?\s+to\b|\b(?:hire|hiring|hired|bring\s+in|poach\w*|recruit\w*)\b"
    r"[^;]{0,60}?\b(?:talent|team|staff|employees|founders?|researchers|CEO|chief executive)\b",
    re.IGNORECASE,
)
_BOUGHT_WITH = re.compile(
    r"\b(?:in\s+(?:return|exchange)\s+for|to\s+(?:buy|purchase|rent|lease|secure|reserve)|"
    r"worth\s+of)\s+(?:[\w-]+\s+){0,3}?(?:compute|computing|capacity|chips?|GPUs?|TPUs?|"
    r"servers?|cloud|power|electricity|infrastructure)\b"
    # "to secure domestic chip production": an industry backed, no goods bought
    r"(?!\s+(?:production|manufacturing|making|industry|sector|design|development))",
    re.IGNORECASE,
)
_MONEY_VERB = re.compile(
    r"(?:pour|plough|plow|pump|inject|funnel|sink|sank|sunk|put|commit|pledge)", re.IGNORECASE
)
# "invests $2 billion in X as part of a broader partnership": the tie is a deal of its own,
# in a clause of its own (the deal reader adds it beside the money: reader._ties_told_with)
AS_PART_OF_TIE = (
    r"as\s+part\s+of\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:partnership|tie-?up|collaboration|alliance)\b"
)
_CLAUSE_BREAK = re.compile(
    r";\s+|:\s+|,\s+(?:while|whereas|but)\s+|"
    rf",?\s+(?={AS_PART_OF_TIE})|"
    r",\s+(?=meaning\b)|\s+while\s+(?=[A-Z])|\.\s+(?=[A-Z])|"
    # a time clause after a comma tells another event ("..., days after disclosing that ...")
    r",\s+(?=(?:just\s+|only\s+)?(?:days|weeks|months|hours|shortly|soon|a\s+day|a\s+week|"
    r"a\s+month)\s+after\b)|"
    # a participle with its own sum ("..., having already put $1 billion into the company")
    r",\s+(?=having\s+(?:already\s+)?[a-z]+\s+(?:\w+\s+)?(?:\$|€|£|US\$))|"
    # "..., and Enfabrica CEO Rochan Sankar has joined Nvidia": a new subject, a new clause
    r",\s+and\s+(?=(?:[A-Z][\w.&'’-]*\s+){1,5}(?:has|have|had|is|was|were|will|would|could|can|"
    r"may|might)\s)|"
    # a coordinated verb starts a clause of its own ("..., pledged $5 billion to Intel")
    r",\s+(?=(?:and\s+|then\s+|also\s+)*(?!(?:based|backed|founded|owned|led|called|named|"
    r"dubbed|headquartered|known|valued|listed|located|created|formed|launched|spun|used|"
    r"designed|built|developed|reported|announced|released|unveiled|published|cited|quoted|"
    r"described|seen|considered|expected|added|noted|compared)\b)[a-z]+ed\s+(?:an?\s+|the\s+|its\s+"
    r"|their\s+)?(?:\$|€|£|US\$|\w+\s+(?:\$|€|£)|stakes?\b|hundreds|tens|billions|millions))",
)

_DIVEST = re.compile(
    r"\b(?:sold|sells|sell|selling|offload\w*|dump\w*|divest\w*|exit\w*|trim\w*|unload\w*)\b"
    r"[^;]{0,40}$",
    re.IGNORECASE,
)

_GERUND_CONTEXT = re.compile(r"\b(?:since|after|before|following|when|while)\s+$", re.IGNORECASE)

_NOT_A_ROUND = re.compile(
    r"\b(?:listing|IPO|initial public offering|share sale|stock sale|bonds?|debt|notes offering|"
    r"loans?|rights issue|flotation|convertible)\b",
    re.IGNORECASE,
)

_EQUITY_TOO = re.compile(r"\bequity\s+and\s+debt\b|\bdebt\s+and\s+equity\b", re.IGNORECASE)

CONDITIONAL = re.compile(r"^\W*(?:if|unless|should|whether)\b", re.IGNORECASE)

_NEGATION = re.compile(
    # ("will no longer be buying Wiz" is a deal that failed: see the status cues)
    r"\b(?:not|no(?!\s+longer\b)|never|n[’']t|without|nor|declined to)\b(?:\W+\w+){0,3}\W*$|"
    r"\b(?:denied|denies|deny|denying|refuted|dismissed (?:reports|speculation))\b",
    re.IGNORECASE,
)

# A noun trigger after one of these is a reference to a deal already known ("the
# partnership", "its investment"), not news of one - unless an event verb or a deal amount
# comes with it.
REFERENCE = re.compile(
    r"(?:\b(?:the|this|that|these|those|such|its|their|his|her|our|whose|any|existing|"
    r"ongoing|long-standing|longstanding|current)|[’']s)\s+(?:(?!(?:a|an)\s)[\w’'$.,-]+\s+){0,3}$",
    re.IGNORECASE,
)

_EVENT_BEFORE = re.compile(
    r"\b(?:announc\w+|sign(?:s|ed|ing)?|str(?:ike|ikes|uck|iking)|ink(?:s|ed)?|form(?:s|ed|ing)?|"
    r"forg(?:e|es|ed|ing)|enter(?:s|ed|ing)?|agree(?:s|d)?|unveil\w*|seal(?:s|ed)?|finali[sz]\w+|"
    r"complet\w+|clos(?:e|es|ed|ing)|expand\w*|extend\w*|renew\w*|deepen\w*|broaden\w*|"
    r"establish\w*|set(?:s|ting)? up|creat\w+|reach(?:es|ed)?|clinch\w*|land(?:s|ed)?|won|"
    r"wins?|secur\w+|"
    r"call(?:s|ed)? off|scrap\w*|end(?:s|ed)|terminat\w+|abandon\w*|block\w*|cancel\w*|"
    r"increas\w+|boost\w*|upp?(?:ed|s)|doubl\w+|tripl\w+|l(?:ed|eads?|eading)|approv\w+|clear(?:s|ed)|"
    r"restructur\w+|renegotiat\w+|rework\w*|amend\w*|overhaul\w*|"
    r"revis\w+|launch\w*|unveil\w*|begin|began|start(?:s|ed)?|kick(?:s|ed)? off)\b"
    r"(?:\W+\w+){0,5}\W*$",
    re.IGNORECASE,
)

_EVENT_AFTER = re.compile(
    r"^\W*(?:[\w’'-]+\s+){0,3}?(?:(?:was|were|is|are|has been|have been|had been|will be)\s+)?"
    r"(?:announced|signed|struck|inked|formed|sealed|finali[sz]ed|completed|closed|expanded|"
    r"extended|renewed|approved|cleared|blocked|called off|scrapped|terminated|abandoned|"
    r"collapsed|valued|values|led|unveiled|agreed|stalled|resumed)\b",
    re.IGNORECASE,
)

_OUTCOME = re.compile(
    r"\b(?:became|becomes|become)\s+(?:final|effective)\b|\btook effect\b|\bwent through\b|"
    # "... is expected to close next year", "... received antitrust approval"
    r"\b(?:is|are|was|were)\s+(?:now\s+)?expected\s+to\s+(?:close|complete|be\s+completed)\b|"
    r"\b(?:received|won|got|secured|gained)\s+(?:[\w-]+\s+){0,2}?(?:approval|clearance|"
    r"the\s+green\s+light)\b|"
    r"\b(?:was|were|has been|have been)\s+(?:completed|finali[sz]ed|approved|cleared|closed|"
    r"blocked|called off|scrapped|terminated|abandoned)\b",
    re.IGNORECASE,
)


# Deals told as a list of possessed nouns: "Nvidia's $100 billion investment in OpenAI and
# OpenAI's reported $300 billion contract with Oracle" are two clauses, one deal each.
_DEAL_NOUN = (
    r"(?:investments?|stakes?|contracts?|deals?|agreements?|acquisitions?|purchases?|"
    r"takeovers?|partnerships?|licen[cs]es?|licensing|pacts?|tie-ups?|buyouts?|mergers?|"
    r"commitments?)\b"
)
_NEXT_POSSESSED_DEAL = re.compile(
    r",?\s+and\s+(?=(?:[A-Z][\w.&-]*\s+){0,2}[A-Z][\w.&-]*['’]s\s+(?:[\w$€£.,-]+\s+){0,5}?"
    + _DEAL_NOUN
    + ")"
)
_HAS_DEAL_NOUN = re.compile(r"\b" + _DEAL_NOUN, re.IGNORECASE)


def split_clauses(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if _NAME_AND_APPOSITION.match(text, cursor, match.start()):
            continue  # "Vodafone, a telecoms company, and Microsoft have ...": one subject
        spans.extend(_split_listed_deals(text, cursor, match.start()))
        cursor = match.end()
    spans.extend(_split_listed_deals(text, cursor, len(text)))
    return [(start, end) for start, end in spans if end > start]


# a name and its apposition, no verb: no clause of its own
_NAME_AND_APPOSITION = re.compile(
    r"\W*(?:[A-Z][\w.&'’-]*\s+){0,3}[A-Z][\w.&'’-]*,\s*(?:a|an|the)\s+(?:[\w’'-]+\s+){0,6}?"
    r"[\w’'-]+$"
)


def _split_listed_deals(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A clause cut before "and X's <deal>" when a deal noun comes before it ("Microsoft and
    OpenAI's partnership" is one deal of two companies, and stays whole)."""
    spans, cursor = [], start
    for match in _NEXT_POSSESSED_DEAL.finditer(text, start, end):
        if _HAS_DEAL_NOUN.search(text, cursor, match.start()):
            spans.append((cursor, match.start()))
            cursor = match.end()
    spans.append((cursor, end))
    return spans


def gated_types(lowered: str) -> set[str]:
    """The deal types whose stems occur in a lowered clause (see _TYPE_STEMS)."""
    types: set[str] = set()
    for match in STEM_SCAN.finditer(lowered):
        types |= STEM_TYPES[match.group()]
    return types


def clause_triggers(
    rules: Sequence[Rule], text: str, start: int, end: int
) -> list[tuple[Rule, re.Match[str]]]:
    """The trigger matches of one deal type in a clause, in reading order."""
    found = [
        (match.start(), order, rule, match)
        for order, rule in enumerate(rules)
        for match in rule.pattern.finditer(text, start, end)
    ]
    return [(rule, match) for _, _, rule, match in sorted(found, key=lambda item: item[:2])]


def is_reference(rule: Rule, text: str, match: re.Match[str], start: int) -> bool:
    if not rule.noun:
        return False
    before = text[max(start, match.start() - 40) : match.start()]
    if _VERB_BEFORE.search(before):
        return False  # "that Meta will license Midjourney's technology": a verb
    if match.group().lower().endswith("ed") and not _ADJECTIVE_BEFORE.search(before):
        return False  # "The Associated Press licensed part of its archive": a verb
    return bool(REFERENCE.search(before))


_ADJECTIVE_BEFORE = re.compile(r"\b(?:the|its|their|a|an|this|that)\s+$", re.IGNORECASE)
_VERB_BEFORE = re.compile(
    r"\b(?:will|would|to|can|could|may|might|shall|should|must|did|does)\s+$", re.IGNORECASE
)


def is_usable(rule: Rule, text: str, match: re.Match[str], start: int, has_money: bool) -> bool:
    before = text[start : match.start()]
    if _NEGATION.search(before[-80:]):
        return False
    if rule.money and not has_money:
        return False
    if rule.type == "investment" and _DIVEST.search(before[-50:]):
        return False  # "sold its entire stake in Nvidia": an exit, not an investment
    if _GERUND_CONTEXT.search(before[-12:]) and match.group().lower().endswith("ing"):
        return False  # "its first acquisition since raising $500 million": context
    reach = text[start : match.end() + 120]
    if rule.single and _NOT_A_ROUND.search(reach) and not _EQUITY_TOO.search(reach):
        # "raise $12.9bn from its second listing": capital markets, not a round (but "a mix
        # of equity and debt" raises equity too)
        return False
    if is_reference(rule, text, match, start):
        return (
            has_money
            or _is_event(text, match, start)
            or _named_pair(text, match, start, rule.type == "investment")
        )
    return True


# "AMD's chip supply agreement with OpenAI": a deal noun owned by a name and tied to another
_OWNED_BY_NAME = re.compile(r"[A-Z][\w.&-]*['’]s\s+(?:[\w$€£.,-]+\s+){0,3}$")
# "its outsized funding in OpenAI": money put into a named company, its owner named before
# (a partnership told this way, "its partnership with OpenAI", is a mere reference)
_OWNED_BY_PRONOUN = re.compile(r"\b(?:its|their)\s+(?:[\w$€£.,-]+\s+){0,3}$")
_HOLDING = re.compile(r"stakes?\b|shares?\b|holdings?\b", re.IGNORECASE)
# "Microsoft's contract with cloud computing provider Nebius": a name after a short epithet
_TIED_TO_NAME = re.compile(r"\s+(?:with|in|of|for|to)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,4}?[A-Z]")


def _named_pair(text: str, match: re.Match[str], start: int, money: bool = False) -> bool:
    """A deal noun between two names states a deal of its own, even told again."""
    if _HOLDING.match(match.group()):
        return False  # "Microsoft's stake in OpenAI is now worth $135 billion": a holding
    before = text[max(start, match.start() - 40) : match.start()]
    owned = _OWNED_BY_NAME.search(before) or (money and _OWNED_BY_PRONOUN.search(before))
    return bool(owned and _TIED_TO_NAME.match(text, match.end()))


def _is_event(text: str, match: re.Match[str], start: int) -> bool:
    """A referenced deal is news only when something happens to it ("expanded its ...",
    "The merger of Gannett and GateHouse, which became final Tuesday")."""
    before = text[max(start, match.start() - 60) : match.start()]
    after = text[match.end() :]
    return bool(_EVENT_BEFORE.search(before) or _EVENT_AFTER.match(after) or _OUTCOME.search(after))


def deal_type(rule: Rule, text: str, match: re.Match[str]) -> str:
    """The type a trigger's rule names, or the one its sentence shows: a "deal" to license
    technology or hire a startup's team is licensing, one for compute a contract; money
    committed to a cloud or chip supplier buys capacity, it is no stake."""
    if rule.type == "generic":
        if _FUNDING_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            return "investment"  # "a new $40 billion funding deal with SoftBank"
        if _FOR_FUNDING.match(text, match.end()):
            # "in discussions with lenders such as Bpifrance for hundreds of millions in debt"
            return "investment"
        if _DEFINITIVE.search(text, max(0, match.start() - 30), match.end()):
            return "acquisition"  # "signed a definitive agreement for Arm": M&A language
        if _TAKEOVER_BEFORE.search(text, max(0, match.start() - 30), match.start()):
            return "acquisition"
        if _LICENSING_CONTEXT.search(text):
            return "licensing"
        return "contract" if _SUPPLY_CONTEXT.search(text) else "partnership"
    if rule.type == "investment" and _MONEY_VERB.match(match.group()):
        # "commits $200 billion to Google Cloud in return for compute capacity": it buys
        after = text[match.end() : match.end() + 80]
        return "contract" if _BOUGHT_WITH.search(after) else "investment"
    following = text[match.end() : match.end() + 40]
    if rule.type == "acquisition" and rule.shape != "sym" and _EQUITY.match(following):
        # "bought a 10% stake in", "buy $2 billion of Intel stock": investing, not buying
        return "acquisition" if _CONTROL.search(following) else "investment"
    return rule.type
