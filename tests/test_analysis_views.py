"""Exact view results over the seeds, ingested through the real flow into a real DuckDB file.

The seeds: the Stargate article (2025-03-04), the hyperscalers article (2025-05-20) and a
syndicated copy of it (2025-05-21, stored as a duplicate: no text, no tags of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import duckdb
import pytest

from tests.test_analysis_seed import (
    HYPERSCALERS_URL,
    STARGATE_URL,
    SYNDICATED_URL,
    seeded_settings,
)
from warehouse.db import Database, rows_as_dicts

pytestmark = pytest.mark.usefixtures("prefect_harness")

MARCH_4 = datetime(2025, 3, 4, 14, 30, tzinfo=UTC)
MAY_20 = datetime(2025, 5, 20, 11, 45, tzinfo=UTC)
MAY_21 = datetime(2025, 5, 21, 7, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def con(
    tmp_path_factory: pytest.TempPathFactory, seed_site: str
) -> Iterator[duckdb.DuckDBPyConnection]:
    settings = seeded_settings(tmp_path_factory, seed_site)
    with Database(settings.storage.database).reader() as connection:
        connection.execute("set TimeZone = 'UTC'")
        yield connection


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list[dict]:
    return rows_as_dicts(con.execute(query, params or []))


def test_article_dates_has_one_row_per_original(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con, "select canonical_url, day, week from article_dates order by day")
    assert rows == [
        {"canonical_url": STARGATE_URL, "day": date(2025, 3, 4), "week": date(2025, 3, 3)},
        {"canonical_url": HYPERSCALERS_URL, "day": date(2025, 5, 20), "week": date(2025, 5, 19)},
    ]


def test_co_mentions_pairs_microsoft_and_openai_in_both_articles(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = _rows(con, "select * from co_mentions where entity_a = 'Microsoft'")
    pair = [r for r in rows if r["entity_b"] == "OpenAI"]
    assert pair == [
        {
            "entity_a": "Microsoft",
            "entity_b": "OpenAI",
            "articles": 2,
            "first_seen": MARCH_4,
            "last_seen": MAY_20,
        }
    ]
    # pairs are ordered (a < b) and never an entity with itself
    assert _rows(con, "select count(*) as n from co_mentions where entity_a >= entity_b") == [
        {"n": 0}
    ]
    # the Stargate partners appear together only in the March article
    stargate = _rows(
        con,
        "select entity_a, entity_b, articles, first_seen from co_mentions "
        "where entity_a = 'Oracle' and entity_b = 'SoftBank'",
    )
    assert stargate == [
        {"entity_a": "Oracle", "entity_b": "SoftBank", "articles": 1, "first_seen": MARCH_4}
    ]


def test_deal_ledger_has_one_stargate_joint_venture(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        "select deal_key, parties, amount_usd, amount_text, status, first_seen, last_seen, "
        "first_source_url, sources, articles, background_only "
        "from deal_ledger where type = 'joint_venture'",
    )
    assert rows == [
        {
            "deal_key": "joint_venture|OpenAI+Oracle+SoftBank|$100B+",
            "parties": ["OpenAI", "Oracle", "SoftBank"],
            "amount_usd": 500_000_000_000.0,
            "amount_text": "$500 billion",
            "status": "announced",
            "first_seen": MARCH_4,
            "last_seen": MARCH_4,
            "first_source_url": STARGATE_URL,
            "sources": [STARGATE_URL],
            "articles": 1,
            "background_only": False,
        }
    ]


def test_deal_ledger_merges_the_2019_investment_across_outlets(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = _rows(
        con,
        "select deal_key, type, parties, amount_usd, status, first_seen, last_seen, "
        "first_source_url, sources, articles, background_only "
        "from deal_ledger where type = 'investment' and amount_usd = 1e9",
    )
    assert rows == [
        {
            "deal_key": "investment|Microsoft+OpenAI|$1B-$10B",
            "type": "investment",
            "parties": ["Microsoft", "OpenAI"],
            "amount_usd": 1_000_000_000.0,
            "status": "completed",
            "first_seen": MARCH_4,
            "last_seen": MAY_21,
            "first_source_url": STARGATE_URL,
            # both seed articles state it, and the syndicated copy counts as a source
            "sources": sorted([STARGATE_URL, HYPERSCALERS_URL, SYNDICATED_URL]),
            "articles": 3,
            "background_only": True,
        }
    ]


def test_deal_ledger_has_one_row_per_deal_key(con: duckdb.DuckDBPyConnection) -> None:
    counts = _rows(
        con,
        "select (select count(*) from deal_ledger) as ledger, "
        "(select count(distinct deal_key) from deal_mentions) as keys",
    )
    assert counts[0]["ledger"] == counts[0]["keys"]


def test_deal_timeline_counts_new_deals_by_first_day(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con, "select * from deal_timeline where type = 'joint_venture'")
    assert rows == [
        {"day": date(2025, 3, 4), "type": "joint_venture", "deals": 1, "amount_usd": 5e11}
    ]
    # restated history (the 2019 investment) is not a new deal
    history = _rows(
        con,
        "select count(*) as n from deal_timeline t join deal_ledger l "
        "on cast(l.first_seen as date) = t.day and l.type = t.type where l.background_only "
        "and not exists (select 1 from deal_ledger o where o.type = l.type "
        "and cast(o.first_seen as date) = t.day and not o.background_only)",
    )
    assert history == [{"n": 0}]


def test_rollup_counts_azure_and_github_copilot_for_microsoft(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert _rows(
        con,
        "select name, top_parent from entity_rollup "
        "where name in ('Azure', 'GitHub Copilot', 'Microsoft') order by name",
    ) == [
        {"name": "Azure", "top_parent": "Microsoft"},
        {"name": "GitHub Copilot", "top_parent": "Microsoft"},
        {"name": "Microsoft", "top_parent": "Microsoft"},
    ]
    rolled = _rows(
        con,
        "select day, articles, mentions from entity_mentions_daily_rollup "
        "where entity = 'Microsoft' order by day",
    )
    family = _rows(
        con,
        "select d.day, sum(d.mentions)::bigint as mentions from entity_mentions_daily d "
        "join entity_rollup r on r.name = d.entity where r.top_parent = 'Microsoft' "
        "group by d.day order by d.day",
    )
    own = _rows(
        con,
        "select day, mentions from entity_mentions_daily where entity = 'Microsoft' order by day",
    )
    assert [(r["day"], r["articles"]) for r in rolled] == [
        (date(2025, 3, 4), 1),
        (date(2025, 5, 20), 1),
    ]
    assert [r["mentions"] for r in rolled] == [r["mentions"] for r in family]
    assert all(r["mentions"] > o["mentions"] for r, o in zip(rolled, own, strict=True))
    children = _rows(
        con,
        "select count(*) as n from entity_mentions_daily_rollup "
        "where entity in ('Azure', 'GitHub Copilot')",
    )
    assert children == [{"n": 0}]
    # without the roll-up, both products are counted on both days under their own names
    products = _rows(
        con,
        "select entity, day, articles, parent from entity_mentions_daily "
        "where entity in ('Azure', 'GitHub Copilot') order by entity, day",
    )
    assert [(r["entity"], r["day"], r["articles"], r["parent"]) for r in products] == [
        ("Azure", date(2025, 3, 4), 1, "Microsoft"),
        ("Azure", date(2025, 5, 20), 1, "Microsoft"),
        ("GitHub Copilot", date(2025, 3, 4), 1, "Microsoft"),
        ("GitHub Copilot", date(2025, 5, 20), 1, "Microsoft"),
    ]


def test_entity_trends_weekly(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        "select week, articles, change_vs_prev_week from entity_trends_weekly "
        "where entity = 'OpenAI' order by week",
    )
    assert rows == [
        {"week": date(2025, 3, 3), "articles": 1, "change_vs_prev_week": 1},
        {"week": date(2025, 5, 19), "articles": 1, "change_vs_prev_week": 1},
    ]
    shares = _rows(
        con,
        "select week, round(sum(share_of_voice), 2) as total from entity_trends_weekly "
        "group by week order by week",
    )
    assert [r["total"] for r in shares] == [1.0, 1.0]


def test_new_entities(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        "select entity, kind, first_seen, articles from new_entities "
        "where entity in ('Stargate Project', 'Amazon Web Services', 'Microsoft') "
        "order by entity",
    )
    assert rows == [
        {"entity": "Amazon Web Services", "kind": "org", "first_seen": MAY_20, "articles": 1},
        {"entity": "Microsoft", "kind": "org", "first_seen": MARCH_4, "articles": 2},
        {"entity": "Stargate Project", "kind": "project", "first_seen": MARCH_4, "articles": 1},
    ]


def test_feed_health(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(
        con,
        "select feed, enabled, last_status, last_http_status, failures, errors_total, "
        "last_error from feed_health",
    )
    assert rows == [
        {
            "feed": name,
            "enabled": True,
            "last_status": "ok",
            "last_http_status": 200,
            "failures": 0,
            "errors_total": 0,
            "last_error": None,
        }
        for name in ("seed-atom", "seed-rss")
    ]
