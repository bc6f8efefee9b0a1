"""One typed record per stage output, defined once.

poll -> FeedEntry, fetch -> FetchedPage, extract -> Article, tag -> TaggedArticle.
All datetimes are timezone-aware UTC; never strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedState:
    """What we remember about a feed between polls (conditional GET validators)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, as the feed described it."""

    feed_url: str
    url: str
    guid: str | None
    title: str | None
    published: datetime | None
    summary: str | None = None
    # For a search or alert feed's item: the link as the feed listed it (an aggregator's
    # redirect; `url` is the publisher's URL behind it), and the outlet the item names.
    listed_url: str | None = None
    outlet: str | None = None
    outlet_url: str | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of polling one feed: entries, 'not modified', or an error."""

    feed_url: str
    status: str  # "ok" | "not_modified" | "error"
    http_status: int | None
    entries: tuple[FeedEntry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    bozo_reason: str | None = None
    error: str | None = None
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """An HTML page as fetched: raw bytes plus the HTTP facts about it."""

    url: str  # the URL asked for (from the feed)
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    feed_url: str | None = None
    feed_title: str | None = None
    feed_published: datetime | None = None
    charset: str | None = None  # from the Content-Type header: it outranks <meta>


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """One item that failed at some stage; recorded in `fetch_errors`, never fatal to the run."""

    url: str
    stage: str  # "poll" | "fetch" | "extract" | "store" | "tag"
    kind: str  # short machine-readable reason, e.g. "timeout", "too_large", "http_404"
    message: str
    at: datetime
    feed_url: str | None = None
    # False: the entry keeps this reason, but `fetch_errors` gets no row of its own (a link
    # skipped on a failing host: one row says it for the host, once per run)
    recorded: bool = True
    status: int | None = None  # the HTTP status of a failed page, if it answered
    retry_after: str | None = None  # its Retry-After header, as sent (untrusted)


@dataclass(frozen=True, slots=True)
class Article:
    """Extracted text and metadata of one page, keyed by the hash of its canonical URL."""

    article_id: str
    url: str
    canonical_url: str
    title: str | None
    author: str | None
    published: datetime | None
    sitename: str | None
    language: str | None
    text: str
    content_hash: str  # hash of the normalised text: equal for syndicated copies
    raw_hash: str  # hash of the raw HTML bytes, the key of the stored raw page
    extractor_version: str
    fetched_at: datetime
    feed_url: str | None = None


@dataclass(frozen=True, slots=True)
class StorySignature:
    """An article's MinHash signature (`pipeline/stories.py`) and its LSH band keys."""

    minhash: tuple[int, ...]
    bands: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Extracted:
    """What the extraction workers make of one fetched page: the article and its tags, or
    the reason there is none; and the page as fetched, gzipped, kept so that a better
    extractor can re-run over history without fetching again."""

    page_url: str
    raw_hash: str
    raw_gz: bytes = b""  # empty when the worker was stopped before it got that far
    article: Article | None = None
    tagged: TaggedArticle | None = None  # None: no article, or no tagging asked for
    failure: FetchFailure | None = None  # why there is no article, or no tags
    signature: StorySignature | None = None  # for near-duplicate stories


@dataclass(frozen=True, slots=True)
class Crawl:
    """A chunk of feed entries fetched, extracted and tagged: what one store batch writes."""

    fetched: int  # pages fetched
    extracted: tuple[Extracted, ...]
    fetch_failures: tuple[FetchFailure, ...] = ()

    @property
    def articles(self) -> list[Article]:
        return [e.article for e in self.extracted if e.article is not None]

    @property
    def tagged(self) -> list[TaggedArticle]:
        return [e.tagged for e in self.extracted if e.tagged is not None]

    @property
    def signatures(self) -> dict[str, StorySignature]:
        """article_id -> its story signature."""
        return {
            e.article.article_id: e.signature
            for e in self.extracted
            if e.article is not None and e.signature is not None
        }

    @property
    def failures(self) -> list[FetchFailure]:
        return [*self.fetch_failures, *(e.failure for e in self.extracted if e.failure)]

    @property
    def raw(self) -> dict[str, bytes]:
        """raw_hash -> the page gzipped."""
        return {e.raw_hash: e.raw_gz for e in self.extracted if e.raw_gz}


# ---- tagging records ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entity:
    """A watchlist entry: canonical name, kind, aliases and a parent for roll-up."""

    name: str
    kind: str  # org | person | product | project | publisher | place | government
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity in an article's text."""

    entity: str  # canonical name
    kind: str
    surface: str  # the text as written
    start: int  # char offsets into Article.text
    end: int
    sentence_index: int
    discovered: bool = False  # an org found by pattern, not on the watchlist


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money as written in the text, and in USD."""

    text: str
    value: float  # in the original currency
    currency: str  # ISO 4217 code
    usd: float
    qualifier: str | None = None  # "up to", "more than", "about", "nearly", ...
    # deal | valuation | stake_value | market_size | spending | revenue | other
    kind: str = "deal"


@dataclass(frozen=True, slots=True)
class Party:
    name: str  # canonical entity name
    role: str  # investor/target, acquirer/target, licensor/licensee, supplier/customer, partner


@dataclass(frozen=True, slots=True)
class DealMention:
    """A deal as one sentence (the evidence) reports it."""

    type: str  # investment | acquisition | partnership | joint_venture | contract | licensing
    parties: tuple[Party, ...]
    status: str  # announced | completed | reported | in_talks | planned | failed
    sentence: str
    sentence_index: int
    amount: Amount | None = None
    background: bool = False
    year: int | None = None
    name: str | None = None  # e.g. "Stargate Project"
    stakes: tuple[tuple[str, float], ...] = ()  # (party, fraction)
    valuation_usd: float | None = None
    deal_key: str = ""


@dataclass(frozen=True, slots=True)
class TaggedArticle:
    article_id: str
    tagger_version: str
    mentions: tuple[Mention, ...] = ()
    deals: tuple[DealMention, ...] = ()
    entities: tuple[Entity, ...] = field(default=())  # discovered entities, new to the watchlist
