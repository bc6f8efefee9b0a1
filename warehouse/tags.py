"""Writing and reading tags: entities, mentions, deal mentions and their parties.

Tags are derived data. Writing the tags of an article replaces whatever tags it had, in
the same transaction, so a retag or a re-run never leaves two versions side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime

import duckdb

from pipeline.records import Entity, TaggedArticle
from warehouse import summaries
from warehouse.db import Database, bulk, sql, unique_by


def write_tags(
    con: duckdb.DuckDBPyConnection,
    tagged: Sequence[TaggedArticle],
    fresh: Collection[str] = frozenset(),
) -> None:
    """Replace the tags of these articles (call inside a transaction, then
    `summaries.refresh`). Articles in `fresh` were stored in this transaction and have no
    tags yet: nothing is deleted for them (a delete reads every mention's article id), and
    their counts are added to the summaries; the others' days are recomputed."""
    tagged = list({t.article_id: t for t in tagged}.values())  # one tagging per article
    if not tagged:
        return
    now = datetime.now(UTC)
    ids = [t.article_id for t in tagged]
    old = [i for i in ids if i not in fresh]
    if old:
        summaries.mark(con, old)  # the days and deals they counted towards until now
        con.execute(sql("retag_ids"), [old])
        con.execute(sql("delete_tags"))
    mentions = _first_per_key(_mention_rows, tagged, ("start_offset",))
    bulk(con, "upsert_entities", _discovered_rows(tagged, now))
    bulk(con, "insert_mentions", mentions)
    bulk(con, "insert_deal_mentions", [row for t in tagged for row in _deal_rows(t)])
    bulk(con, "insert_deal_parties", [row for t in tagged for row in _party_rows(t)])
    bulk(con, "insert_article_tags", [_article_tag_row(t, now) for t in tagged])
    summaries.mark(con, old)  # the days and deals they count towards now
    new = [i for i in ids if i in fresh]
    summaries.add(con, new, [m for m in mentions if m["article_id"] in fresh])


def _first_per_key(
    make: Callable[[TaggedArticle], Iterator[dict]],
    tagged: Sequence[TaggedArticle],
    key: tuple[str, ...],
) -> list[dict]:
    """The rows of every article, the first per (article, key): the inserts are plain
    (the old rows are deleted first), so a key must not come twice."""
    rows: dict[tuple, dict] = {}
    for t in tagged:
        for row in make(t):
            rows.setdefault((row["article_id"], *(row[k] for k in key)), row)
    return list(rows.values())


def sync_entities(db: Database, entities: Iterable[Entity]) -> None:
    """Put the watchlist in the warehouse, so SQL can roll mentions up to parents."""
    with db.transaction() as con:
        write_entities(con, entities)


def write_entities(con: duckdb.DuckDBPyConnection, entities: Iterable[Entity]) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "name": e.name,
            "kind": e.kind,
            "parent": e.parent,
            "aliases": list(e.aliases),
            "discovered": False,
            "first_seen": now,
        }
        for e in entities
    ]
    bulk(con, "upsert_entities", unique_by(rows, "name"))
    summaries.refresh(con)  # new parent chains change the roll-up


def stale_articles(db: Database, tagger_version: str, force: bool = False) -> list[str]:
    with db.transaction() as con:
        rows = con.execute(sql("stale_articles"), [tagger_version, force]).fetchall()
    return [row[0] for row in rows]


def article_texts(db: Database, ids: Sequence[str]) -> list[tuple[str, str, datetime | None]]:
    """(article_id, text, published) of these articles."""
    with db.transaction() as con:
        return con.execute(sql("article_texts"), [list(ids)]).fetchall()


def save_tags(db: Database, tagged: Sequence[TaggedArticle], refresh: bool = True) -> None:
    """Replace these articles' tags; with `refresh` off, the summaries of the days they
    touch are only marked, for one `summaries.refresh_database` at the end (a retag of
    the whole history would otherwise recompute every day once per chunk)."""
    with db.transaction() as con:
        write_tags(con, tagged)
        if refresh:
            summaries.refresh(con)


def _discovered_rows(tagged: Sequence[TaggedArticle], now: datetime) -> list[dict]:
    rows = [
        {
            "name": e.name,
            "kind": e.kind,
            "parent": e.parent,
            "aliases": list(e.aliases),
            "discovered": True,
            "first_seen": now,
        }
        for t in tagged
        for e in t.entities
    ]
    return unique_by(rows, "name")


def _mention_rows(tagged: TaggedArticle) -> Iterator[dict]:
    for m in tagged.mentions:
        yield {
            "article_id": tagged.article_id,
            "entity": m.entity,
            "kind": m.kind,
            "surface": m.surface,
            "start_offset": m.start,
            "end_offset": m.end,
            "sentence_index": m.sentence_index,
            "discovered": m.discovered,
            "tagger_version": tagged.tagger_version,
        }


def _deal_rows(tagged: TaggedArticle) -> Iterator[dict]:
    for index, deal in enumerate(tagged.deals):
        amount = deal.amount
        yield {
            "article_id": tagged.article_id,
            "deal_index": index,
            "deal_key": deal.deal_key,
            "type": deal.type,
            "status": deal.status,
            "parties": sorted(p.name for p in deal.parties),
            "amount_usd": amount.usd if amount else None,
            "amount_text": amount.text if amount else None,
            "amount_qualifier": amount.qualifier if amount else None,
            "valuation_usd": deal.valuation_usd,
            "year": deal.year,
            "background": deal.background,
            "name": deal.name,
            "sentence": deal.sentence,
            "sentence_index": deal.sentence_index,
            "tagger_version": tagged.tagger_version,
        }


def _party_rows(tagged: TaggedArticle) -> Iterator[dict]:
    for index, deal in enumerate(tagged.deals):
        stakes = dict(deal.stakes)
        parties = unique_by(({"party": p.name, "role": p.role} for p in deal.parties), "party")
        for party in parties:
            yield {
                "article_id": tagged.article_id,
                "deal_index": index,
                **party,
                "stake": stakes.get(party["party"]),
                "tagger_version": tagged.tagger_version,
            }


def _article_tag_row(tagged: TaggedArticle, now: datetime) -> dict:
    return {
        "article_id": tagged.article_id,
        "tagger_version": tagged.tagger_version,
        "tagged_at": now,
        "mentions": len(tagged.mentions),
        "deals": len(tagged.deals),
    }
