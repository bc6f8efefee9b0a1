"""Stage 3: the deal's sum (not a valuation, a total or a market size), its stakes, and its key."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.records import Amount, DealMention
from pipeline.tagging.deals.records import Found
from pipeline.tagging.money import find_amounts, find_stakes

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


def found_amount(found: Found, text: str) -> Amount | None:
    """The deal's sum: within the trigger's reach, or anywhere in the clause when written
    as "the $14 billion deal"."""
    clause = text[found.clause[0] : found.clause[1]]
    scope_end = reach_end(text, found) - found.clause[0]
    trigger = found.start - found.clause[0]
    aside = _LEADING_ASIDE.match(clause)
    scope_start = aside.end() if aside and aside.end() <= trigger else 0
    amount = _deal_amount(clause[scope_start:scope_end], trigger - scope_start, found.type)
    if amount is None:
        tail = _deal_amount(clause[scope_end:], 0, found.type)
        named = tail and _NAMED_SUM.match(clause[scope_end + clause[scope_end:].find(tail.text) :])
        amount = tail if named else None
    return amount


def reach_end(text: str, found: Found) -> int:
    """Where the trigger's reach ends: the comma-segment after it that starts a new thought
    ("..., in its first acquisition since raising $500 million last year")."""
    end = found.clause[1]
    for match in _SEGMENT_STOP.finditer(text, found.end, end):
        return match.start()
    return end


def _deal_amount(clause: str, trigger: int, type_: str) -> Amount | None:
    """The deal-kind amount of the clause nearest the trigger (a joint venture may state
    its spending: "aims to invest up to $500 billion in AI infrastructure")."""
    # a joint venture may state its spending; a contract's or a licence's sum is what the
    # customer or licensee spends ("spent $900 million to hire ... and license ...")
    kinds = (
        {"deal", "spending"} if type_ in ("joint_venture", "contract", "licensing") else {"deal"}
    )
    if type_ == "acquisition" and _PRICED_AS_VALUE.search(clause):
        kinds.add("valuation")  # "an all-stock deal valuing the miner at $9 billion"
    usable = [
        a
        for a in find_amounts(clause)
        if a.kind in kinds and not (type_ in _NOT_RAISED and _raised(clause, a))
    ]
    return min(usable, key=lambda a: abs(clause.find(a.text) - trigger), default=None)


# "The startup, which has raised $1.3 billion from investors, was acquired by Amazon": a sum
# raised or invested is a funding round's, never the price of a takeover, a contract or a
# licence (a joint venture's or a partnership's may be what its partners invest)
_NOT_RAISED = frozenset({"acquisition", "contract", "licensing"})
_RAISED_BEFORE = re.compile(
    r"\b(?:rais(?:ed|es|ing)|invest(?:ed|s|ing)?|pour(?:ed|s|ing)?|pump(?:ed|s|ing)?|"
    r"inject(?:ed|s|ing)?)\s+(?:(?:a\s+total\s+of|about|around|roughly|nearly|more\s+than|"
    r"over|some|almost|at\s+least|another|an\s+additional|a\s+further)\s+)*$",
    re.IGNORECASE,
)
# "Months after raising $6 billion, xAI agreed to buy ...", "Following its $4 billion
# investment, ...": a leading aside that tells an earlier deal; its sums are that deal's
_LEADING_ASIDE = re.compile(
    r"^\W*(?:(?:[\w-]+\s+){0,3}?(?:after|following|since|before|like|unlike|besides)|as\s+with|"
    r"on\s+top\s+of|in\s+addition\s+to)\b[^,;]{0,120}?,\s*",
    re.IGNORECASE,
)


def _raised(clause: str, amount: Amount) -> bool:
    start = clause.find(amount.text)
    return start > 0 and _RAISED_BEFORE.search(clause, max(0, start - 60), start) is not None


def valuation_of(amounts: list[Amount]) -> float | None:
    values = [amount.usd for amount in amounts if amount.kind == "valuation"]
    return values[0] if values else None


def deal_stakes(text: str, deal: DealMention, found: Found) -> tuple[tuple[str, float], ...]:
    """Stake percentages, each given to the party it names, else to the investing side."""
    names = [party.name for party in deal.parties]
    default = next(iter(found.a), None) if found.a and found.b else None
    stakes = []
    for holder, fraction in find_stakes(text):
        name = match_name(holder, names) if holder else default
        if name:
            stakes.append((name, fraction))
    return tuple(stakes)


def match_name(written: str, names: Sequence[str]) -> str | None:
    lowered = written.lower()
    for name in names:
        if lowered in name.lower() or name.lower() in lowered:
            return name
    return None


# ---- a sum told after the deal ------------------------------------------------------------

# News often states a deal first and its sum a sentence or three later, naming the deal back
# with a definite noun: "the investment could exceed $10 billion", "the deal could be worth
# more than $2 billion", "The estimated $11.5 billion agreement ...", "to put up to $500
# billion into the joint venture". The noun says which deal types it can name back.
_ANY = frozenset({"investment", "acquisition", "licensing", "contract", "partnership"} | {
    "joint_venture"
})  # fmt: skip
_BACK_NOUNS: dict[str, frozenset[str]] = {
    "deal": _ANY,
    "agreement": _ANY,
    "transaction": _ANY,
    "pact": _ANY,
    "arrangement": _ANY,
    "tie-up": _ANY,
    # "the package was worth", "the price is", "the price tag": a deal's size by another name
    "package": frozenset({"investment", "acquisition", "contract", "licensing"}),
    "price": frozenset({"acquisition", "investment", "contract", "licensing"}),
    "price tag": frozenset({"acquisition", "investment", "contract", "licensing"}),
    "investment": frozenset({"investment"}),
    "commitment": frozenset({"investment", "contract", "joint_venture"}),
    "funding": frozenset({"investment"}),
    "financing": frozenset({"investment"}),
    "round": frozenset({"investment"}),
    "raise": frozenset({"investment"}),
    "fundraise": frozenset({"investment"}),
    "fundraising": frozenset({"investment"}),
    "acquisition": frozenset({"acquisition"}),
    "takeover": frozenset({"acquisition"}),
    "buyout": frozenset({"acquisition"}),
    "merger": frozenset({"acquisition"}),
    "purchase": frozenset({"acquisition", "contract"}),
    "sale": frozenset({"acquisition", "investment"}),
    "contract": frozenset({"contract"}),
    "order": frozenset({"contract"}),
    "orders": frozenset({"contract"}),
    "licence": frozenset({"licensing"}),
    "license": frozenset({"licensing"}),
    "joint venture": frozenset({"joint_venture"}),
    "venture": frozenset({"joint_venture"}),
    "project": frozenset({"joint_venture"}),
    "initiative": frozenset({"joint_venture"}),
    "partnership": frozenset({"partnership", "joint_venture", "licensing", "contract"}),
    "alliance": frozenset({"partnership", "joint_venture"}),
    "collaboration": frozenset({"partnership", "joint_venture"}),
}
# a modifier that narrows a generic noun: "this licensing deal", "the funding round"
_NARROWING = {"licensing": "licensing", "licence": "licensing", "license": "licensing"}
_NOUNS = "|".join(re.escape(noun) for noun in sorted(_BACK_NOUNS, key=len, reverse=True))
# "the deal", "this investment", "Amazon's investment" (a party's: see with_named_back_sums)
_NAMED_BACK = (
    r"\b(?:the|this|that|(?-i:[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)?)['’]s)\s+"
    rf"(?P<mods>(?:[\w’'-]+\s+){{0,3}}?)(?P<noun>{_NOUNS})(?![\w-])"
)
# "the earlier deal", "Amazon's first investment": an earlier deal, not the one just told
_EARLIER = re.compile(
    r"\b(?:earlier|previous|prior|last|first|initial|original|past|former|old|\d{4})\b",
    re.IGNORECASE,
)
# "the pay package", "the stimulus package", "the share price": what the noun names is no deal
_NO_DEAL_MODS = re.compile(
    r"\b(?:pay|compensation|salary|bonus|stimulus|rescue|aid|share|stock|offer|asking)\b",
    re.IGNORECASE,
)
_QUALIFIERS = (
    r"(?:(?:up to|more than|over|nearly|about|around|roughly|at least|as much as|almost|"
    r"approximately|some|close to|in excess of|upwards of|an estimated|estimated|a|an)\s+)?"
)
# "the deal could be worth", "the investment will come to", "The deal's maximum value is put
# at up to": the named deal, then a verb that gives its size, then the sum
_AUXILIARIES = (
    r"(?:(?:which|that|is|was|are|were|will|would|could|may|might|can|should|has|have|had|be|been|now|"
    r"also|potentially|reportedly|likely|possibly|said|to|thought|estimated|expected|believed|"
    r"understood|even)\s+){0,4}"
)
# the named deal's own size: "the deal's value", "the purchase price", "the deal value"
_ITS_SIZE = (
    r"(?:['’]s\s+(?:[\w-]+\s+){0,2}?(?:value|price|size|worth|cost)|"
    r"\s+(?:price(?:\s+tag)?|value|size))?"
)
# "the deal could be worth", "the investment will come to", "The deal's maximum value is put
# at up to", "The acquisition, valued at about": the named deal, then a verb that gives its
# size, then the sum
# between the named deal and its verb: a comma or a dash ("The deal—valued at"), or an aside
# ("The contract, which runs for five years, is worth", "The deal, at $95 a share, values")
_BETWEEN = r"(?:\s*[,—–]\s*(?:[^,;—–]{1,60}[,—–]\s*)?|\s+)"
_LINKED_BEFORE = re.compile(
    _NAMED_BACK + _ITS_SIZE + _BETWEEN + _AUXILIARIES + r"(?:worth|valued\s+at|priced\s+at|"
    r"put\s+at|set\s+at|estimated\s+at|pegged\s+at|(?:come|comes|came|amount|amounts|"
    r"amounted)\s+to|exceed(?:s|ed)?|top(?:s|ped)?|total(?:s|led|ed|ling|ing)?|"
    r"reach(?:es|ed)?|is|was|be|"
    # "has a total value of up to"
    r"(?:has|have|had|carries|carry|carried|with)\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:value|price\s+tag|price|worth|size)\s+of)\s+" + _QUALIFIERS + r"$",
    re.IGNORECASE,
)
# "The deal values Core Scientific at about $9 billion": a takeover's price is what it
# values the company it buys at (for other deals such a sum is a valuation, no deal's sum)
_VALUES_BEFORE = re.compile(
    _NAMED_BACK + _BETWEEN + _AUXILIARIES + r"valu(?:es|ed|ing|e)\s+"
    # the company bought, not a merger's combined group ("values the combined company at")
    r"(?!(?:the\s+)?(?:combined|merged|enlarged|joint|new)\b)(?:[^\s,;]+\s+){1,5}?"
    r"at\s+" + _QUALIFIERS + r"$",
    re.IGNORECASE,
)
# "People familiar valued the deal at $32 billion", "Nebius put the deal's value at": the
# deal itself is what is valued, whatever its type
_DEAL_VALUED_AT = re.compile(
    r"\b(?:valu(?:ed|es|ing|e)|pric(?:ed|es|ing|e)|put|puts|putting|pegg?(?:ed|s|ing)?|"
    r"estimat(?:ed|es|ing|e))\s+" + _NAMED_BACK[2:] + r"(?:['’]s\s+(?:[\w-]+\s+){0,2}?"
    r"(?:value|price|size|worth|cost))?\s+at\s+" + _QUALIFIERS + r"$",
    re.IGNORECASE,
)
# "Under the arrangement, Apple would pay roughly $1 billion a year": a sum paid under the
# deal named back at the start of the sentence
_UNDER_START = re.compile(
    r"^\W*(?:under|as\s+part\s+of|through|per)\s+(?:the\s+terms\s+of\s+)?"
    + _NAMED_BACK[2:]
    + r"\b",
    re.IGNORECASE,
)
_PAID = re.compile(
    r"\b(?:pay|pays|paid|paying|invest|invests|invested|investing|spend|spends|spent|"
    r"spending|receive|receives|received|get|gets|got|inject\w*|put|puts|putting|commit\w*)\b"
    r"[^.;]{0,30}$",
    re.IGNORECASE,
)
# "The estimated $11.5-billion power purchase agreement": the sum inside the named deal
_INSIDE_BEFORE = re.compile(r"\b(?:the|this|that)\s+(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)
_INSIDE_AFTER = re.compile(
    rf"^(?:-dollar|-plus)?[\s-]+(?P<mods>(?:[\w’'-]+\s+){{0,3}}?)(?P<noun>{_NOUNS})(?![\w-])",
    re.IGNORECASE,
)
# "to put up to $500 billion into the joint venture", "paid $1bn for the purchase"
_INTO_AFTER = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:into|in|for|to|toward|towards)\s+" + _NAMED_BACK, re.IGNORECASE
)
_TIED_KINDS = frozenset({"deal", "spending"})
# sentences after a deal's own within which "the deal" still names it
_BACK_REACH = 3
# ... and further on when no deal has been told since: an article about one deal may give
# its sum paragraphs later ("GeekWire reported the deal was worth about $200 million")
_LAST_DEAL_REACH = 8


def named_back_sums(
    sentence: str, amounts: Sequence[Amount] | None = None
) -> list[tuple[Amount, frozenset[str], str]]:
    """The sums a sentence ties to a deal it names back ("the deal could be worth $2
    billion"): each with the deal types the naming noun can mean, and the noun."""
    tied = []
    position = 0
    for amount in find_amounts(sentence) if amounts is None else amounts:
        start = sentence.find(amount.text, position)
        if start < 0 or amount.kind not in _TIED_KINDS:
            continue
        position = end = start + len(amount.text)
        before = sentence[max(0, start - 120) : start]
        match = (
            _LINKED_BEFORE.search(before)
            or _DEAL_VALUED_AT.search(before)
            or (_INSIDE_BEFORE.search(before) and _INSIDE_AFTER.match(sentence[end:]))
            or _INTO_AFTER.match(sentence[end:])
            or (_PAID.search(before) and _UNDER_START.match(sentence))
        )
        if match and not _of_an_earlier_deal(match, before):
            tied.append((amount, *_named(match)))
    return tied


def _of_an_earlier_deal(match: re.Match[str], before: str) -> bool:
    """ "the earlier deal", "The first $4 billion investment": a deal told before, by its age;
    "the pay package", "the share price": no deal at all."""
    if _EARLIER.search(match.group("mods")) or _NO_DEAL_MODS.search(match.group("mods")):
        return True
    return match.re is _INSIDE_AFTER and _EARLIER.search(before[-40:]) is not None


def _named(match: re.Match[str]) -> tuple[frozenset[str], str]:
    """The deal types a naming noun can mean ("this licensing deal": licensing only)."""
    noun = match.group("noun").lower()
    narrowed = [_NARROWING[m] for m in match.group("mods").lower().split() if m in _NARROWING]
    return (frozenset(narrowed) if narrowed else _BACK_NOUNS[noun]), noun


def _valuing_sums(
    sentence: str, amounts: Sequence[Amount]
) -> list[tuple[Amount, frozenset[str], str]]:
    """Sums read as valuations that are a deal's own: the value put on the deal named back
    ("valued the deal at"), or the company value a takeover named back puts on its target."""
    tied = []
    position = 0
    for amount in amounts:
        start = sentence.find(amount.text, position)
        if start < 0 or amount.kind != "valuation":
            continue
        position = start + len(amount.text)
        before = sentence[max(0, start - 120) : start]
        match = _DEAL_VALUED_AT.search(before)
        if match:
            tied.append((amount, *_named(match)))
            continue
        match = _VALUES_BEFORE.search(before)
        if match:
            types, noun = _named(match)
            if "acquisition" in types:
                tied.append((amount, frozenset({"acquisition"}), noun))
    return tied


def with_named_back_sums(
    deals: list[DealMention], index: int, sentence: str, named: Sequence[str] = ()
) -> list[DealMention]:
    """The deals once `sentence` (at `index`) is read for sums it ties to a deal named back:
    the nearest earlier deal the noun can mean, within reach, takes the sum when it has none
    (one that has a sum keeps it: the sentence restates it). A sum some deal already holds
    is that deal's, not a follow-up. `named` are the orgs the sentence names (outlets left
    out): when it names any, the deal it names back has one of them among its parties."""
    amounts = find_amounts(sentence) if deals else []
    if not amounts:
        return deals
    tied = named_back_sums(sentence, amounts) + _valuing_sums(sentence, amounts)
    if not tied:
        return _with_paid_sum(deals, index, sentence, amounts, named)
    deals = list(deals)
    for amount, types, noun in tied:
        if any(d.amount is not None and _same_sum(d.amount, amount) for d in deals):
            continue
        for position in range(len(deals) - 1, -1, -1):
            deal = deals[position]
            distance = index - deal.sentence_index
            last = position == len(deals) - 1
            if distance > (_LAST_DEAL_REACH if last else _BACK_REACH):
                break
            # a deal told before may be named back by the noun it was told with ("a
            # multi-billion dollar investment" typed as the partnership it extends)
            told_with = deal.sentence_index != index and noun in deal.sentence.lower()
            if deal.type not in types and not told_with:
                continue
            if named and not {party.name for party in deal.parties} & set(named):
                continue  # "The deal values Foo at ...": some other company's deal
            if deal.amount is None:
                given = replace(deal, amount=amount)
                deals[position] = replace(given, deal_key=deal_key(given))
            break
    return deals


# "Terms were not disclosed, but CNBC reported Nvidia would pay $20 billion", "Microsoft is
# paying Inflection about $650 million": a party of the deal just told pays the sum
_PAYS = re.compile(
    r"\b(?:pay|pays|paid|paying|invest|invests|invested|investing|commit|commits|committed|"
    r"committing|shell(?:s|ed|ing)?\s+out|fork(?:s|ed|ing)?\s+over|hand(?:s|ed|ing)?\s+over)"
    r"(?:\s+(?-i:[A-Z][\w.&’'-]*)(?:\s+(?-i:[A-Z0-9][\w.&’'-]*)){0,2})?"
    r"(?:\s+(?:a\s+total\s+of|about|around|roughly|nearly|more\s+than|over|some|almost|"
    r"at\s+least|up\s+to|as\s+much\s+as|close\s+to|an\s+estimated|a\s+reported))?\s+$",
    re.IGNORECASE,
)


def _with_paid_sum(
    deals: list[DealMention],
    index: int,
    sentence: str,
    amounts: Sequence[Amount],
    named: Sequence[str],
) -> list[DealMention]:
    """The deals once a sentence that tells no deal of its own gives the sum a party of the
    last deal pays: every org it names is one of that deal's parties, the deal has no sum
    and was told within reach, and no deal holds the sum already."""
    if not named or any(deal.sentence_index == index for deal in deals):
        return deals
    position = len(deals) - 1
    deal = deals[position]
    parties = {party.name for party in deal.parties}
    if deal.amount is not None or not 0 < index - deal.sentence_index <= _BACK_REACH:
        return deals
    if not set(named) <= parties:
        return deals
    start = 0
    for amount in amounts:
        start = sentence.find(amount.text, start)
        if start < 0:
            return deals
        if amount.kind != "deal" or _ANOTHER_DEAL_BEFORE.search(sentence, 0, start):
            continue
        if not _PAYS.search(sentence, max(0, start - 60), start):
            continue
        if any(d.amount is not None and _same_sum(d.amount, amount) for d in deals):
            return deals
        given = replace(deal, amount=amount)
        return [*deals[:position], replace(given, deal_key=deal_key(given))]
    return deals


def _same_sum(a: Amount, b: Amount) -> bool:
    return abs(a.usd - b.usd) <= 0.02 * max(a.usd, b.usd)


# ---- several deals told in one sentence ---------------------------------------------------

# "invested $2 billion in xAI and $500 million in Mistral": a sum told just before the company
# it goes to ("in", "into", "to", "for" and a few words, no comma) is that company's own
_SUM_GOES_TO = re.compile(
    # "$2 billion in xAI", "a $5 million round for Harvey"
    r"^\s+(?:(?:[\w-]+\s+){0,2}?(?:round|investment|stake|funding|financing)\s+)?"
    r"(?:in|into|to|for)\s+(?!(?:[\w’'.-]+\s+){0,3}?(?:like|such\s+as|including|among)\s)"
    r"(?:[\w’'.-]+\s+){0,4}?$",
    re.IGNORECASE,
)
# "... to Nebius, CoreWeave and Lambda": a sum told before a list is the list's, not the first's
# "a $40 billion funding round for the latter": the last of the companies named before
_FOR_THE_FORMER = re.compile(
    r"\s+(?:[\w-]+\s+){0,3}?(?:in|into|to|for|of)\s+the\s+(latter|former)\b", re.IGNORECASE
)
# (a comma and a name then a clause of its own is no list: "in OpenAI, Google invested ...")
_NAME = r"[A-Z][\w.&’'-]*(?:\s+[A-Z0-9][\w.&’'-]*)*"
_LIST_GOES_ON = re.compile(
    rf"^(?:\s*,\s*{_NAME}\s*(?:,|\band\b|\bor\b)|\s+(?:and|or|&)\s+{_NAME}\s*(?:[,.;:)]|$))"
)


def own_sums(text: str, named: Sequence[tuple[str, int]]) -> dict[str, Amount]:
    """Each company's own sum in a sentence that tells deals with several companies, by
    where the sum stands: `named` holds each org's canonical name and its start in `text`."""
    starts = sorted(named, key=lambda pair: pair[1])
    own: dict[str, Amount] = {}
    position = 0
    for amount in find_amounts(text):
        start = text.find(amount.text, position)
        if start < 0:
            continue
        end = position = start + len(amount.text)
        if amount.kind != "deal":
            continue
        pointer = _FOR_THE_FORMER.match(text, end)
        before = [pair for pair in starts if pair[1] < start]
        if (
            pointer and len(before) >= 2
        ):  # "... Perplexity and OpenAI, a $40 billion round for the latter"
            pointed = before[-1] if pointer.group(1).lower() == "latter" else before[-2]
            own.setdefault(pointed[0], amount)
            continue
        after = next((pair for pair in starts if pair[1] >= end), None)
        if after is None or after[0] in own or not _SUM_GOES_TO.match(text[end : after[1]]):
            continue
        name_end = min((s for _, s in starts if s > after[1]), default=len(text))
        if not _LIST_GOES_ON.match(_after_name(text, after[1], name_end)):
            own[after[0]] = amount
    return own


def _after_name(text: str, start: int, limit: int) -> str:
    """The text after the org written at `start`: its name runs over capitalised words."""
    match = re.compile(r"[\w&.’'-]+(?:\s+[A-Z0-9][\w&.’'-]*)*").match(text, start, limit)
    return text[match.end() if match else start :]


# A sentence that follows a deal up may tell an earlier deal to compare: "The deal comes years
# after Microsoft invested $1 billion", "follows Amazon's $4 billion investment last year".
_ANOTHER_DEAL_BEFORE = re.compile(
    r"\b(?:after|following|follows|followed|since|before|builds?\s+on|built\s+on|mirrors?|"
    r"dwarf\w*|compared\s+(?:with|to)|than|like|unlike|similar\s+to|on\s+top\s+of|"
    r"in\s+addition\s+to|adds?\s+to|added\s+to|earlier|previous\w*|prior|last)\b",
    re.IGNORECASE,
)


def follow_up_sum(
    sentence: str, amounts: Sequence[Amount], kinds: frozenset[str] | set[str]
) -> Amount | None:
    """The sum a sentence that follows a deal up gives it: the one it ties to the deal named
    back ("The deal is worth $5 billion"), else its first sum of the deal's kinds that no
    comparison ties to an earlier deal."""
    tied = named_back_sums(sentence, amounts)
    if tied:
        return tied[0][0]
    position = 0
    for amount in amounts:
        start = sentence.find(amount.text, position)
        if start < 0:
            continue
        position = start + len(amount.text)
        if amount.kind in kinds and not _ANOTHER_DEAL_BEFORE.search(sentence, 0, start):
            return amount
    return None


# ---- a headline's sum ---------------------------------------------------------------------

# A headline tells a deal in few words, often too few to read a deal from ("Nvidia's $5 billion
# Intel bet", "OpenAI in talks for $40bn SoftBank-led funding"); the body's first sentences
# tell it again without the sum.
_HEADLINE_END = re.compile(r"[.!?]['’\"”)]*\s*$")
_HEADLINE_REACH = 3  # body sentences in which the headline's deal is told again


def with_headline_sum(
    deals: list[DealMention], headline: str, named: Sequence[str]
) -> list[DealMention]:
    """The deals with the headline's one sum given to the first body deal near the top that
    has none, is news, and has its parties named in the headline (two of them, or its only
    one). `headline` is the article's first sentence, `named` the orgs it names; a first
    sentence that ends like a sentence is no headline."""
    if not deals or not named or _HEADLINE_END.search(headline):
        return deals
    sums = [a for a in find_amounts(headline) if a.kind == "deal"]
    if len(sums) != 1 or any(d.amount and _same_sum(d.amount, sums[0]) for d in deals):
        return deals
    for position, deal in enumerate(deals):
        if not 0 < deal.sentence_index <= _HEADLINE_REACH:
            continue
        parties = {party.name for party in deal.parties}
        named_here = len(parties & set(named)) >= min(2, len(parties))
        if deal.amount is None and not deal.background and named_here:
            given = replace(deal, amount=sums[0])
            given = replace(given, deal_key=deal_key(given))
            return [*deals[:position], given, *deals[position + 1 :]]
        break  # only the first body deal can be the headline's
    return deals
