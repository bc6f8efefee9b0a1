"""Sums of money and stake percentages as news writes them, in one sentence at a time.

`find_amounts` turns "$13bn", "US$10 billion", "€2 billion", "two billion euros", "Rs 500
crore", "$1-2 billion" into `Amount` records in USD, each with the qualifier written before
it ("up to", "around") and a `kind` saying what the sum is: a deal's price, a valuation, a
stake's value, a market size, spending, revenue, or something else. Only "deal" amounts may
become a deal's amount; the rest are context the deal extractor must not confuse with it.

Everything here is pure and works on one sentence: the kind is read from the words around
the number, nearest cue first, because news puts the noun that says what a sum is next to it
("a $157 billion valuation", "valued at $157 billion", "$3.3 billion commitment to new
facilities").
"""

from __future__ import annotations

import re

from pipeline.records import Amount

# ---- currencies ---------------------------------------------------------------------------

# USD per unit of each currency: approximate mid-market rates taken on 2025-06-30. They are
# good to a few per cent, which is all a news monitor needs (amounts are banded by order of
# magnitude for grouping); they are not for accounting. Pegged currencies (AED, SAR, HKD) are
# stable; the rest drift, so refresh the table and its date together.
RATES_DATE = "2025-06-30"
USD_PER_UNIT: dict[str, float] = {
    "USD": 1.0,
    "EUR": 1.17,
    "GBP": 1.37,
    "JPY": 0.0069,
    "CNY": 0.1395,
    "INR": 0.0117,
    "CAD": 0.733,
    "AUD": 0.655,
    "NZD": 0.607,
    "CHF": 1.255,
    "KRW": 0.000735,
    "AED": 0.2723,
    "SAR": 0.2667,
    "HKD": 0.1274,
    "SGD": 0.785,
    "TWD": 0.0342,
    "BRL": 0.183,
    "SEK": 0.105,
    "ILS": 0.296,
}

# Symbols and codes written before the number. "¥" alone is read as yen (CN¥/RMB for yuan),
# and a bare "$" as US dollars: both are what English-language news means by them.
_PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "US $": "USD", "USD": "USD", "$": "USD",
    "A$": "AUD", "AU$": "AUD", "AUD": "AUD", "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD",
    "NT$": "TWD", "R$": "BRL", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "¥": "JPY", "JP¥": "JPY", "JPY": "JPY", "CN¥": "CNY", "CNY": "CNY", "RMB": "CNY",
    "Rs.": "INR", "Rs": "INR", "₹": "INR", "INR": "INR", "CHF": "CHF", "SFr.": "CHF",
    "₩": "KRW", "KRW": "KRW", "AED": "AED", "Dhs": "AED", "Dh": "AED", "SAR": "SAR",
    "SEK": "SEK", "ILS": "ILS", "₪": "ILS",
}  # fmt: skip

# Currency words written after the number ("two billion euros", "500 crore rupees").
_SUFFIXES: dict[str, str] = {
    "us dollars": "USD", "u.s. dollars": "USD", "dollars": "USD", "dollar": "USD",
    "canadian dollars": "CAD", "australian dollars": "AUD", "hong kong dollars": "HKD",
    "singapore dollars": "SGD", "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP",
    "pounds": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupees": "INR", "korean won": "KRW", "won": "KRW", "swiss francs": "CHF",
    "francs": "CHF", "dirhams": "AED", "riyals": "SAR", "shekels": "ILS",
    # codes written after the number ("1.5 billion USD")
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cny": "CNY", "inr": "INR",
    "cad": "CAD", "aud": "AUD", "chf": "CHF", "krw": "KRW", "sgd": "SGD", "hkd": "HKD",
}  # fmt: skip

_SCALES: dict[str, float] = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "t": 1e12,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "mm": 1e6, "m": 1e6,
    # non-native English writes plurals after a number ("€2,5 millions")
    "trillions": 1e12, "billions": 1e9, "millions": 1e6,
    "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5, "lakh crore": 1e12,
    "cr": 1e7, "lakh cr": 1e12,  # "Rs 1,200 cr": Indian outlets shorten crore
}  # fmt: skip

_WORD_NUMBERS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100,
    "one hundred": 100, "hundred": 100, "half a": 0.5, "a half": 0.5,
}  # fmt: skip


def _alternation(words: list[str]) -> str:
    """Longest first, so "US$" wins over "$" and "lakh crore" over "lakh"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Some outlets write a decimal comma ("$97,4-billion"): one or two digits after the comma,
# then a scale word, is a fraction, never thousands.
_DECIMAL_COMMA = r"\d{1,3},\d{1,2}(?=\s?-?\s?(?i:(?:tr|b|m)illions?|bn|mn|tn)\b|[BbMm]\b)"
_NUM = rf"{_DECIMAL_COMMA}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR = rf"(?<![A-Za-z])(?:{_alternation(list(_PREFIXES))})"
# Word scales may be hyphenated ("$1.25-billion"); one-letter scales must touch the number
# ("$13B", "$500m") so "$5 m" or "$5 in" are never read as millions.
_SCALE_WORDS = _alternation([s for s in _SCALES if len(s) > 1])
# Headlines capitalise them ("$33 Billion", "Rs 20,600 Crore").
_SCALE = rf"(?:\s?-?\s?(?P<{{w}}>(?i:{_SCALE_WORDS}))\b|(?P<{{l}}>[TtBbMmKk])(?![A-Za-z]))"

_PREFIXED = re.compile(
    rf"""(?P<between>\bbetween\s+)?
    (?P<cur>{_CUR})\s?(?P<n1>{_NUM}){_SCALE.format(w="w1", l="l1")}?
    (?:(?:\s*[-–—]\s*|\s+to\s+|(?(between)\s+and\s+|(?!)))
       (?P<cur2>{_CUR})?\s?(?P<n2>{_NUM}){_SCALE.format(w="w2", l="l2")}?)?""",
    re.VERBOSE,
)
_SUFFIXED = re.compile(
    rf"""\b(?P<n1>{_NUM}|{_alternation(list(_WORD_NUMBERS))})
    (?:\s*(?:-|–|to)\s*(?P<n2>{_NUM}))?
    (?:\s?-?\s?(?P<w1>{_SCALE_WORDS}))?\s+(?:of\s+)?
    (?P<cur>{_alternation(list(_SUFFIXES))})\b""",
    re.VERBOSE | re.IGNORECASE,
)

# One sum as written, for other patterns to embed (the deal vocabulary's "<sum>"): the forms
# above without their groups, a suffixed form only with a scale word ("two billion euros").
_PLAIN_SCALE = rf"(?:\s?-?\s?(?i:{_SCALE_WORDS})\b|[TtBbMmKk](?![A-Za-z]))"
_PLAIN_PREFIXED = rf"{_CUR}\s?(?:{_NUM}){_PLAIN_SCALE}?"
SUM_PATTERN = (
    rf"(?:{_PLAIN_PREFIXED}(?:\s*[-–—]\s*(?:{_CUR})?\s?(?:{_NUM}){_PLAIN_SCALE}?|"
    rf"\s+to\s+{_PLAIN_PREFIXED})?|"
    rf"\b(?:{_NUM}|{_alternation(list(_WORD_NUMBERS))})\s?-?\s?(?i:{_SCALE_WORDS})\s+(?:of\s+)?"
    rf"(?i:{_alternation(list(_SUFFIXES))})\b)"
)

_SPACES = re.compile(r"\s+")
_QUALIFIER = re.compile(
    r"\b(up to|more than|over|nearly|about|around|roughly|at least|as much as|almost|"
    r"approximately|some|close to|in excess of|upwards of|less than|under|just over|"
    r"just under|an estimated|estimated|as little as|at most)\s+$",
    re.IGNORECASE,
)


def find_amounts(sentence: str) -> list[Amount]:
    """Every sum of money in `sentence`, in order, converted to USD and classified.

    A range ("$1-2 billion", "between $10 billion and $20 billion") is one Amount whose
    value is the upper end (the headline figure, as with "up to") and whose qualifier is
    "between" unless a qualifier is written before it.
    """
    amounts = []
    previous_end = 0
    for start, end, value, currency, is_range, told_start, told_end in _one_per_sum(sentence):
        qualifier, cue_end = _qualifier(sentence, told_start)
        if qualifier is None and start != told_start:  # "€450 million (about $487 million)"
            qualifier = _qualifier(sentence, start)[0]
        if is_range:
            qualifier = qualifier or "between"
        elif qualifier is None and sentence.startswith("-plus", told_end):
            qualifier = "more than"  # "a $10bn-plus deal"
        kind = _classify(sentence, cue_end, told_end, previous_end)
        usd = value * USD_PER_UNIT[currency]
        if usd < _SMALLEST_DEAL and kind == "deal":
            kind = "other"  # "$20 a month", "€2 each": a price, no deal's sum
        text = sentence[start:end]
        amounts.append(Amount(text, value, currency, usd, qualifier=qualifier, kind=kind))
        previous_end = told_end
    return amounts


# Below this a sum is a price (a subscription, a fee, a share), never what a deal is worth
_SMALLEST_DEAL = 50_000.0

_Span = tuple[int, int, float, str, bool]  # start, end, value, currency, is a range

# "€450 million ($487 million)", "£500 million, roughly $667.7 million,", "$6.5 billion (approx
# Rs 55,814 crore)": one sum told in two currencies.
_ABOUT = (
    r"(?:approx\.?|approximately|about|around|roughly|some|nearly|almost|just over|just under|"
    r"over|or|equivalent to|equal to|worth)"
)
# in brackets, or after a comma or "or" with a word that says it is the same sum ("£500
# million, roughly $667.7 million"); a bare comma lists sums ("$500 million, £400 million")
_EQUIVALENT = re.compile(
    rf"\s*(?:\(\s*(?:{_ABOUT}\s+)?|,\s*{_ABOUT}\s+|,?\s*\bor\s+(?:{_ABOUT}\s+)?)$", re.IGNORECASE
)
_CLOSING = re.compile(r"\s*\)")


def _one_per_sum(sentence: str) -> list[tuple[int, int, float, str, bool, int, int]]:
    """Each sum once, with where its telling ends: a sum followed by its value in another
    currency is one sum, read in US dollars when either telling is (outlets add the dollar
    figure for their readers; the dollar figure is what a reader compares), and its kind is
    read after both."""
    spans = _money_spans(sentence)
    merged: list[tuple[int, int, float, str, bool, int, int]] = []
    skip = False
    for index, span in enumerate(spans):
        if skip:
            skip = False
            continue
        nxt = spans[index + 1] if index + 1 < len(spans) else None
        if nxt is not None and _same_sum(sentence, span, nxt):
            closing = _CLOSING.match(sentence, nxt[1])
            told_end = closing.end() if closing else nxt[1]
            chosen = nxt if nxt[3] == "USD" else span
            merged.append((*chosen, span[0], told_end))
            skip = True
            continue
        merged.append((*span, span[0], span[1]))
    return merged


def _same_sum(sentence: str, first: _Span, second: _Span) -> bool:
    if first[3] == second[3] or "USD" not in (first[3], second[3]):
        return False
    if not _EQUIVALENT.match(sentence[first[1] : second[0]]):
        return False
    a, b = first[2] * USD_PER_UNIT[first[3]], second[2] * USD_PER_UNIT[second[3]]
    # rates drift and outlets round: within a quarter of each other is the same sum
    return a > 0 and b > 0 and max(a, b) <= 1.25 * min(a, b)


def _money_spans(sentence: str) -> list[_Span]:
    """Each amount's span and value; prefixed forms ("$5bn") win over suffixed ones."""
    spans = [span for m in _PREFIXED.finditer(sentence) if (span := _prefixed(m))]
    for match in _SUFFIXED.finditer(sentence):
        span = _suffixed(match)
        if span and not any(s[0] < span[1] and span[0] < s[1] for s in spans):
            spans.append(span)
    return sorted(spans)


def _prefixed(match: re.Match[str]) -> _Span | None:
    scale1 = _scale(match.group("w1") or match.group("l1"))
    currency = _PREFIXES[match.group("cur")]
    value1 = _number(match.group("n1")) * scale1
    if match.group("n2") is None:
        if match.group("between"):  # "between $5bn" with no second end: not a range
            return None
        return match.start("cur"), match.end(), value1, currency, False
    scale2 = _scale(match.group("w2") or match.group("l2"))
    if scale2 == 1 and match.group("cur2") is None:
        # "$5 billion to 10 companies": the second number is not money, so no range.
        first_end = max(match.end("n1"), match.end("w1"), match.end("l1"))
        return match.start("cur"), first_end, value1, currency, False
    return match.start(), match.end(), _number(match.group("n2")) * scale2, currency, True


def _suffixed(match: re.Match[str]) -> _Span | None:
    last = match.group("n2") or match.group("n1")
    if not match.group("w1") and "," not in last:
        return None  # "founded in 2019 won a contract": a bare number is not a sum
    value = _number(last) * _scale(match.group("w1"))
    currency = _SUFFIXES[match.group("cur").lower()]
    return match.start(), match.end(), value, currency, match.group("n2") is not None


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    if len(word) == 1:
        return _SCALES[word.lower()]
    return _SCALES[_SPACES.sub(" ", word.lower())]


def _number(text: str) -> float:
    word = text.lower()
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma
        return float(text.replace(",", "."))
    return float(text.replace(",", ""))


def _qualifier(sentence: str, start: int) -> tuple[str | None, int]:
    """The qualifier written just before an amount, and where the cue window should end."""
    window_start = max(0, start - 20)
    match = _QUALIFIER.search(sentence, window_start, start)
    if match:
        return match.group(1).lower(), match.start(1)
    sign = _ABOUT_SIGN.search(sentence, window_start, start)
    if sign:  # "~$1 billion", "±$25 billion", "c.$2bn"
        return "about", sign.start()
    return None, start


_ABOUT_SIGN = re.compile(r"(?:~|±|≈|\bc\.|\bca\.)\s?$")


# ---- what kind of sum ---------------------------------------------------------------------

# The noun right after an amount says what it is ("a $6.6 billion funding round", "a $157
# billion valuation"); up to two modifiers may sit between ("$10 billion cloud computing deal").
_NOUN_KINDS: tuple[tuple[str, str], ...] = (
    ("valuation|market cap\\w*|market value", "valuation"),
    ("deal|contract|agreement|acquisition|takeover|buyout|purchase|round|funding|financing|"
     "series [a-h]|raise|injection|stake|bid|offer|tender|transaction|merger|price tag", "deal"),
    ("investment|commitment|pledge", "weak_deal"),
    ("initiative|project|programme|program|plan(?!\\s+to\\s+(?:buy|acquire|purchase|invest|take))|"
     "capex|capital expenditures?|budget|build-?out|"
     "expansion(?!\\s+with)|campus|facilit(?:y|ies)|data cent(?:er|re)s?|plant|factory|fab|cluster|"
     "supercomputer|infrastructure|spending|spend", "spending"),
    ("revenues?|sales|profits?|loss(?:es)?|earnings|net income|income|run-?rate|arr|"
     "turnover|bookings|guidance", "revenue"),
    ("market|industry|sector|opportunity", "market_size"),
    ("fine|penalty|settlement|lawsuit|damages|pay package|compensation|salary|bonus|tax|"
     "costs?|loan|debt|bond", "other"),
)  # fmt: skip
_MODIFIER = (
    r"(?:(?!(?:in|to|for|from|of|on|at|by|with|into|and|or|the|a|an|through|via|over|across|"
    r"per|after|before|since|as|than|including|under|during|within|between|among|amid|"
    r"against|toward|towards|while|but)\b)[\w’'-]+\s+)"
)
_AFTER_NOUN = [
    (re.compile(rf"^(?:-dollar|-plus)?\s+{_MODIFIER}{{0,2}}?(?:{nouns})\b", re.I), kind)
    for nouns, kind in _NOUN_KINDS
]
_AFTER_IN = [  # "$12 billion in revenue", "$2 billion in new funding"
    (re.compile(rf"^\s+(?:in|of)\s+(?:[\w-]+\s+){{0,2}}?(?:{nouns})\b", re.I), kind)
    for nouns, kind in _NOUN_KINDS
    if kind != "market_size"
]
# "invest $10 billion in data centres / to build new facilities": money for one company's own
# build-out, not a price paid to a counterparty.
# The words before the object may not cross into a purpose ("in a bid to push into chip
# markets", "in return for compute capacity"), and the build-out word must be the object, not a
# company's trade ("into chip design software maker Synopsys").
_SPENDING_TARGET = re.compile(
    r"^(?:(?!\b(?:to|bid|effort|attempt|order|return|exchange)\b)[^.;,]){0,40}?"
    r"\b(?:in|on|into|toward|towards|to build|to construct)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:infrastructure|data cent|facilit|campus|capacity|factor|fab\b|plants?\b|construction|"
    r"manufacturing|sites?\b|servers?|chips?\b|hardware)"
    r"(?![\w-]*\s+(?:[\w-]+\s+){0,2}?(?:makers?|manufacturers?|designers?|developers?|"
    r"providers?|operators?|suppliers?|vendors?|compan(?:y|ies)|firms?|start-?ups?|groups?|"
    r"specialists?|outfits?|businesses|markets?)\b)",
    re.I,
)

# "a $3.3 billion commitment to new facilities": a pledge towards a build-out.
_PLEDGE_TARGET = re.compile(
    r"^\s*\S+\s+(?:to|for)\s+(?:[\w-]+\s+){0,3}?(?:infrastructure|data cent|facilit|campus|"
    r"capacity|factor|fab\b|plants?\b|construction|manufacturing|sites?\b)",
    re.I,
)

# Cues before an amount; the nearest one wins.
_BEFORE_CUES = re.compile(
    r"(?P<valuation>\bvalu(?:ing|es|ation)\b|\bmarket (?:cap\w*|value)\b|"
    # "would value the startup at": the verb (after a modal or "to"), its object, then "at";
    # not the noun ("the deal's value is put at")
    r"\b(?:would|could|will|may|might|should|can|to)\s+(?:\w+\s+)?value"
    r"(?=\s+(?:(?!at\b)[^\s,;]+\s+){1,5}at\b)|"
    r"\bput(?:ting|s)?\s+(?:it|its\s+value|the\s+company)\s+(?:near|at|around|close\s+to)\b)"
    r"|(?P<valued_at>\bvalued(?=\s+at\b))|(?P<worth>\bworth\b)|(?P<valued>\bvalued\b)"
    r"|(?P<deal>\binvest\w*|\brais(?:e|es|ed|ing)\b|\bpa(?:id|y|ys|ying)\b|\bacquir\w+|"
    r"\bbought\b|\bbuy(?:s|ing)?\b|\bpurchas\w+|\bdeal\b|\bcontract\b|\bagreement\b|\bround\b|"
    r"\bfunding\b|\bfinancing\b|\bstake\b|\bbid\b|\boffer\w*|\binject\w*|\bsecur\w+|\bled\b|"
    r"\bcommit\w*|\bfor\b|\bback\w*)"
    r"|(?P<spending>\bcapex\b|\bcapital expenditures?\b|\bspen[dt]\w*|\bbuild\w*|\bconstruct\w*|"
    r"\bdata cent(?:er|re)s?\b|\bfacilit\w+|\binfrastructure\b)"
    r"|(?P<revenue>\brevenues?\b|\bsales\b|\bprofits?\b|\bearn\w*|\bincome\b|\bturnover\b|"
    r"\bloss(?:es)?\b|\bgenerat\w+|\bbookings\b)"
    r"|(?P<market_size>\bmarkets?\b|\bindustry\b|\bsector\b)"
    r"|(?P<other>\bfine[ds]?\b|\bpenalt\w+|\bsettle\w*|\bdamages\b|\bsu(?:e|ed|es|ing)\b|"
    r"\blawsuit\b|\bseek\w*|\bcost\w*|\bcompensation\b|\bsalary\b|\btax\w*|\bloans?\b)",
    re.I,
)
_COMPANY_WORTH = re.compile(
    r"(?:\b(?:company|startup|firm|business|maker|group|lab|unicorn|it|which)\b[^,;]{0,20}|"
    r",\s*(?:now\s+)?|\b(?:is|are|was|were|be|been|becomes?|became)\s+(?:now\s+)?(?:\w+\s+)?)$",
    re.I,
)
# What "valued at" / "worth" describes: the head noun written shortly before it.
_WORTH_HEADS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:stakes?|holdings?(?!\s+(?:company|group|firm))|shares|interest)\b", re.I),
     "stake_value"),
    (re.compile(r"\b(?:investments?|deals?|acquisition|contracts?|agreements?|transactions?|"
                r"purchase|takeover|offer|package|bid|round|pact)\b", re.I), "deal"),
    (re.compile(r"\b(?:market|industry|sector)\b", re.I), "market_size"),
)  # fmt: skip


# A running total, not one deal's sum: "doubled its investment in the startup to $8 billion",
# "bringing its total commitment to", "for a total of".
_TOTAL_BEFORE = re.compile(
    r"(?:\b(?:doubl|tripl|increas|rais|lift|boost|bring|brought|tak|took|push|expand)\w*\s+"
    r"(?:its|their|the|his|her|[\w.]+['’]s)\s+(?:total\s+|overall\s+|cumulative\s+|combined\s+)?"
    r"(?:investments?|stakes?|commitments?|holdings?|backing|funding|exposure|bets?|raised|"
    r"capital\s+raised)\s+"
    r"(?:in\s+(?:[\w’'.-]+\s+){1,3})?to|\b(?:total|overall|cumulative|combined)\s+"
    r"(?:planned\s+|committed\s+|expected\s+|contracted\s+)?"
    r"(?:investments?|commitments?|funding|backing|spending)\s+"
    r"(?:(?:to|in|with)\s+(?:[\w’'.-]+\s+){1,3}?)?(?:(?:now\s+)?(?:stands?|stood)\s+at|"
    r"of|to|at|reaches|reached|is|was|now\s+stands\s+at|stands\s+at)|\b(?:for\s+)?a\s+total\s+of|\bin\s+total\s+of|"
    r"\btotal(?:ing|ling|led|ed|s)?|"
    # "has now invested $8 billion", "has so far raised": the sum up to now
    r"\b(?:has|have|had)\s+(?:now|so\s+far|to\s+date)\s+"
    r"(?:invested|raised|committed|put|poured|pumped|plowed|ploughed|sunk))\s+"
    r"(?:(?:about|around|roughly|nearly|more than|over|some)\s+)?$",
    re.IGNORECASE,
)
# "a funding round totalling $6 billion": one deal's size, not a running total. ("sales
# totalling" stays a total: shares sold over several tranches, or revenue.)
_DEAL_TOTALLING = re.compile(
    r"\b(?:deal|round|offering|transaction|order|contract|package|purchase|financing|"
    r"fundraise|fundraising|raise|tender|offer|acquisition|agreement)\s+(?:that\s+|which\s+)?(?:\w+\s+)?"
    r"total(?:ing|ling|led|ed|s)\s+(?:(?:about|around|roughly|nearly|more than|over|some)\s+)?$",
    re.IGNORECASE,
)


# "raised $7.6bn in funding across 10 rounds", "has raised $1.2 billion to date"
_TOTAL_AFTER = re.compile(
    r"\s+(?:in\s+(?:[\w-]+\s+){0,2}?(?:funding|investment|capital|financing)\s+)?"
    # "has invested $13 billion in the startup so far"
    r"(?:(?:in|into)\s+(?:[\w’'.&-]+\s+){1,3}?)?"
    r"(?:to\s+date|so\s+far|in\s+total|altogether|all\s+told|since\s+(?:its\s+)?(?:founding|inception|"
    r"launch|creation|\d{4})|across\s+(?:[\w-]+\s+){0,2}?rounds)\b",
    re.IGNORECASE,
)


# "the US$100 billion Vision Fund": the size of a named fund, no deal's sum
_FUND_NAME_AFTER = re.compile(r"\s+(?:[A-Z][\w-]*\s+){1,3}(?:Fund|Capital|Ventures|Partners)\b")


# "$25 a share", "$414.79 per share", "$23 apiece": the price of one share, never a deal's sum
_PER_SHARE_AFTER = re.compile(
    r"\s*(?:(?:a|per|for\s+each|each)\s+(?:common\s+|ordinary\s+|class\s+\w\s+)?"
    r"(?:share|unit|ADS|ADR)\b|apiece\b|/\s*share\b)",
    re.IGNORECASE,
)


def _classify(sentence: str, start: int, end: int, previous_end: int) -> str:
    """What a sum is: the noun right after it, else the nearest cue before it, else "deal"."""
    if _FUND_NAME_AFTER.match(sentence, end) or _PER_SHARE_AFTER.match(sentence, end):
        return "other"
    before = sentence[max(previous_end, start - 90) : start]
    if _TOTAL_BEFORE.search(before) and not _DEAL_TOTALLING.search(before):
        return "total"
    if _TOTAL_AFTER.match(sentence, end):
        return "total"
    after = sentence[end : end + 80]
    kind = _kind_after(after)
    if kind not in (None, "weak_deal"):
        return kind
    if _SPENDING_TARGET.match(after) or (kind == "weak_deal" and _PLEDGE_TARGET.match(after)):
        return "spending"
    if kind == "weak_deal":
        return "deal"
    # "reaching $157 billion in a funding round" after "valuation": the cue before decides;
    # "in funding", "in revenue" after it decide only when nothing before does.
    kind = _kind_before(sentence[max(previous_end, start - 90) : start]) or _kind_in(after)
    if kind == "spending" and _ON_A_VENDOR.match(after):
        return "deal"  # "spend $30 billion on Microsoft's Azure cloud": paid to a supplier
    return kind


# "... on Oracle's compute power", "... on Microsoft’s cloud services": the sum goes to the
# company named, a supplier, not to one's own build-out
_ON_A_VENDOR = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:on|with|from)\s+(?-i:[A-Z][\w.&-]*)(?:\s+(?-i:[A-Z][\w.&-]*))?"
    r"['’]s\s+(?!(?:[\w-]+\s+){0,3}?(?:infrastructure|data cent|facilit|campus|factor|fab\b|"
    r"plants?\b|sites?\b|construction|manufacturing|economy|grid))",
    re.IGNORECASE,
)


def _kind_in(after: str) -> str:
    for pattern, kind in _AFTER_IN:
        if pattern.match(after):
            return "deal" if kind == "weak_deal" else kind
    return "deal"


def _kind_after(after: str) -> str | None:
    for pattern, kind in _AFTER_NOUN:
        if pattern.match(after):
            return kind
    return None


_ASIDE_START = re.compile(r"[(;:\[]")


def _kind_before(before: str) -> str | None:
    cues = list(_BEFORE_CUES.finditer(before))
    if not cues:
        return None
    cue = cues[-1]
    if cue.lastgroup == "valued":  # "the deal valued OpenAI at $300 billion"
        return "valuation"
    if cue.lastgroup not in ("worth", "valued_at"):
        return cue.lastgroup or "deal"
    head = before[max(0, cue.start() - 60) : cue.start()]
    # an aside in brackets or after a dash or semicolon has its own subject: "the biggest
    # acquisition for Alphabet (HubSpot is valued at $25 billion)"
    head = _ASIDE_START.split(head)[-1]
    for pattern, kind in _WORTH_HEADS:
        if pattern.search(head):
            return kind
    # Companies are "valued at" a sum, or "now worth" it; capacity, orders and packages are
    # "worth" what is paid for them.
    if cue.lastgroup == "valued_at" or _COMPANY_WORTH.search(head):
        return "valuation"
    return "deal"


# ---- stakes -------------------------------------------------------------------------------

_PCT = r"(?P<pct>\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)"
_STAKE_FORMS = (
    re.compile(
        rf"{_PCT}\s+(?:(?:equity|ownership|voting|economic|minority|majority|controlling)\s+)?"
        r"(?:stake|interest|holding|shareholding|ownership|share in)\b",
        re.I,
    ),
    re.compile(rf"\bstake\s+of\s+(?:about\s+|around\s+|roughly\s+|nearly\s+)?{_PCT}", re.I),
    re.compile(
        r"\b(?:own|owns|owned|owning|hold|holds|held|holding|acquire[sd]?|acquiring|buy|buys|"
        r"bought|buying|take|takes|took|taking|sell|sells|sold|selling)\s+"
        rf"(?:a\s+|an\s+|about\s+|roughly\s+|around\s+|nearly\s+|another\s+)*{_PCT}\s+of\b",
        re.I,
    ),
)
# "OpenAI holding a 40% stake", "Microsoft's 49% stake", "SoftBank took a 10% stake".
_HOLDER_BEFORE = re.compile(
    r"(?P<name>[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){0,3})(?:['’]s)?\s+"
    r"(?:(?:will|would|to|now|also|already|then)\s+)*"
    r"(?:hold|holds|holding|held|own|owns|owning|owned|take|takes|took|taking|acquire|"
    r"acquired|acquires|acquiring|buy|bought|buys|buying|get|gets|got|receive|receives|"
    r"received|retain|retains|retaining|keep|keeps|keeping|with)?"
    r"\s*(?:a|an|its|their|the)?\s*(?:about|roughly|around|nearly)?\s*$"
)
# Capitalised words that start sentences, not names ("The company took a 10% stake").
_NOT_NAMES = frozenset(
    ["The", "A", "An", "It", "Its", "This", "That", "In", "On", "At", "With", "And", "But",
     "Under", "As"]
)  # fmt: skip
_HOLDER_AFTER = re.compile(r"^[^.;,]{0,30}?\b(?:held|owned)\s+by\s+(?P<name>[A-Z][\w&.\-]*)")


def find_stakes(sentence: str) -> list[tuple[str | None, float]]:
    """Stake percentages ("a 40% stake", "49% of") as (holder as written or None, fraction).

    Market shares ("a 25% market share") are not stakes and are never returned.
    """
    found: list[tuple[int, str | None, float]] = []
    for pattern in _STAKE_FORMS:
        for match in pattern.finditer(sentence):
            if any(position == match.start("pct") for position, _, _ in found):
                continue
            holder = _holder(sentence, match)
            found.append((match.start("pct"), holder, float(match.group("pct")) / 100))
    return [(holder, fraction) for _, holder, fraction in sorted(found) if 0 < fraction <= 1]


def _holder(sentence: str, match: re.Match[str]) -> str | None:
    after = _HOLDER_AFTER.match(sentence[match.end() :])
    if after:
        return after.group("name")
    before = _HOLDER_BEFORE.search(sentence[max(0, match.start() - 60) : match.start()])
    if before and before.group("name").split()[0] not in _NOT_NAMES:
        return before.group("name")
    return None
