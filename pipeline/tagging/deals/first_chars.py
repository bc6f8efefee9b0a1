"""A cheap first look for a trigger: the characters a match can start with.

Most trigger patterns are alternations whose branches each open with a word boundary, so
the regex engine tries every branch at every position of a clause. A lookahead on the
set of characters a match can start with rejects most positions at once (about three
times faster on the longest alternations). The set is read from the pattern's own parse;
where it cannot be told for sure (a class such as \\w, a branch that may match nothing,
a construct this reader does not know), no lookahead is added and the pattern runs as
written. `tests/tagging/test_deal_vocabulary.py` checks that every prefiltered trigger
finds exactly what the plain one finds.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the standard library's own regex parser (private, hence the fallback)
    from re import _parser
except ImportError:  # pragma: no cover - a Python without it runs the patterns as written
    _parser = None

_MAX_RANGE = 64  # a wider character range ([a-z] is fine, [^x] is not) gives up


def prefiltered(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """`pattern` compiled, behind a lookahead on its possible first characters if known."""
    chars = first_chars(pattern, flags)
    if not chars:
        return re.compile(pattern, flags)
    lookahead = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(f"(?=[{lookahead}])(?:{pattern})", flags)


def first_chars(pattern: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    """Every character a match of `pattern` can start with, or None when unsure."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
        chars, nullable = _sequence(list(parsed))
    except (re.error, TypeError, ValueError, AttributeError):
        return None
    if chars is None or nullable:
        return None
    # both cases of every letter: inline flags may turn case folding on or off
    return frozenset(c for char in chars for c in {char, char.lower(), char.upper()})


def _sequence(items: list[Any]) -> tuple[set[str] | None, bool]:
    """The first characters of a run of items, and whether the run may match nothing."""
    found: set[str] = set()
    for op, av in items:
        chars, nullable = _item(str(op), av)
        if chars is None:
            return None, False
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _item(op: str, av: Any) -> tuple[set[str] | None, bool]:
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return set(), True  # zero-width: the next item consumes the first character
    if op == "LITERAL":
        return {chr(av)}, False
    if op == "IN":
        return _charset(av), False
    if op == "BRANCH":
        found: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars, empty = _sequence(list(branch))
            if chars is None:
                return None, False
            found |= chars
            nullable = nullable or empty
        return found, nullable
    if op == "SUBPATTERN":
        return _sequence(list(av[-1]))
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, inner = av
        chars, nullable = _sequence(list(inner))
        return chars, nullable or low == 0
    if op == "ATOMIC_GROUP":
        return _sequence(list(av))
    return None, False  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ...: can't tell


def _charset(items: list[Any]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(av))
        elif name == "RANGE" and av[1] - av[0] <= _MAX_RANGE:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None  # a negated set, a category (\w, \d) or a wide range
    return chars
