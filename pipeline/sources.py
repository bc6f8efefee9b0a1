"""The source catalogue (`pipeline/data/sources.toml`) and the config `newsmon init` writes.

The catalogue is data: each source with its kind (official, filing, press, search), name,
feed URL and the companies it covers; and templates of news-search feeds, made into one
feed per focus entity (or pair of them). `render_config` turns it into a commented
`newsmon.toml`; what it writes loads with `load_settings`, which the tests check.
"""

from __future__ import annotations

import itertools
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import quote_plus, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.settings import HOST_REQUIREMENTS, FeedSettings, Settings, SourceKind

KINDS: tuple[SourceKind, ...] = ("official", "filing", "press", "search")
DEFAULT_FOCUS = ("Microsoft", "OpenAI")


class CatalogueError(Exception):
    """The catalogue file is not valid (a packaging or editing mistake)."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogueSource(_Entry):
    """One feed of the catalogue."""

    kind: SourceKind
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    entities: tuple[str, ...] = ()
    note: str | None = None
    contact_required: bool = False
    max_requests_per_s: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _says_what_its_host_requires(self) -> CatalogueSource:
        # An entry on a host with requirements states them, and states them rightly:
        # the catalogue is what an operator reads before adding such a feed.
        host = urlsplit(self.url).hostname or ""
        required = HOST_REQUIREMENTS.get(host)
        if required is None:
            return self
        stated = (self.contact_required, self.max_requests_per_s)
        if stated != (required.contact_required, required.max_requests_per_s):
            raise ValueError(
                f"{self.name}: {host} requires contact_required = "
                f"{str(required.contact_required).lower()} and max_requests_per_s = "
                f"{required.max_requests_per_s:g}"
            )
        return self


class SearchTemplate(_Entry):
    """A news-search feed to make per focus entity, per pair of them, or by hand."""

    engine: str = Field(min_length=1)
    per: Literal["entity", "pair", "manual"]
    query: str = Field(min_length=1)
    url: str = Field(min_length=1)


class Catalogue(_Entry):
    version: int = Field(ge=1)
    source: tuple[CatalogueSource, ...]
    search: tuple[SearchTemplate, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        for key in ("name", "url"):
            values = [getattr(s, key) for s in self.source]
            twice = {v for v in values if values.count(v) > 1}
            if twice:
                raise ValueError(f"source {key} listed twice: {sorted(twice)[0]}")
        return self

    def sources(self, kinds: Iterable[str] = KINDS) -> list[CatalogueSource]:
        wanted = set(kinds)
        return [s for s in self.source if s.kind in wanted]


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The shipped catalogue, or the file at `path`."""
    if path is None:
        text = resources.files("pipeline").joinpath("data", "sources.toml").read_text("utf-8")
        where = "pipeline/data/sources.toml"
    else:
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        return Catalogue.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CatalogueError(f"{where}: {exc}") from None


@dataclass(frozen=True, slots=True)
class PlannedFeed:
    """A feed `newsmon init` writes: the config entry, and a note to comment it with."""

    feed: FeedSettings
    note: str | None = None


def search_feeds(catalogue: Catalogue, focus: Sequence[str]) -> list[FeedSettings]:
    """The news-search feeds of the focus entities: each template once per entity, or once
    per pair of entities (in the order given)."""
    feeds = []
    for template in catalogue.search:
        if template.per == "entity":
            groups = [(entity,) for entity in focus]
        elif template.per == "pair":
            groups = list(itertools.combinations(focus, 2))
        else:
            continue
        feeds += [_search_feed(template, group) for group in groups]
    return feeds


def _search_feed(template: SearchTemplate, group: tuple[str, ...]) -> FeedSettings:
    if len(group) == 1:
        query = template.query.replace("{entity}", group[0])
    else:
        query = template.query.replace("{a}", group[0]).replace("{b}", group[1])
    return FeedSettings(
        name=f"{template.engine}: {' + '.join(group)}",
        url=template.url.replace("{query}", quote_plus(query)),
        kind="search",
        entities=group,
    )


def plan_feeds(
    catalogue: Catalogue, focus: Sequence[str], kinds: Iterable[str], contact: bool
) -> list[PlannedFeed]:
    """Every feed the config will list: the catalogue's sources of `kinds`, then the
    search feeds of the focus. A source on a host that requires a contact is written
    switched off when no contact was given (the config must load as written)."""
    kinds = tuple(kinds)
    planned = []
    for source in catalogue.sources(kinds):
        off = source.contact_required and not contact
        feed = FeedSettings(
            name=source.name,
            url=source.url,
            kind=source.kind,
            entities=source.entities,
            enabled=not off,
        )
        planned.append(PlannedFeed(feed, source.note))
    if "search" in kinds:
        planned += [PlannedFeed(feed) for feed in search_feeds(catalogue, focus)]
    return planned


# ---- the config `newsmon init` writes --------------------------------------------------------

_KIND_HEADINGS = {
    "official": "official: the companies' own newsrooms and blogs",
    "filing": "filing: SEC EDGAR 8-K current reports (EDGAR asks every client for its\n"
    "# operator's name and an e-mail contact, and at most 10 requests a second)",
    "press": "press: technology and business outlets",
    "search": "search: news-search feeds of the focus entities (links resolve to the publisher)",
}


def render_config(
    catalogue: Catalogue,
    focus: Sequence[str] = DEFAULT_FOCUS,
    kinds: Iterable[str] = KINDS,
    operator: str | None = None,
    contact: str | None = None,
    database: str = "data/newsmon.duckdb",
) -> str:
    """A commented newsmon.toml monitoring the catalogue's sources for `focus`."""
    planned = plan_feeds(catalogue, focus, kinds, contact=bool(operator and contact))
    parts = [
        _header(catalogue, focus, planned),
        _storage(database),
        _http(operator, contact),
        _focus(focus),
    ]
    for kind in KINDS:
        of_kind = [p for p in planned if p.feed.kind == kind]
        if of_kind:
            parts.append(_feeds_section(kind, of_kind))
    if "search" in set(kinds):
        parts.append(_alerts_example(catalogue, focus))
    return "\n".join(part for part in parts if part)


def _header(catalogue: Catalogue, focus: Sequence[str], planned: list[PlannedFeed]) -> str:
    counts = ", ".join(
        f"{sum(p.feed.kind == k for p in planned)} {k}"
        for k in KINDS
        if any(p.feed.kind == k for p in planned)
    )
    return (
        "# newsmon.toml, written by `newsmon init` from the source catalogue "
        f"(version {catalogue.version}).\n"
        f"# Focus: {', '.join(focus)}. Feeds: {counts}.\n"
        "# Every key is documented in the README (Configuration); `newsmon feeds list` shows\n"
        "# the feeds, `newsmon ingest` polls them. Edit freely: this file is yours now.\n"
    )


def _storage(database: str) -> str:
    return f"[storage]\ndatabase = {_string(database)}   # relative to this file\n"


def _http(operator: str | None, contact: str | None) -> str:
    lines = [
        "[http]",
        "# Who runs this newsmon, and an e-mail address they read. SEC EDGAR requires both",
        "# (they become the User-Agent of its requests); the EDGAR feeds below stay off",
        "# (enabled = false) until they are set.",
    ]
    if operator and contact:
        lines += [f"operator = {_string(operator)}", f"contact = {_string(contact)}"]
    else:
        lines += ['# operator = "Example Research Ltd"', '# contact = "news-ops@example.com"']
    lines += [
        "# EDGAR's limit of 10 requests a second is built in; a host's own pace can be set:",
        '# [http.hosts."www.example.com"]',
        "# max_requests_per_s = 2",
    ]
    return "\n".join(lines) + "\n"


def _focus(focus: Sequence[str]) -> str:
    """The `[focus]` section, when this newsmon reads one (`Settings.focus`)."""
    if "focus" not in Settings.model_fields:
        return ""
    return f"[focus]\nentities = {_array(focus)}\n"


def _feeds_section(kind: str, planned: list[PlannedFeed]) -> str:
    heading = f"# ---- {_KIND_HEADINGS[kind]}\n"
    return heading + "\n".join(_feed(p) for p in planned)


def _feed(planned: PlannedFeed) -> str:
    feed = planned.feed
    lines = [f"# {planned.note}"] if planned.note else []
    lines += [
        "[[feeds]]",
        f"name = {_string(feed.name)}",
        f"url = {_string(feed.url)}",
        f"kind = {_string(feed.kind or '')}",
    ]
    if feed.entities:
        lines.append(f"entities = {_array(feed.entities)}")
    if not feed.enabled:
        lines.append("enabled = false   # set [http] operator and contact, then remove this")
    return "\n".join(lines) + "\n"


def _alerts_example(catalogue: Catalogue, focus: Sequence[str]) -> str:
    manual = [t for t in catalogue.search if t.per == "manual"]
    topic = focus[0] if focus else "topic"
    blocks = []
    for template in manual:
        query = template.query.replace("{entity}", topic)
        name = f"{template.engine}: {topic}"
        blocks.append(
            f'# {template.engine}: make an alert for {query} with "Deliver to: RSS feed",\n'
            "# then paste its feed address here and remove the #s:\n"
            "# [[feeds]]\n"
            f"# name = {_string(name)}\n"
            f"# url = {_string(template.url)}\n"
            '# kind = "search"\n'
            f"# entities = {_array([topic])}\n"
        )
    return "".join(blocks)


def _string(value: str) -> str:
    # A JSON string is a TOML basic string: the same quotes and escapes.
    return json.dumps(value, ensure_ascii=False)


def _array(values: Iterable[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"
