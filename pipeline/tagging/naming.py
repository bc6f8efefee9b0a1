"""How one article names an entity, for the `newsmon tag` output.

The warehouse keys every mention by the watchlist's canonical name. A reader of one
article's tags expects the name that article uses, where it uses a fuller or a different
one: "Taiwan Semiconductor Manufacturing" for the watchlist's "TSMC", "U.S. Department of
Justice" for "Department of Justice", "Commerce Department" for "Department of Commerce".
Spellings that only add a legal suffix or a trailing word ("Microsoft Corp.", "Meta
Platforms Inc.") or drop the owner in front ("DeepMind") name the same thing and keep the
canonical name; so do acronyms and tickers ("DOJ", "MSFT"), which are the short form, and
lower-case descriptions ("the federal government"). A canonical acronym that the article
uses itself stays ("AMD" beside "Advanced Micro Devices"). A spelling with fewer words than
the canonical name shortens it ("NY Times" for "The New York Times") and keeps the canonical
name; "Commerce Department" for "Department of Commerce" has as many.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from pipeline.records import Mention

# Words a spelling may add or drop and still be the same name.
_IGNORED = frozenset(
    {"the", "inc", "corp", "corporation", "co", "ltd", "limited", "llc", "plc", "group"}
    | {"holdings", "company", "sa", "ag"}
)
_LINKS = frozenset({"of", "and", "for", "on", "de"})
_POSSESSIVE = re.compile(r"['’]s?$")
_ACRONYM = re.compile(r"^[A-Z0-9.&\-]+$")


def display_names(mentions: Iterable[Mention]) -> dict[str, str]:
    """Canonical name -> the name this article gives it (the canonical one by default)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        if mention.kind != "person" and not mention.discovered:
            spellings[mention.entity][_POSSESSIVE.sub("", mention.surface.strip())] += 1
    return {name: _chosen(name, forms) for name, forms in spellings.items()}


def _chosen(canonical: str, forms: Counter[str]) -> str:
    """The longest proper spelling that is not the canonical name written another way,
    when the article never uses the canonical one or also spells it out more fully."""
    key = _words(canonical)
    if _ACRONYM.match(canonical) and canonical in forms:
        return canonical  # "AMD" where the article also spells out "Advanced Micro Devices"
    same = [form for form in forms if _same_name(_words(form), key) or _is_tail(_words(form), key)]
    other = [
        form
        for form in forms
        if form not in same and form[:1].isupper() and not _ACRONYM.match(form)
    ]
    if not other:
        return canonical
    best = max(other, key=lambda form: (len(_words(form)), forms[form]))
    if same and len(_words(best)) <= len(key):
        return canonical
    if _shortens(best, canonical):
        return canonical  # "NY Times" shortens "The New York Times": the full name is the name
    return best


def _words(name: str) -> list[str]:
    return [w for w in re.sub(r"[^\w\s]", " ", name.lower()).split() if w not in _IGNORED]


def _shortens(form: str, canonical: str) -> bool:
    """ "NY Times" of "The New York Times": the same last word after fewer words. Initials
    count as one word ("U.S." as "US"); links do not ("Commerce Department" has as many
    words as "Department of Commerce")."""
    short, full = _content(form), _content(canonical)
    return bool(short) and short[-1] == full[-1] and len(short) < len(full)


def _content(name: str) -> list[str]:
    """The words that carry a name, initials joined: "U.S. Department of Justice" has three."""
    return [w for w in _words(name.replace(".", "")) if w not in _LINKS]


def _is_tail(form: list[str], canonical: list[str]) -> bool:
    """The canonical name adds its owner in front: "DeepMind" of "Google DeepMind"."""
    return 0 < len(form) < len(canonical) and canonical[-len(form) :] == form


def _same_name(a: list[str], b: list[str]) -> bool:
    """One spelling's words are a leading run of the other's: "Mistral" ~ "Mistral AI"."""
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return long_[: len(short)] == short
