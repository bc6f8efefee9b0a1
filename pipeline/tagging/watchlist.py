"""The watchlist: entities to tag, their aliases and per-alias matching rules.

The watchlist is data (`pipeline/data/watchlist.toml`), extended or overridden by the user
(a TOML file of the same format and/or entries from `newsmon.toml`). It is compiled once into
two Aho-Corasick automata (case-sensitive and case-insensitive aliases) and reused for every
article. It pickles as plain data and rebuilds its automata on load, so process pools get
a small payload and a correct automaton whatever the pyahocorasick build.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from pipeline.records import Entity
from pipeline.tagging.people import given_names

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "watchlist.toml"
KINDS = frozenset({"org", "person", "product", "project", "publisher", "place", "government"})
# Kinds of earlier releases, read as their successor: regulators are public bodies, named
# with governments, departments and administrations as "government" since rules-2.
_FORMER_KINDS = {"regulator": "government"}
_ENTRY_KEYS = frozenset({"name", "kind", "aliases", "parent", "domains", "rules", "disabled"})
_LIST_OPTIONS = (
    "require_context",
    "reject_context",
    "reject_if_followed_by",
    "reject_if_preceded_by",
    "allow_followed_by",
)
_BOOL_OPTIONS = ("case_insensitive", "reject_if_followed_by_capitalized")
_DISCOVERY_KEYS = ("stop_names", "generic_words", "first_names")
_RULE_KEYS = frozenset({"alias", *_LIST_OPTIONS, *_BOOL_OPTIONS})
# Same-length replacements so offsets in the normalised text equal offsets in the original.
_NORMALISE = (
    ("\u00a0", " "),
    ("\u2007", " "),
    ("\u202f", " "),
    ("\u2009", " "),
    ("\u2011", "-"),
    ("\u2019", "'"),
)


class WatchlistError(ValueError):
    """A watchlist entry is malformed; the message names the entry and the key."""


@dataclass(frozen=True, slots=True)
class AliasRule:
    """How one alias of one entity matches: its case rule and the context that rejects it.

    Context words are whole words or phrases, case-insensitive, searched in the sentence
    of the match; a trailing `*` makes a word a prefix (`licens*`). Neighbour lists look at
    the words right after / before the alias, skipping spaces and hyphens.
    """

    alias: str
    entity: str
    case_insensitive: bool = False
    domain: bool = False  # a web domain: matches as a host name, any sub-domain
    require_context: tuple[str, ...] = ()
    reject_context: tuple[str, ...] = ()
    reject_if_followed_by: tuple[str, ...] = ()
    reject_if_preceded_by: tuple[str, ...] = ()
    reject_if_followed_by_capitalized: bool = False  # "Claude Monet", "Bing Crosby"
    allow_followed_by: tuple[str, ...] = ()  # exceptions to the rule above: "Claude Code"

    @property
    def is_plain(self) -> bool:
        """True when only the token-boundary check applies."""
        return not (
            self.require_context
            or self.reject_context
            or self.reject_if_followed_by
            or self.reject_if_preceded_by
            or self.reject_if_followed_by_capitalized
        )


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """An `AliasRule` with its word lists compiled to regular expressions."""

    rule: AliasRule
    kind: str
    require: re.Pattern[str] | None
    reject: re.Pattern[str] | None
    followed: re.Pattern[str] | None
    preceded: re.Pattern[str] | None
    allowed_next: frozenset[str]


@dataclass(frozen=True)
class Watchlist:
    """Entities, alias rules and the compiled automata; build with `load_watchlist`."""

    entities: tuple[Entity, ...]
    rules: tuple[AliasRule, ...] = ()
    stop_names: frozenset[str] = frozenset()  # never discovered as orgs (places, months, ...)
    generic_words: frozenset[str] = frozenset()  # "Generative" in "Generative AI": not a name
    first_names: frozenset[str] = frozenset()  # "John Smith" after a trigger is a person
    given_names: frozenset[str] = frozenset()  # first names for finding people (people.py)
    _by_name: dict[str, Entity] = field(init=False, repr=False, compare=False)
    _by_alias: dict[str, str] = field(init=False, repr=False, compare=False)
    _rule_of: dict[str, CompiledRule] = field(init=False, repr=False, compare=False)
    _compiled: tuple[CompiledRule, ...] = field(init=False, repr=False, compare=False)
    _exact: Any = field(init=False, repr=False, compare=False)
    _folded: Any = field(init=False, repr=False, compare=False)
    _given_digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {e.name: e for e in self.entities}
        compiled = tuple(_compile_rule(r, by_name[r.entity].kind) for r in self.rules)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_alias", {r.alias: r.entity for r in self.rules})
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_rule_of", {c.rule.alias: c for c in compiled})
        object.__setattr__(self, "_exact", _automaton(compiled, folded=False))
        object.__setattr__(self, "_folded", _automaton(compiled, folded=True))
        given = "\n".join(sorted(self.given_names)).encode("utf-8")
        object.__setattr__(self, "_given_digest", hashlib.sha256(given).hexdigest())

    def __reduce__(self) -> tuple[Any, ...]:
        # Ship data only; the receiving process rebuilds the automata (some tens of ms).
        # The ~60,000 given names travel as one compressed string (about 150 KB, not 500).
        lists = (self.stop_names, self.generic_words, self.first_names)
        packed = zlib.compress("\n".join(sorted(self.given_names)).encode("utf-8"))
        return (_unpickle, (self.entities, self.rules, *lists, packed))

    @property
    def fingerprint(self) -> str:
        """A hash of everything that changes matching: entities, alias rules, word lists.

        Tags made with an equal fingerprint are equal, so it belongs in the tagger version.
        """
        lists = [sorted(words) for words in (self.stop_names, self.generic_words, self.first_names)]
        payload = repr((self.entities, self.rules, lists, self._given_digest)).encode("utf-8")
        return hashlib.sha256(payload).hexdigest()[:16]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def entity(self, name: str) -> Entity:
        """The entity with this canonical name; KeyError if it is not on the watchlist."""
        return self._by_name[name]

    def lookup(self, alias: str) -> Entity | None:
        """The entity an alias names, ignoring its rules ("Apple" -> Apple); None if unknown."""
        name = self._by_alias.get(alias) or self._by_alias.get(alias.lower())
        return self._by_name[name] if name else None

    def rule_of(self, alias: str) -> CompiledRule | None:
        """The compiled rule of an alias as written (case-sensitive); None if unknown."""
        return self._rule_of.get(alias)

    def rollup(self, name: str) -> str:
        """The top-most parent of `name` (itself when it has none or is not listed)."""
        seen = {name}
        current = self._by_name.get(name)
        while current is not None and current.parent and current.parent not in seen:
            seen.add(current.parent)
            name = current.parent
            current = self._by_name.get(name)
        return name

    def scan(self, text: str) -> list[tuple[int, int, CompiledRule]]:
        """Every raw alias hit in `text` as (start, end, rule), before any boundary check."""
        normal = normalise(text)
        hits = _hits(self._exact, normal, self._compiled)
        hits.extend(_hits(self._folded, _fold(normal), self._compiled))
        return hits


def _unpickle(
    entities: tuple[Entity, ...],
    rules: tuple[AliasRule, ...],
    stop_names: frozenset[str],
    generic_words: frozenset[str],
    first_names: frozenset[str],
    packed: bytes,
) -> Watchlist:
    names = zlib.decompress(packed).decode("utf-8").split("\n")
    given = frozenset(names) if names != [""] else frozenset()
    return Watchlist(entities, rules, stop_names, generic_words, first_names, given)


def normalise(text: str) -> str:
    """Map no-break spaces, no-break hyphens and curly apostrophes to ASCII, same length."""
    # A chain of str.replace runs at C speed; str.translate with a dict does not.
    for old, new in _NORMALISE:
        if old in text:
            text = text.replace(old, new)
    return text


def load_watchlist(
    extra: Path | None = None, overrides: Sequence[Mapping[str, Any]] | None = None
) -> Watchlist:
    """Load the shipped watchlist, then the user's TOML file, then the user's config entries.

    A later entry with the same name replaces the earlier one whole; `disabled = true`
    removes it. Raises `WatchlistError` naming the entry and key on malformed input.
    """
    default = _read_toml(DEFAULT_PATH, "default")
    sources: list[tuple[str, Mapping[str, Any]]] = [("default watchlist", default)]
    if extra is not None:
        sources.append((str(extra), _read_toml(extra, str(extra))))
    if overrides:
        sources.append(("config overrides", {"entity": list(overrides)}))
    entries: dict[str, dict[str, Any]] = {}
    lists: dict[str, set[str]] = {key: set() for key in _DISCOVERY_KEYS}
    for label, data in sources:
        _check_keys(data, {"entity", "discovery"}, label)
        _merge(entries, data.get("entity", []), label)
        discovery = data.get("discovery", {})
        _check_keys(discovery, set(_DISCOVERY_KEYS), f"{label} [discovery]")
        for key in _DISCOVERY_KEYS:
            lists[key].update(_string_list(discovery, key, f"{label} [discovery]"))
    return build_watchlist(entries.values(), **lists, given_names=given_names())


def build_watchlist(
    entries: Iterable[Mapping[str, Any]],
    stop_names: Iterable[str] = (),
    generic_words: Iterable[str] = (),
    first_names: Iterable[str] = (),
    given_names: Iterable[str] = (),
) -> Watchlist:
    """Build a watchlist from entry mappings already merged (see `load_watchlist`)."""
    entities: list[Entity] = []
    rules: dict[str, AliasRule] = {}
    for entry in entries:
        entity, entity_rules = _parse_entry(entry)
        entities.append(entity)
        for rule in entity_rules:
            key = rule.alias.lower() if rule.case_insensitive else rule.alias
            if key in rules and rules[key].entity != rule.entity:
                log.warning(
                    "alias %r of %r now points to %r", rule.alias, rules[key].entity, rule.entity
                )
            rules[key] = rule
    _check_parents(entities)
    lists = (frozenset(stop_names), frozenset(generic_words), frozenset(first_names))
    people = frozenset(given_names) | lists[2]
    return Watchlist(tuple(entities), tuple(rules.values()), *lists, people)


# ---- reading and validating -----------------------------------------------------------


def _read_toml(path: Path, label: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WatchlistError(f"watchlist {label}: cannot read: {exc}") from exc


def _check_keys(table: Any, allowed: set[str], label: str) -> None:
    if not isinstance(table, Mapping):
        raise WatchlistError(f"{label}: must be a table")
    unknown = set(table) - allowed
    if unknown:
        raise WatchlistError(f"{label}: unknown key {sorted(unknown)[0]!r}")


def _merge(entries: dict[str, dict[str, Any]], new: Any, label: str) -> None:
    if not isinstance(new, list):
        raise WatchlistError(f"{label}: 'entity' must be a list of tables")
    seen: set[str] = set()
    for position, entry in enumerate(new):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            raise WatchlistError(
                f"{label}: entity #{position + 1}: 'name' must be a non-empty string"
            )
        if name in seen:
            raise WatchlistError(f"{label}: entity {name!r} is defined twice")
        if not isinstance(entry.get("disabled", False), bool):
            raise WatchlistError(f"{label}: entity {name!r}: 'disabled' must be true or false")
        seen.add(name)
        if entry.get("disabled") is True:
            entries.pop(name, None)
        else:
            entries[name] = dict(entry)


def _parse_entry(entry: Mapping[str, Any]) -> tuple[Entity, list[AliasRule]]:
    name = entry["name"]
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise WatchlistError(f"entity {name!r}: unknown key {sorted(unknown)[0]!r}")
    kind = entry.get("kind")
    kind = _FORMER_KINDS.get(kind, kind) if isinstance(kind, str) else kind
    if kind not in KINDS:
        raise WatchlistError(
            f"entity {name!r}: 'kind' must be one of {sorted(KINDS)}, not {kind!r}"
        )
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise WatchlistError(f"entity {name!r}: 'parent' must be a string")
    aliases = _string_list(entry, "aliases", f"entity {name!r}")
    domains = _string_list(entry, "domains", f"entity {name!r}")
    ruled = {r.alias: r for r in _parse_rules(entry, name)}
    folded = {r.alias for r in ruled.values() if r.case_insensitive}
    plain = [a for a in _unique([name, *aliases]) if a not in ruled and a.lower() not in folded]
    rules = [AliasRule(a, name) for a in plain]
    rules.extend(ruled.values())
    rules.extend(AliasRule(d.lower(), name, case_insensitive=True, domain=True) for d in domains)
    all_aliases = tuple(r.alias for r in rules if r.alias != name)
    return Entity(name, kind, all_aliases, parent), rules


def _parse_rules(entry: Mapping[str, Any], name: str) -> list[AliasRule]:
    raw = entry.get("rules", [])
    if not isinstance(raw, list):
        raise WatchlistError(f"entity {name!r}: 'rules' must be a list of tables")
    rules = []
    for rule in raw:
        label = f"entity {name!r} rule {rule.get('alias')!r}" if isinstance(rule, Mapping) else name
        if not isinstance(rule, Mapping) or not isinstance(rule.get("alias"), str):
            raise WatchlistError(f"{label}: each rule needs 'alias' (a string)")
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise WatchlistError(f"{label}: unknown key {sorted(unknown)[0]!r}")
        options: dict[str, Any] = {k: tuple(_string_list(rule, k, label)) for k in _LIST_OPTIONS}
        for key in _BOOL_OPTIONS:
            if not isinstance(rule.get(key, False), bool):
                raise WatchlistError(f"{label}: {key!r} must be true or false")
            options[key] = rule.get(key, False)
        alias = rule["alias"].lower() if options["case_insensitive"] else rule["alias"]
        rules.append(AliasRule(alias, name, **options))
    return rules


def _string_list(table: Mapping[str, Any], key: str, label: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WatchlistError(f"{label}: {key!r} must be a list of non-empty strings")
    return value


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _check_parents(entities: list[Entity]) -> None:
    parents = {e.name: e.parent for e in entities}
    for entity in entities:
        if entity.parent is not None and entity.parent not in parents:
            raise WatchlistError(
                f"entity {entity.name!r}: 'parent' {entity.parent!r} is not on the watchlist"
            )
        seen, current = {entity.name}, entity.parent
        while current is not None:
            if current in seen:
                raise WatchlistError(f"entity {entity.name!r}: 'parent' chain loops at {current!r}")
            seen.add(current)
            current = parents[current]


# ---- compiling -------------------------------------------------------------------------


def _compile_rule(rule: AliasRule, kind: str) -> CompiledRule:
    return CompiledRule(
        rule=rule,
        kind=kind,
        require=_words_pattern(rule.require_context),
        reject=_words_pattern(rule.reject_context),
        followed=_neighbour_pattern(rule.reject_if_followed_by, after=True),
        preceded=_neighbour_pattern(rule.reject_if_preceded_by, after=False),
        allowed_next=frozenset(rule.allow_followed_by),
    )


def _alternatives(words: Iterable[str]) -> str:
    """One regex alternative per word, each with word boundaries where it has word ends."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        prefix = word.endswith("*")
        body = re.escape(word[:-1] if prefix else word)
        head = r"(?<!\w)" if word[0].isalnum() else ""
        tail = r"\w*" if prefix else (r"(?!\w)" if word[-1].isalnum() else "")
        parts.append(head + body + tail)
    return "|".join(parts)


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(_alternatives(words), re.IGNORECASE)


def _neighbour_pattern(words: tuple[str, ...], after: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    if after:  # used with .match() at the alias end
        return re.compile(rf"[\s\-–]*(?:{_alternatives(words)})", re.IGNORECASE)
    return re.compile(rf"(?:{_alternatives(words)})[\s\-–]*$", re.IGNORECASE)


def _automaton(compiled: tuple[CompiledRule, ...], folded: bool) -> Any:
    automaton = ahocorasick.Automaton()
    for index, item in enumerate(compiled):
        if item.rule.case_insensitive == folded:
            key = normalise(item.rule.alias)
            key = key.lower() if folded else key
            automaton.add_word(key, (len(key), index))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _hits(automaton: Any, haystack: str, compiled: tuple[CompiledRule, ...]) -> list[Any]:
    if automaton.kind != ahocorasick.AHOCORASICK:
        return []
    return [(end + 1 - n, end + 1, compiled[i]) for end, (n, i) in automaton.iter(haystack)]


def _fold(text: str) -> str:
    """Lower-case without changing the length (a few characters grow when lowered)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
