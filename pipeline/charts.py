"""Charts as bytes: rows in, PNG out (matplotlib's Agg canvas, no pyplot state, no display).

Also the unicode sparkline the terminal tables use. matplotlib is imported by the first
chart drawn, not with this module: it takes most of a second, and every `newsmon`
command imports this module.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BARS = "▁▂▃▄▅▆▇█"
DAILY_BARS_UP_TO_DAYS = 60  # longer timelines are drawn by week, so bars stay visible

Series = dict[str, tuple[list[date], list[float]]]


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled to the largest; zeros draw the lowest bar."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in values)


def series(rows: Sequence[Mapping[str, Any]], value: str = "articles") -> Series:
    """entity -> (periods, values) from rows of (period, entity, <value>), order kept."""
    out: Series = {}
    for row in rows:
        periods, values = out.setdefault(row["entity"], ([], []))
        periods.append(row["period"])
        values.append(row[value])
    return out


def trend_chart(data: Series, title: str, ylabel: str = "articles") -> bytes:
    """A line per entity over time, as PNG bytes."""
    fig = _figure(height=4.2)
    ax = fig.add_subplot()
    for entity, (periods, values) in data.items():
        ax.plot(periods, values, marker="o" if len(periods) < 40 else None, label=entity)
    _date_axis(ax)
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    if data:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    return _png(fig)


def deal_timeline_chart(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """New deals per day (per week over longer spans), stacked by type, as PNG bytes."""
    width_days, counts = _bucket_deals(rows)
    fig = _figure(height=3.6)
    ax = fig.add_subplot()
    periods = sorted({p for by_type in counts.values() for p in by_type})
    bottom = [0.0] * len(periods)
    for deal_type in sorted(counts):
        heights = [counts[deal_type].get(p, 0) for p in periods]
        ax.bar(periods, heights, width=width_days * 0.8, bottom=bottom, label=deal_type)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    _date_axis(ax)
    unit = "day" if width_days == 1 else "week"
    ax.set_title(f"new deals per {unit}, by type", loc="left")
    ax.set_ylabel("deals")
    if counts:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    return _png(fig)


def _bucket_deals(rows: Sequence[Mapping[str, Any]]) -> tuple[int, dict[str, dict[date, int]]]:
    days = [row["day"] for row in rows]
    span = (max(days) - min(days)).days if days else 0
    width = 1 if span <= DAILY_BARS_UP_TO_DAYS else 7
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        day = row["day"]
        period = day if width == 1 else day - timedelta(days=day.weekday())
        counts[row["type"]][period] += row["deals"]
    return width, counts


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(10, height), dpi=110, layout="constrained")


def _date_axis(ax: Any) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import MaxNLocator

    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
