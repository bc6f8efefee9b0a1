"""Mentions of organisations that name no actor of the story, set aside before deals.

An outlet's page names companies in places where they do nothing: a former name ("X,
formerly known as Twitter"), a picture credit ("Image: Acme", "Jane Doe/Acme via Beta
Images"), share buttons ("Skip to Content Acme"), a platform as a medium ("said in a post on
X", "his LinkedIn profile"), a brand before its owner ("Roomba maker iRobot", "the company
behind Facebook and Instagram"), a name used as a common noun ("a Netflix for games"). Such a mention is dropped; the entity stays tagged where
another mention of it names an actor. The cue words are data (`pipeline/data/org_words.toml`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources

from pipeline.records import Mention

_WORDS = tomllib.loads(
    resources.files("pipeline").joinpath("data", "org_words.toml").read_text("utf-8")
)
# Kinds that count as organisations (an outlet and a public body are organisations too).
ACTOR_KINDS = frozenset({"org", "publisher", "government"})
_WINDOW = 80  # chars looked at before a mention


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_FORMER = re.compile(rf"\b(?:{_alternation(_WORDS['former_name'])})[\s,]*$", re.IGNORECASE)
_LABELS = _WORDS["credit_labels"]
_CREDIT = re.compile(
    # "Image: Acme", "(Photo: Acme)", "Photo: Jane Doe/Acme", "Photo by Jane Doe/Acme"
    rf"(?:^|[(\[|])\s*(?:(?:{_alternation(w for w in _LABELS if not w.endswith(('by', 'of')))})"
    rf"\s*:|(?:{_alternation(w for w in _LABELS if w.endswith(('by', 'of')))}))"
    r"\s*(?:[^:\n|]{0,40}?/\s*)?$"
)
_VIA_CREDIT = re.compile(r"/[\w .&'’-]{1,30}\s+via\s+$")  # "Jane Doe/Acme via |Beta Images"
_SLASH_CREDIT = re.compile(r"[A-Z][\w'’-]+/$")  # "Jane Doe/|Acme" at a line's end
_LINE_END = re.compile(r"\s*(?:\n|$|\s+via\s)")
_BRACKET_BEFORE = re.compile(r"\[\s*$")
_BRACKET_AFTER = re.compile(r"(?:\s+[A-Z][\w'’-]*)?\s*\]")
_FURNITURE = re.compile(rf"(?:^|\s)(?:{_alternation(_WORDS['page_furniture'])})\s*$")
_FURNITURE_AFTER = re.compile(r"\s+Featured?\s+Image\b")
_MEDIUM = re.compile(
    rf"\b(?:(?:{_alternation(_WORDS['medium_words'])})(?:\s+[^\s\d$€£]+){{0,4}}?"
    r"|(?:said|says|announced|wrote))\s+on\s+$",
    re.IGNORECASE,
)
_PROFILE_BEFORE = re.compile(r"\b(?:his|her|their|my|your|our)\s+$", re.IGNORECASE)
_PROFILE_AFTER = re.compile(rf"(?:\s+(?:{_alternation(_WORDS['profile_words'])})\b|\s*[,.;)])")
_OWNER_AFTER = re.compile(rf"\s+(?:{_alternation(_WORDS['owner_words'])})\s+[A-Za-z]*[A-Z]")
_BEHIND = re.compile(
    rf"\b(?:the|a)\s+(?:{_alternation(_WORDS['behind_words'])})\s+behind\s+$", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"['’]s\b")
# "a Netflix for video games": a company's name used as a common noun
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s+$")
_FOR_OF_AFTER = re.compile(r"\s+(?:for|of)\s")
_LIST_JOIN = re.compile(r"\s*(?:,\s*and|,|and|&)\s*$")


def set_aside(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions that may name an actor, in order: organisation mentions in a former
    name, a credit, page furniture, a medium or a brand position are left out."""
    kept: list[Mention] = []
    dropped_end = -1  # where the last mention set aside as a brand ends
    for mention in mentions:
        if mention.kind not in ACTOR_KINDS:
            kept.append(mention)
            continue
        brand = _brand(text, mention) or (
            dropped_end >= 0 and bool(_LIST_JOIN.fullmatch(text, dropped_end, mention.start))
        )
        if brand:
            dropped_end = mention.end
            continue
        if not _aside(text, mention):
            kept.append(mention)
    return kept


def _brand(text: str, mention: Mention) -> bool:
    """ "Roomba maker iRobot", "the company behind Facebook": the brand, not its owner."""
    before = text[max(0, mention.start - _WINDOW) : mention.start]
    return bool(_OWNER_AFTER.match(text, mention.end) or _BEHIND.search(before))


def _aside(text: str, mention: Mention) -> bool:
    start, end = mention.start, mention.end
    before = text[max(0, start - _WINDOW) : start]
    line = before[before.rfind("\n") + 1 :]
    if _CREDIT.search(line) or _VIA_CREDIT.search(line):
        return True
    if _SLASH_CREDIT.search(line) and _LINE_END.match(text, end):
        return True
    if _BRACKET_BEFORE.search(line) and _BRACKET_AFTER.match(text, end):
        return True
    if _FURNITURE.search(line) or _FURNITURE_AFTER.match(text, end):
        return True
    if _ARTICLE_BEFORE.search(line) and _FOR_OF_AFTER.match(text, end):
        return True
    if _POSSESSIVE.match(text, end):
        return False  # "on X's leadership", "formerly Acme's head": the company itself
    if _FORMER.search(before) or _MEDIUM.search(line):
        return True
    return bool(_PROFILE_BEFORE.search(line) and _PROFILE_AFTER.match(text, end))
