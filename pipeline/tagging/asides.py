"""Mentions of organisations that name no actor of the story, set aside before deals.

An outlet's page names companies in places where they do nothing: a former name ("X,
formerly known as Twitter"), a picture credit ("Image: Acme", "Jane Doe/Acme via Beta
Images"), share buttons ("Skip to Content Acme"), a platform as a medium ("said in a post on
X", "his LinkedIn profile"), a brand before its owner ("Roomba maker iRobot", "the company
behind Facebook and Instagram", "the Facebook parent" with the owner unnamed, "Facebook's
parent company", "Acme's brands, which include Foo and Bar", "Acme, which owns Foo and Bar"
where the watchlist puts Acme above them, "the maker of Foo"), a platform a product runs on
("an assistant built into Foo and Bar"), a name used as a common noun ("a Netflix for games",
"the Tesla of robotics").
Such a mention is dropped; the entity stays tagged where another mention of it names an
actor. The cue words are data (`pipeline/data/org_words.toml`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
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


_FORMER = re.compile(rf"\b(?:{_alternation(_WORDS['former_name'])})[\s,(]*$", re.IGNORECASE)
_FORMER_FIRST = tuple({w.split()[0].lower() for w in _WORDS["former_name"]})
_LABELS = _WORDS["credit_labels"]
_CREDIT = re.compile(
    # "Image: Acme", "(Photo: Acme)", "Photo: Jane Doe/Acme", "Photo by Jane Doe/Acme"
    rf"(?:^|[(\[|])\s*(?:(?:{_alternation(w for w in _LABELS if not w.endswith(('by', 'of')))})"
    rf"\s*:|(?:{_alternation(w for w in _LABELS if w.endswith(('by', 'of')))}))"
    r"\s*(?:[^:\n|]{0,40}?/\s*)?$"
)
# Any credit label, slash or bracket in the article: only then are mentions checked for one
_CREDIT_CUES = tuple(w if w.endswith(("by", "of")) else f"{w}:" for w in _LABELS)
_VIA_CREDIT = re.compile(r"/[\w .&'’-]{1,30}\s+via\s+$")  # "Jane Doe/Acme via |Beta Images"
_SLASH_CREDIT = re.compile(r"[A-Z][\w'’-]+/$")  # "Jane Doe/|Acme" at a line's end
_LINE_END = re.compile(r"\s*(?:\n|$|\s+via\s)")
_BRACKET_AFTER = re.compile(r"(?:\s+[A-Z][\w'’-]*)?\s*\]")
_FURNITURE = re.compile(rf"(?:^|\s)(?:{_alternation(_WORDS['page_furniture'])})\s*$")
_FURNITURE_WORDS = (*_WORDS["page_furniture"], "Feature Image", "Featured Image")
_FURNITURE_AFTER = re.compile(r"\s+Featured?\s+Image\b")
_MEDIUM = re.compile(
    rf"\b(?:(?:{_alternation(_WORDS['medium_words'])})(?:\s+[^\s\d$€£]+){{0,4}}?"
    r"|(?:said|says|announced|wrote))\s+on\s+$",
    re.IGNORECASE,
)
_PRONOUNS = (" his ", " her ", "their ", " my ", " your ", " our ")
_PROFILE_AFTER = re.compile(rf"(?:\s+(?:{_alternation(_WORDS['profile_words'])})\b|\s*[,.;)])")
_OWNER_AFTER = re.compile(rf"\s+(?:{_alternation(_WORDS['owner_words'])})\s+[A-Za-z]*[A-Z]")
# "the Facebook parent", "the TikTok owner's bid": the brand names its owner, unnamed here
_OWNER_NOUN_AFTER = re.compile(
    r"\s+(?:parent|owner|maker)(?:\s+(?:company|firm|group))?(?:['’]s)?(?=[\s,.;:)]|$)(?!\s+[A-Z])"
)
# "Acme's brands, which include Foo, Bar", "one of its apps every day, including Foo": an
# owner's brands, listed as what it owns (a few words may follow the noun)
_BRANDS_OF = re.compile(
    rf"(?:['’]s?|\b(?:its|their))\s+(?:{_alternation(_WORDS['brand_nouns'])})"
    r"(?:\s+[a-z]+){0,3}?,?\s+(?:which\s+)?"
    r"(?:include|includes|included|including|such\s+as|like)\s+$"
)
# "Acme, which owns Foo, Bar": Foo and Bar belong to Acme (checked against the watchlist)
_OWNS_BEFORE = re.compile(
    rf"\s*,?\s+(?:which|that)\s+(?:also\s+|now\s+)?"
    rf"(?:{_alternation(_WORDS['owning_verbs'])})\s+(?:both\s+)?$"
)
_HOSTED_BEFORE = re.compile(rf"\b(?:{_alternation(_WORDS['hosting_phrases'])})\s+(?:both\s+)?$")
_MAKER_BEFORE = re.compile(
    rf"\b(?:the|a|an)\s+(?:{_alternation(_WORDS['maker_nouns'])})\s+of\s+$", re.IGNORECASE
)
# "Facebook's parent company intends to ...": the brand names its owner, unnamed here
_PARENT_AFTER = re.compile(r"['’]s\s+(?:parent|owner)\b(?!\s+(?:(?:company|firm|group)\s+)?[A-Z])")
# "Acme content from Foo, Bar and Baz", "content from over 50 publications including Foo":
# the titles content is drawn from, not parties (a deal's party is named apart: "a deal
# with Foo")
_CONTENT_FROM = re.compile(
    r"(?:[A-Z][\w.&'’-]*(?:['’]s)?\s+(?:content|articles|stories|journalism)\s+from\s+|"
    r"\b(?:content|articles|stories|journalism)\s+from\s+(?:[\w-]+\s+){0,4}?"
    rf"(?:{_alternation(_WORDS['brand_nouns'])}),?\s+(?:such\s+as|including|like)\s+)$"
)
_CONTENT_ENDS = (" from ", " as ", "including ", " like ")
_LIST_OPENERS = ("include ", "includes ", "included ", "including ", "such as ", "like ")
_BEHIND = re.compile(
    rf"\b(?:the|a)\s+(?:{_alternation(_WORDS['behind_words'])})\s+behind\s+$", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"['’]s\b")
# "a Netflix for video games": a company's name used as a common noun
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an)\s+$")
# "that's the Tesla of robotics", "is the Uber of freight"
_LIKENED_BEFORE = re.compile(r"(?:['’]s|\bis|\bwas|\bbe|\bas|\blike|\bbecome|\bbecoming)\s+the\s+$")
_FOR_OF_AFTER = re.compile(r"\s+(?:for|of)\s")
# "a press conference at the White House", "a splashy White House launch": a public body
# named as the venue of an event
_EVENTS = _alternation(_WORDS["venue_events"])
_VENUE_BEFORE = re.compile(rf"\b(?:{_EVENTS})\s+(?:held\s+)?(?:at|in)\s+(?:the\s+)?$", re.I)
_VENUE_AFTER = re.compile(rf"\s+(?:{_EVENTS})\b")
# "Jane Doe and John Roe (r)|The White House": a credit after a bar, ending the line
_BAR_CREDIT = re.compile(r"\|\s*(?:the\s+)?$", re.IGNORECASE)
_LIST_JOIN = re.compile(r"\s*(?:,\s*and|,|and|&)\s*$")


def set_aside(
    text: str, mentions: Sequence[Mention], parents: Mapping[str, str] | None = None
) -> list[Mention]:
    """The mentions that may name an actor, in order: organisation mentions in a former
    name, a credit, page furniture, a medium or a brand position are left out.

    `parents` maps an entity to the organisation above it on the watchlist: "Acme, which
    owns Foo" sets Foo aside only when Acme is above Foo ("Acme, which owns Beta Corp" may
    name a company that acts in the story)."""
    cues = _Cues(text)
    kept: list[Mention] = []
    dropped_end = -1  # where the last mention set aside as a brand ends
    for mention in mentions:
        if mention.kind not in ACTOR_KINDS:
            kept.append(mention)
            continue
        brand = (
            _brand(text, mention)
            or _owned(text, mention, kept, parents or {})
            or (dropped_end >= 0 and bool(_LIST_JOIN.fullmatch(text, dropped_end, mention.start)))
        )
        if brand:
            dropped_end = mention.end
            continue
        if not _aside(text, mention, cues):
            kept.append(mention)
    return kept


class _Cues:
    """Which kinds of cue the article holds at all: most hold none, and their mentions
    skip those checks (a search per mention and cue costs more than one per article)."""

    def __init__(self, text: str) -> None:
        # substring tests run at C speed: a regex over the whole text per article does not
        lowered = text.lower()
        self.former = any(word in lowered for word in _FORMER_FIRST)
        self.credit = (
            "/" in text or "[" in text or "|" in text or any(cue in text for cue in _CREDIT_CUES)
        )
        self.furniture = any(word in text for word in _FURNITURE_WORDS)


def _brand(text: str, mention: Mention) -> bool:
    """ "Roomba maker iRobot", "the company behind Facebook": the brand, not its owner."""
    if _OWNER_AFTER.match(text, mention.end):
        return True
    before = text[max(0, mention.start - 48) : mention.start]
    if before.endswith(("the ", "The ")) and _OWNER_NOUN_AFTER.match(text, mention.end):
        return True
    if before.endswith(_LIST_OPENERS) and _BRANDS_OF.search(before):
        return True
    if before.endswith(_CONTENT_ENDS) and _CONTENT_FROM.search(
        text, max(0, mention.start - _WINDOW), mention.start
    ):
        return True
    possessive = text.startswith(("'s", "’s"), mention.end)
    if possessive and not before.endswith(", ") and _PARENT_AFTER.match(text, mention.end):
        return True  # not "Acme, Foo's parent company": there Foo may be a company of note
    if before.endswith(" of ") and _MAKER_BEFORE.search(before):
        return True
    if ("into" in before or "embedded" in before) and _HOSTED_BEFORE.search(before):
        return not possessive  # "built into Acme's forecast"
    return "behind" in before and bool(_BEHIND.search(before))


def _owned(text: str, mention: Mention, kept: list[Mention], parents: Mapping[str, str]) -> bool:
    """ "Acme, which owns Foo": Foo is one of Acme's brands when the watchlist puts Acme
    above it."""
    owner = parents.get(mention.entity)
    if owner is None or not kept:
        return False
    before = text[max(0, mention.start - 40) : mention.start]
    if "which" not in before and "that" not in before:
        return False
    cue = _OWNS_BEFORE.search(before)
    if cue is None:
        return False
    cue_start = mention.start - len(before) + cue.start()
    previous = kept[-1]
    return previous.entity == owner and previous.end == cue_start


def _aside(text: str, mention: Mention, cues: _Cues) -> bool:
    start, end = mention.start, mention.end
    before = text[max(0, start - _WINDOW) : start]
    line = before[before.rfind("\n") + 1 :]
    if cues.credit and _credit(text, line, end):
        return True
    if mention.kind == "government" and _venue(text, line, end):
        return True
    if cues.furniture and (_FURNITURE.search(line) or _FURNITURE_AFTER.match(text, end)):
        return True
    if line.endswith(("a ", "an ")) and _ARTICLE_BEFORE.search(line, len(line) - 4):
        return bool(_FOR_OF_AFTER.match(text, end))
    if line.endswith("the ") and " " not in mention.surface and _LIKENED_BEFORE.search(line):
        return text.startswith(" of ", end)  # "that's the Tesla of robotics"
    if _POSSESSIVE.match(text, end):
        return False  # "on X's leadership", "formerly Acme's head": the company itself
    if cues.former and _FORMER.search(before):
        return True
    if line.endswith("on ") and _MEDIUM.search(line):
        return True
    return line[-6:].lower().endswith(_PRONOUNS) and bool(_PROFILE_AFTER.match(text, end))


def _venue(text: str, line: str, end: int) -> bool:
    """ "a press conference at the White House", "a White House launch": where, not who."""
    return bool(_VENUE_BEFORE.search(line) or _VENUE_AFTER.match(text, end))


def _credit(text: str, line: str, end: int) -> bool:
    """A picture credit or caption: "Image: Acme", "Jane Doe/Acme", "[Acme Stock]",
    "... (r)|Acme" ending a line."""
    if _CREDIT.search(line) or _VIA_CREDIT.search(line):
        return True
    if "|" in line and _BAR_CREDIT.search(line) and _LINE_END.match(text, end):
        return True
    if line.endswith("/") and _SLASH_CREDIT.search(line) and _LINE_END.match(text, end):
        return True
    return line.rstrip().endswith("[") and bool(_BRACKET_AFTER.match(text, end))
