"""Rendering query results: rows in, text out. No database, no network.

- `newsmon sql` output: CSV, JSON and Markdown.
- `newsmon report`: one self-contained HTML page. Charts are embedded as base64 PNG,
  there are no scripts and no external resources (a Content-Security-Policy forbids
  them), and every value from the data is HTML-escaped by Jinja's autoescaping: titles,
  sentences and URLs come from untrusted pages.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from jinja2 import Environment, StrictUndefined

from pipeline import charts

Row = Mapping[str, Any]


@dataclass(frozen=True)
class ReportData:
    """The figures of one report, as read from the warehouse."""

    generated_at: datetime
    database: str
    since: date | None
    counts: Sequence[Row]
    top_entities: Sequence[Row]  # entity, kind, articles, mentions (rolled up to parents)
    trends: Sequence[Row]  # period (week), entity, articles, mentions
    co_mentions: Sequence[Row]
    deals: Sequence[Row]  # deal ledger rows, with `source_links` (url, title, sitename)
    deal_timeline: Sequence[Row]
    articles: Sequence[Row]  # the latest original articles


# ---- newsmon sql output ------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A JSON-ready value: ISO 8601 dates, decimals as numbers, UUIDs and bytes as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def cell_text(value: Any) -> str:
    """One value as text: empty for NULL, ISO 8601 dates, lists and structs as JSON."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(json_value(value), ensure_ascii=False)
    if isinstance(value, str):
        return value
    converted = json_value(value)
    return converted if isinstance(converted, str) else str(value)


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()


def to_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A JSON array of objects, one per row (a repeated column name keeps the last)."""
    records = [{c: json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; pipes escaped, line breaks flattened."""

    def cell(value: Any) -> str:
        text = cell_text(value) if not isinstance(value, str) else value
        return " ".join(text.split()).replace("|", "\\|")

    lines = [
        "| " + " | ".join(cell(c) for c in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# ---- the HTML report ---------------------------------------------------------------


def render_report(data: ReportData) -> str:
    """The report as one HTML document (UTF-8 text)."""
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    env.filters["money"] = money
    env.filters["day"] = _day
    env.filters["href"] = safe_href
    template = env.from_string(_TEMPLATE)
    trend_series = charts.series(data.trends)
    return template.render(
        d=data,
        entities=_entity_rows(data, trend_series),
        trend_png=_data_uri(_trend_png(data, trend_series)),
        timeline_png=_data_uri(charts.deal_timeline_chart(data.deal_timeline))
        if data.deal_timeline
        else None,
        weeks=_week_span(trend_series),
    )


def money(usd: float | None) -> str:
    """$500B, $1.2B, $13M: amounts at a glance (the sources' wording is shown beside it)."""
    if usd is None:
        return ""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(usd) >= size:
            return f"${usd / size:,.1f}".rstrip("0").rstrip(".") + suffix
    return f"${usd:,.0f}"


def safe_href(url: str | None) -> str | None:
    """The URL if it may be a link (http or https), else None: no `javascript:` links."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _entity_rows(data: ReportData, trend_series: charts.Series) -> list[dict[str, Any]]:
    return [
        dict(row, spark=charts.sparkline(trend_series.get(row["entity"], ([], []))[1]))
        for row in data.top_entities
    ]


def _trend_png(data: ReportData, trend_series: charts.Series) -> bytes | None:
    if not trend_series:
        return None
    return charts.trend_chart(trend_series, "articles per week (products count for their parent)")


def _week_span(trend_series: charts.Series) -> str:
    periods = next(iter(trend_series.values()), ([], []))[0]
    return f"{_day(periods[0])} to {_day(periods[-1])}" if periods else ""


def _data_uri(png: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsmon report</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
.meta, .note { color: #666; } .note { font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .92em; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee;
         vertical-align: top; }
th { background: #f6f6f6; } td.d { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.spark { font-family: ui-monospace, monospace; letter-spacing: -1px; color: #2563eb; }
.evidence { color: #444; font-style: italic; } .tag { font-size: .8em; color: #a15c00; }
img { max-width: 100%; height: auto; }
ul.sources { margin: 0; padding-left: 1rem; }
</style>
</head>
<body>
{% macro link(url, title) %}{% if url | href %}<a href="{{ url | href }}"
 rel="noreferrer noopener">{{ title or url }}</a>{% else %}{{ title or url }}{% endif %}
{% endmacro %}
<h1>newsmon report</h1>
<p class="meta">Generated {{ d.generated_at.strftime('%Y-%m-%d %H:%M UTC') }} from
<code>{{ d.database }}</code>{% if d.since %}; articles since {{ d.since | day }}{% endif %}.</p>
<p class="meta">{% for c in d.counts %}{{ c.rows }} {{ c.table }}{{ ", " if not loop.last }}
{% endfor %}</p>

<section id="trends">
<h2>Mention trends of the top entities</h2>
{% if entities %}
{% if trend_png %}<img src="{{ trend_png }}" alt="Articles per week for {{
  entities | map(attribute='entity') | join(', ') }}">{% endif %}
<table>
<thead><tr><th>entity</th><th>kind</th><th>articles</th><th>mentions</th>
<th>per week, {{ weeks }}</th></tr></thead>
<tbody>
{% for e in entities %}
<tr><td>{{ e.entity }}</td><td>{{ e.kind }}</td><td class="n">{{ e.articles }}</td>
<td class="n">{{ e.mentions }}</td><td class="spark">{{ e.spark }}</td></tr>
{% endfor %}
</tbody>
</table>
<p class="note">Products and subsidiaries count for their parent (Azure for Microsoft);
an article counts once per entity.</p>
{% else %}
<p>No mentions yet.</p>
{% endif %}
</section>

<section id="co-mentions">
<h2>Named together</h2>
{% if d.co_mentions %}
<table>
<thead><tr><th>entity</th><th>entity</th><th>articles</th><th>first seen</th>
<th>last seen</th></tr></thead>
<tbody>
{% for c in d.co_mentions %}
<tr><td>{{ c.entity_a }}</td><td>{{ c.entity_b }}</td><td class="n">{{ c.articles }}</td>
<td class="d">{{ c.first_seen | day }}</td><td class="d">{{ c.last_seen | day }}</td></tr>
{% endfor %}
</tbody>
</table>
<p class="note">Pairs within one family (Azure and Microsoft) are left out.</p>
{% else %}
<p>No entities named together yet.</p>
{% endif %}
</section>

<section id="deal-timeline">
<h2>Deal timeline</h2>
{% if timeline_png %}
<img src="{{ timeline_png }}" alt="New deals over time, by type">
<p class="note">Deals by the day first reported; deals only restated as history are left
out.</p>
{% else %}
<p>No new deals yet.</p>
{% endif %}
</section>

<section id="deal-ledger">
<h2>Deal ledger</h2>
{% if d.deals %}
<table>
<thead><tr><th>first seen</th><th>type</th><th>parties</th><th>amount</th><th>status</th>
<th>articles</th><th>sources and evidence</th></tr></thead>
<tbody>
{% for deal in d.deals %}
<tr>
<td class="d">{{ deal.first_seen | day }}</td>
<td>{{ deal.type }}{% if deal.background_only %}<br><span class="tag">history</span>
{% endif %}</td>
<td>{{ deal.parties | join(', ') }}</td>
<td class="n">{{ deal.amount_usd | money }}{% if deal.amount_text %}<br>
<span class="note">{{ deal.amount_text }}</span>{% endif %}</td>
<td>{{ deal.status }}</td>
<td class="n">{{ deal.articles }}</td>
<td><ul class="sources">
{% for s in deal.source_links %}
<li>{{ link(s.url, s.title) }}{% if s.sitename %} <span class="note">{{ s.sitename }}</span>
{% endif %}</li>
{% endfor %}
</ul>
<div class="evidence">{{ deal.evidence }}</div></td>
</tr>
{% endfor %}
</tbody>
</table>
<p class="note">One row per deal across outlets (syndicated copies count as sources);
status is the latest reported. "history" marks deals only restated as background.</p>
{% else %}
<p>No deals yet.</p>
{% endif %}
</section>

<section id="articles">
<h2>Latest articles</h2>
{% if d.articles %}
<table>
<thead><tr><th>seen</th><th>title</th><th>outlets</th><th>mentions</th><th>deals</th></tr>
</thead>
<tbody>
{% for a in d.articles %}
<tr><td class="d">{{ a.seen_at | day }}</td><td>{{ link(a.url, a.title) }}</td>
<td>{{ a.outlets | join(', ') }}</td><td class="n">{{ a.mentions }}</td>
<td class="n">{{ a.deals }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>No articles yet.</p>
{% endif %}
</section>
</body>
</html>
"""
