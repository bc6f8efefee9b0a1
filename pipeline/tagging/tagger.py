"""The tag stage: text -> sentences -> mentions (watchlist + discovered orgs) -> deals.

`tag()` is pure. Its version names both the rules and the watchlist it used, so a change
to either (the user's overrides included) makes stored tags stale for `retag`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from pipeline.records import Amount, DealMention, Entity, Mention, TaggedArticle
from pipeline.settings import SettingsError, TaggingSettings
from pipeline.tagging.asides import set_aside
from pipeline.tagging.deals import deal_key, find_deals
from pipeline.tagging.match import discover_orgs, find_mentions, owners_written
from pipeline.tagging.naming import display_names
from pipeline.tagging.people import find_people
from pipeline.tagging.sentences import split_sentences
from pipeline.tagging.watchlist import Watchlist, WatchlistError, load_watchlist

RULES_VERSION = "7"


def tagger_version(watchlist: Watchlist) -> str:
    """`rules-<n>+wl-<fingerprint>`: changes with the rules, the entities or their aliases."""
    return f"rules-{RULES_VERSION}+wl-{watchlist.fingerprint[:10]}"


def parents_of(watchlist: Watchlist) -> dict[str, str]:
    """Product -> the nearest org above it, for deal parties ("its Azure platform")."""
    owners = {}
    for entity in watchlist.entities:
        owner = entity.parent
        while owner and owner in watchlist and watchlist.entity(owner).kind != "org":
            owner = watchlist.entity(owner).parent
        if owner:
            owners[entity.name] = owner
    return owners


def tag(
    article_id: str,
    text: str,
    watchlist: Watchlist,
    published: datetime | None = None,
    version: str | None = None,
    parents: dict[str, str] | None = None,
) -> TaggedArticle:
    """Entities and deals of one article's text."""
    sentences = split_sentences(text)
    known = owners_written(find_mentions(text, sentences, watchlist), watchlist)
    discovered = discover_orgs(text, sentences, watchlist, known)
    known = [m for m in known if m.kind != "place" or not _inside(m, discovered)]
    known, discovered, companies = _as_companies(known, discovered)
    people = find_people(
        text, sentences, known + discovered, watchlist.given_names, watchlist.stop_names
    )
    parents = parents if parents is not None else parents_of(watchlist)
    # people are looked for around every name found, actors or not ("Image: Acme")
    actors = set_aside(text, sorted(known + discovered, key=lambda m: m.start), parents)
    mentions = sorted(actors + people, key=lambda m: (m.start, m.end))
    deals = find_deals(text, sentences, mentions, published, parents)
    # a product read as its company for the deals keeps its watchlist kind when stored, so
    # an entity has one kind in every view ("Cursor" is a product in every article)
    mentions = [replace(m, kind="product") if m.entity in companies else m for m in mentions]
    new_orgs = {m.entity: Entity(m.entity, "org") for m in actors if m.discovered}
    new_orgs.update({m.entity: Entity(m.entity, "person") for m in people if m.discovered})
    return TaggedArticle(
        article_id=article_id,
        tagger_version=version or tagger_version(watchlist),
        mentions=tuple(mentions),
        deals=tuple(replace(d, deal_key=d.deal_key or deal_key(d)) for d in deals),
        entities=tuple(new_orgs.values()),
    )


def _as_companies(
    known: list[Mention], discovered: list[Mention]
) -> tuple[list[Mention], list[Mention], frozenset[str]]:
    """A product the article names as a company somewhere ("startup Cursor") is that
    company in all its mentions there: discovery hands back those mentions as orgs, which
    take the products' places. Also returns those products' names."""
    spans = {(m.start, m.end) for m in known if m.kind == "product"}
    handed = [m for m in discovered if not m.discovered and (m.start, m.end) in spans]
    if not handed:
        return known, discovered, frozenset()
    products = frozenset(m.entity for m in handed)
    known = [replace(m, kind="org") if m.entity in products else m for m in known]
    return known, [m for m in discovered if m not in handed], products


def _inside(mention: Mention, names: list[Mention]) -> bool:
    """The mention is inside a name discovery found ("U.S." in "the U.S. ... Commission")."""
    return any(n.start <= mention.start and mention.end <= n.end for n in names)


def load_tagging_watchlist(settings: TaggingSettings) -> Watchlist:
    """The shipped watchlist with the user's extensions; a bad one is a config error."""
    try:
        return load_watchlist(settings.watchlist, [dict(e) for e in settings.entities] or None)
    except (WatchlistError, OSError) as exc:
        raise SettingsError(f"invalid config:\n  tagging: {exc}") from None


def as_json(tagged: TaggedArticle, watchlist: Watchlist) -> dict[str, Any]:
    """The `newsmon tag` output contract for one article."""
    counts = Counter(m.entity for m in tagged.mentions)
    kinds = {m.entity: m.kind for m in tagged.mentions}
    names = display_names(tagged.mentions)
    entities = [
        {
            "name": names.get(name, name),
            "canonical": name,
            "kind": kinds[name],
            "parent": watchlist.entity(name).parent if name in watchlist else None,
            "count": n,
        }
        for name, n in counts.most_common()
    ]
    return {
        "id": tagged.article_id,
        "entities": entities,
        "deals": [_deal_json(d, names) for d in tagged.deals],
    }


def _amount_text(amount: Amount) -> str:
    """The amount as written, with its qualifier ("up to $500 billion")."""
    qualifier = amount.qualifier
    if not qualifier or qualifier == "between" or amount.text.lower().startswith(qualifier):
        return amount.text
    return f"{qualifier} {amount.text}"


def _deal_json(deal: DealMention, names: dict[str, str]) -> dict[str, Any]:
    amount = deal.amount
    return {
        "type": deal.type,
        "parties": [names.get(p.name, p.name) for p in deal.parties],
        "roles": {names.get(p.name, p.name): p.role for p in deal.parties},
        "amount_usd": amount.usd if amount else None,
        "amount_text": _amount_text(amount) if amount else None,
        "status": deal.status,
        "background": deal.background,
        "sentence": deal.sentence,
    }
