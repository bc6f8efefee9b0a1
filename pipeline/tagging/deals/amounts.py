"""Stage 3: the deal's sum (not a valuation, a total or a market size), its stakes, and its key."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

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
    amount = _deal_amount(clause[:scope_end], found.start - found.clause[0], found.type)
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
    usable = [a for a in find_amounts(clause) if a.kind in kinds]
    return min(usable, key=lambda a: abs(clause.find(a.text) - trigger), default=None)


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
