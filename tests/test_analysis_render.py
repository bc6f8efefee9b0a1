"""Rendering without a database: `newsmon sql` output, sparklines, charts, the HTML report."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from pipeline import charts, report
from pipeline.report import ReportData

PNG = b"\x89PNG\r\n\x1a\n"


def test_sparkline_scales_to_the_largest_value() -> None:
    assert charts.sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert charts.sparkline([0, 0, 0]) == "▁▁▁"
    assert charts.sparkline([]) == ""


def test_series_groups_rows_by_entity_in_order() -> None:
    rows = [
        {"period": date(2025, 1, 6), "entity": "OpenAI", "articles": 2, "mentions": 5},
        {"period": date(2025, 1, 13), "entity": "OpenAI", "articles": 0, "mentions": 0},
        {"period": date(2025, 1, 6), "entity": "Oracle", "articles": 1, "mentions": 1},
    ]
    assert charts.series(rows) == {
        "OpenAI": ([date(2025, 1, 6), date(2025, 1, 13)], [2, 0]),
        "Oracle": ([date(2025, 1, 6)], [1]),
    }
    assert charts.series(rows, "mentions")["OpenAI"][1] == [5, 0]


def test_charts_are_png_bytes() -> None:
    data = {"OpenAI": ([date(2025, 1, 6), date(2025, 1, 13)], [2, 1])}
    assert charts.trend_chart(data, "articles per week").startswith(PNG)
    assert charts.trend_chart({}, "nothing yet").startswith(PNG)
    timeline = [
        {"day": date(2025, 1, 6), "type": "investment", "deals": 2, "amount_usd": 1e9},
        {"day": date(2025, 6, 1), "type": "contract", "deals": 1, "amount_usd": None},
    ]
    assert charts.deal_timeline_chart(timeline).startswith(PNG)


def test_csv_json_and_markdown_output() -> None:
    columns = ["name", "parties", "seen", "note", "amount"]
    rows = [('a, "b"', ["X", "Y"], datetime(2025, 3, 4, 14, 30, tzinfo=UTC), None, 1.5)]
    assert report.to_csv(columns, rows) == (
        'name,parties,seen,note,amount\n"a, ""b""","[""X"", ""Y""]",'
        "2025-03-04T14:30:00+00:00,,1.5\n"
    )
    assert json.loads(report.to_json(["d", "n"], [(date(2025, 1, 2), Decimal("2.50"))])) == [
        {"d": "2025-01-02", "n": 2.5}
    ]
    assert report.to_markdown(["k|ey", "v"], [("line\nbreak", None)]) == (
        "| k\\|ey | v |\n|---|---|\n| line break |  |\n"
    )


def test_money_and_safe_links() -> None:
    assert [report.money(v) for v in (5e11, 1.5e9, 13e6, 950, None)] == [
        "$500B",
        "$1.5B",
        "$13M",
        "$950",
        "",
    ]
    assert report.safe_href("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert report.safe_href("HTTP://example.com") == "HTTP://example.com"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "/x", None):
        assert report.safe_href(bad) is None


def _data(**changes: object) -> ReportData:
    base = {
        "generated_at": datetime(2025, 6, 1, 12, 0, tzinfo=UTC),
        "database": "data/<db>.duckdb",
        "since": None,
        "counts": [{"table": "articles", "rows": 1}],
        "top_entities": [],
        "trends": [],
        "co_mentions": [],
        "deals": [],
        "deal_timeline": [],
        "articles": [],
    }
    return ReportData(**(base | changes))


def test_report_escapes_every_value_from_the_data() -> None:
    evil = '<img src=x onerror="alert(1)">'
    html = report.render_report(
        _data(
            top_entities=[{"entity": evil, "kind": "org", "articles": 1, "mentions": 2}],
            trends=[{"period": date(2025, 1, 6), "entity": evil, "articles": 1, "mentions": 2}],
            co_mentions=[
                {
                    "entity_a": evil,
                    "entity_b": "B",
                    "articles": 1,
                    "first_seen": date(2025, 1, 6),
                    "last_seen": date(2025, 1, 6),
                }
            ],
            deals=[
                {
                    "type": "investment",
                    "parties": [evil, "B"],
                    "amount_usd": 1e9,
                    "amount_text": evil,
                    "status": "announced",
                    "first_seen": datetime(2025, 1, 6, tzinfo=UTC),
                    "articles": 1,
                    "background_only": False,
                    "evidence": evil,
                    "source_links": [
                        {"url": "javascript:alert(1)", "title": evil, "sitename": evil},
                        {
                            "url": 'https://x.example/"onmouseover="x',
                            "title": None,
                            "sitename": None,
                        },
                    ],
                }
            ],
            deal_timeline=[
                {"day": date(2025, 1, 6), "type": "investment", "deals": 1, "amount_usd": 1e9}
            ],
            articles=[
                {
                    "title": evil,
                    "url": "https://x.example/a",
                    "seen_at": datetime(2025, 1, 6, tzinfo=UTC),
                    "outlets": [evil],
                    "mentions": 1,
                    "deals": 1,
                }
            ],
        )
    )
    assert "<img src=x" not in html and "<script" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://x.example/&#34;onmouseover=&#34;x"' in html
    assert "data/&lt;db&gt;.duckdb" in html
    assert html.count("data:image/png;base64,") == 2


def test_an_empty_report_says_so() -> None:
    html = report.render_report(_data())
    for text in ("No mentions yet.", "No deals yet.", "No new deals yet.", "No articles yet."):
        assert text in html
    assert "data:image/png" not in html
    assert "default-src 'none'" in html  # no network, no scripts
