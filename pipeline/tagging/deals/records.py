"""The records the deal reader passes between its stages."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.tagging.deals.vocabulary import Rule

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

SYMMETRIC = frozenset({"partnership", "joint_venture"})

PARTY_KINDS = frozenset({"org", "product", "publisher", "government"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """An org that could be a party, with offsets into its sentence's text."""

    name: str
    start: int
    end: int
    publisher: bool = False  # a party only to a licensing deal (content licensing)


@dataclass(frozen=True, slots=True)
class ReadSentence:
    """A sentence as the deal reader needs it."""

    index: int
    text: str
    paragraph: int
    candidates: tuple[Candidate, ...]
    projects: tuple[str, ...]
    # the article's orgs so far, most mentioned first: what "the startup" most likely means
    topic: tuple[str, ...] = ()
    # the text with each org's name masked ("ZT Systems" -> "Qqqqqqqqqq"), same offsets, so
    # no trigger reads a word of a name ("buy ... Systems" is not buying hardware)
    masked: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """A trigger read into sides: `a` pays/buys/grants/supplies, `b` receives."""

    rule: Rule
    type: str
    start: int  # trigger offsets in the sentence
    end: int
    a: tuple[str, ...]
    b: tuple[str, ...]
    clause: tuple[int, int] = (0, 0)
