"""The deal vocabulary, read from `pipeline/data/deal_vocabulary.toml` and compiled once.

Triggers (each with its deal type and the shape that places the clause's subject), the
word stems that gate them, and the cues for status and age are data: a new phrasing is a
line in that file, reviewed in the diff. Code reads a sentence with them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pipeline.tagging.deals.first_chars import prefiltered
from pipeline.tagging.money import SUM_PATTERN

_FRAGMENT = re.compile(r"<(\w+)>")


@dataclass(frozen=True, slots=True)
class Rule:
    """One trigger: its deal type and how the clause's subject relates to it.

    shape: "give" (subject pays/buys/grants: "invested", "acquired"), "get" (subject
    receives: "raised", "was acquired by"), "neutral" (a noun; the prepositions decide:
    "investment in X" / "investment from X"), "sym" (partners), "sell" (the subject sells
    its object to the buyer after "to": "SoftBank agreed to sell Arm to Nvidia").
    """

    type: str
    shape: str
    pattern: re.Pattern[str]
    noun: bool = False  # a noun may be a mere reference ("the partnership") - see is_event
    single: bool = False  # a deal with one named party is allowed (a funding round)
    money: bool = False  # only a trigger when the clause has a deal amount ("backed ... $1bn")
    context: bool = False  # tells an existing tie, never news ("Microsoft-backed OpenAI")


def _load() -> dict[str, Any]:
    data = resources.files("pipeline").joinpath("data", "deal_vocabulary.toml").read_text("utf-8")
    return tomllib.loads(data)


def _expand(pattern: str, fragments: dict[str, str]) -> str:
    """`<goods>` -> the fragment's pattern; a `<name>` that is no fragment is left as is."""
    return _FRAGMENT.sub(lambda m: fragments.get(m.group(1), m.group()), pattern)


def _alternation(patterns: list[str], fragments: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(_expand(p, fragments) for p in patterns), re.IGNORECASE)


def _trigger(patterns: list[str], fragments: dict[str, str]) -> re.Pattern[str]:
    """A trigger's alternation behind a lookahead on its first characters (see first_chars)."""
    return prefiltered("|".join(_expand(p, fragments) for p in patterns))


_VOCABULARY = _load()
_FRAGMENTS: dict[str, str] = _VOCABULARY["fragments"]
# "<sum>" also reads every sum the money parser reads ("$300mn", "USD 10 billion",
# "US$11.5-billion", "two billion euros"), so a trigger that needs a sum sees the same ones
_FRAGMENTS["sum"] = f"(?:{SUM_PATTERN}|{_FRAGMENTS['sum']})"

# In priority order: the first type whose trigger yields parties wins the clause.
RULES: tuple[Rule, ...] = tuple(
    Rule(
        entry["type"],
        entry["shape"],
        _trigger(entry["patterns"], _FRAGMENTS),
        noun=entry.get("noun", False),
        single=entry.get("single", False),
        money=entry.get("money", False),
        context=entry.get("context", False),
    )
    for entry in _VOCABULARY["trigger"]
)
RULES_BY_TYPE: tuple[tuple[Rule, ...], ...] = tuple(
    tuple(rule for rule in RULES if rule.type == type_)
    for type_ in dict.fromkeys(rule.type for rule in RULES)
)

_TYPE_STEMS: dict[str, list[str]] = _VOCABULARY["stems"]
# All stems in one alternation, longest first, so one scan of a clause finds the longest
# stem at each word start; the shorter stems that match there are prefixes of it, so its
# entry in STEM_TYPES lists their types too. ("co-invest" hides "invest": same type.)
STEM_SCAN = re.compile(
    r"\b(?:"
    + "|".join(map(re.escape, sorted({s for v in _TYPE_STEMS.values() for s in v}, key=len)[::-1]))
    + ")"
)
STEM_TYPES: dict[str, frozenset[str]] = {
    stem: frozenset(
        type_ for type_, stems in _TYPE_STEMS.items() if any(stem.startswith(s) for s in stems)
    )
    for stem in {s for stems in _TYPE_STEMS.values() for s in stems}
}

_STATUS = _VOCABULARY["status"]
FAILED = _alternation(_STATUS["failed"], _FRAGMENTS)
IN_TALKS = _alternation(_STATUS["in_talks"], _FRAGMENTS)
REPORTED = _alternation(_STATUS["reported"], _FRAGMENTS)
PLANNED = _alternation(_STATUS["planned"], _FRAGMENTS)
# "X said it would form a venture" / "will ..., the companies announced": an announcement.
SAID_WILL = _alternation(_STATUS["said_will"], _FRAGMENTS)
PAST_TRIGGER = _alternation(_STATUS["past_trigger"], _FRAGMENTS)
DONE = _alternation(_STATUS["done"], _FRAGMENTS)
AGREED = _alternation(_STATUS["agreed"], _FRAGMENTS)
TOLD_AS_DONE = _alternation(_STATUS["told_as_done"], _FRAGMENTS)

_AGE = _VOCABULARY["background"]
BACKGROUND = _alternation(_AGE["background"], _FRAGMENTS)
RECENT = _alternation(_AGE["recent"], _FRAGMENTS)
