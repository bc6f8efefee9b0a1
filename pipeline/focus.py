"""Focus: is an article about the entities the monitoring is for?

Pure. `[focus] entities = ["Microsoft", "OpenAI"]` names the focus; through the
watchlist's parents, a product or subsidiary counts for its parent (Azure and GitHub for
Microsoft, ChatGPT for OpenAI). An article whose tags name none of them is off topic: it
is kept (the entry is not fetched again) but not counted. No focus: every article is on
topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.records import TaggedArticle
from pipeline.settings import FocusSettings, SettingsError
from pipeline.tagging.watchlist import Watchlist


@dataclass(frozen=True, slots=True)
class Focus:
    """The focus entities and every watchlist entity that rolls up to one of them."""

    entities: tuple[str, ...] = ()
    covered: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.entities)


def compile_focus(settings: FocusSettings, watchlist: Watchlist) -> Focus:
    """The focus of `settings`, with its families from the watchlist; an entity that is not
    on the watchlist is a config error (nothing could ever mention it)."""
    names = {e.name.casefold(): e.name for e in watchlist.entities}
    unknown = [n for n in settings.entities if n.casefold() not in names]
    if unknown:
        listed = ", ".join(repr(n) for n in unknown)
        raise SettingsError(
            f"invalid config:\n  focus.entities: {listed} not on the watchlist "
            "(add it under [[tagging.entities]])"
        )
    chosen = tuple(names[n.casefold()] for n in settings.entities)
    parents = {e.name: e.parent for e in watchlist.entities}
    covered = frozenset(name for name in parents if _rolls_up(name, set(chosen), parents))
    return Focus(chosen, covered)


def _rolls_up(name: str, chosen: set[str], parents: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        if current in chosen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def is_on_topic(tagged: TaggedArticle | None, focus: Focus) -> bool:
    """Whether the article names a focus entity. Untagged (tagging failed): on topic, so
    that its text is kept for `newsmon retag`."""
    if not focus.active or tagged is None:
        return True
    return any(m.entity in focus.covered for m in tagged.mentions)
