"""The extraction pool's bounds: time per document, memory per worker; a page that hits
either is a failure of its own kind, and the pages beside it are still extracted."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime

import pytest

from pipeline.extract import Extractor
from pipeline.records import FetchedPage
from tests.hostile.server import ROWSPAN_ROW as ROWSPAN
from tests.hostile.server import article_html, million_nodes


def _page(slug: str, body: bytes) -> FetchedPage:
    url = f"http://127.0.0.1/p/{slug}"
    return FetchedPage(url, url, 200, "text/html", body, datetime.now(UTC))


def _extract(pages: list[FetchedPage], **bounds: float) -> tuple[dict[str, str], float]:
    """url -> 'stored' or the failure kind, and the seconds it took."""
    started = time.monotonic()
    with Extractor(workers=2, **bounds) as extractor:
        articles, failures = extractor.extract_many(pages)
    outcome = {a.url: "stored" for a in articles} | {f.url: f.kind for f in failures}
    return outcome, time.monotonic() - started


@pytest.mark.timeout(60)
def test_a_page_over_the_time_limit_is_stopped() -> None:
    pages = [
        _page("million", gzip.decompress(million_nodes())),  # a million elements, 12 MB
        _page("rowspan", article_html("rowspan", extra=f"<table>{ROWSPAN * 300}</table>")),
        _page("fine", article_html("fine")),
    ]
    outcome, seconds = _extract(pages, timeout_s=1.0)
    assert outcome == {
        "http://127.0.0.1/p/million": "timeout",
        "http://127.0.0.1/p/rowspan": "timeout",
        "http://127.0.0.1/p/fine": "stored",
    }
    assert seconds < 10  # unbounded, the rowspan page alone takes about a minute


@pytest.mark.timeout(60)
def test_a_page_over_the_memory_limit_fails_alone() -> None:
    # 300 absurd rowspans grow to ~400 MB of table cells; the worker may add 16 MiB.
    pages = [
        _page("rowspan", article_html("rowspan", extra=f"<table>{ROWSPAN * 300}</table>")),
        *(_page(f"fine-{n}", article_html(f"fine-{n}")) for n in range(3)),
    ]
    outcome, _ = _extract(pages, timeout_s=30.0, memory_mb=16)
    assert outcome.pop("http://127.0.0.1/p/rowspan") == "memory"
    assert set(outcome.values()) == {"stored"}
