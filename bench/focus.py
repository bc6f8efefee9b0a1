"""Focus and stories on real pages: what share a focus keeps, and what a story signature
costs per article.

Each page of the extraction benchmark (181 real news pages, third-party, read in place)
and of the seed site (`seeds/site/`, served pages as files) goes through newsmon's own
`extract` and `tag`, in this process, one page at a time; an article is kept on topic when
`pipeline.focus.is_on_topic` says so for the focus (default Microsoft and OpenAI, with
the watchlist's roll-up). Timed per article, in the same run: extraction (the baseline),
tagging, and `pipeline.stories.signature` (MinHash of the word 3-shingles and its LSH
band keys), each the median of `--repeats` calls.

    .venv/bin/python -m bench.focus                       # the 181 pages and the seed site
    .venv/bin/python -m bench.focus --quick               # 10 pages: a start check
    .venv/bin/python -m bench.focus --focus Nvidia        # another focus
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import EXTRACTION, ROOT
from pipeline import stories
from pipeline.extract import extract
from pipeline.focus import compile_focus, is_on_topic
from pipeline.records import FetchedPage
from pipeline.settings import FocusSettings
from pipeline.tagging.tagger import parents_of, tag, tagger_version
from pipeline.tagging.watchlist import load_watchlist

SEED_PAGES = ROOT / "seeds" / "site"


def corpus_pages(folder: Path) -> list[tuple[str, bytes]]:
    files = sorted((folder / "html").glob("*.html.gz"))
    if not files:
        sys.exit(f"corpus not found at {folder}: the benchmark needs ../shared/corpora")
    return [(f.name.removesuffix(".html.gz"), gzip.decompress(f.read_bytes())) for f in files]


def seed_pages() -> list[tuple[str, bytes]]:
    manifest = json.loads((ROOT / "seeds" / "fixtures.json").read_text())
    paths = [p["path"] for p in manifest["pages"]] + [manifest["official"]["path"]]
    return [(p, (SEED_PAGES / p.lstrip("/")).read_bytes()) for p in paths]


def timed(fn: Callable[[], object], repeats: int) -> tuple[object, float]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def measure(pages: list[tuple[str, bytes]], focus_names: tuple[str, ...], repeats: int) -> dict:
    watchlist = load_watchlist()
    focus = compile_focus(FocusSettings(entities=focus_names), watchlist)
    version, parents = tagger_version(watchlist), parents_of(watchlist)
    kept = articles = 0
    t_extract, t_tag, t_sign, words = [], [], [], []
    for name, body in pages:
        page = FetchedPage(
            name, f"https://bench.example/{name}", 200, "text/html", body, datetime.now(UTC)
        )
        article, seconds = timed(lambda page=page: extract(page), repeats)
        t_extract.append(seconds)
        if article is None:
            continue
        articles += 1
        tagged, seconds = timed(
            lambda a=article: tag(a.article_id, a.text, watchlist, a.published, version, parents),
            repeats,
        )
        t_tag.append(seconds)
        _, seconds = timed(lambda a=article: stories.signature(a.text), repeats)
        t_sign.append(seconds)
        words.append(len(article.text.split()))
        kept += is_on_topic(tagged, focus)
    return {
        "pages": len(pages),
        "articles": articles,
        "on_topic": kept,
        "share_kept": round(kept / articles, 3) if articles else None,
        "median_words": statistics.median(words) if words else None,
        "extract_ms": round(1000 * statistics.median(t_extract), 2),
        "tag_ms": round(1000 * statistics.median(t_tag), 2) if t_tag else None,
        "signature_ms": round(1000 * statistics.median(t_sign), 3) if t_sign else None,
        "signature_vs_extract": round(statistics.median(t_sign) / statistics.median(t_extract), 4)
        if t_sign
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=EXTRACTION, help="extraction benchmark")
    parser.add_argument("--focus", default="Microsoft,OpenAI", help="comma-separated entities")
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per page")
    parser.add_argument("--quick", action="store_true", help="10 pages, 1 call: a start check")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    names = tuple(n.strip() for n in args.focus.split(",") if n.strip())
    pages = corpus_pages(args.corpus)
    repeats = 1 if args.quick else args.repeats
    results = {
        "focus": names,
        "extraction_benchmark": measure(pages[:10] if args.quick else pages, names, repeats),
        "seed_site": measure(seed_pages(), names, repeats),
    }
    for corpus in ("extraction_benchmark", "seed_site"):
        r = results[corpus]
        print(
            f"{corpus}: {r['on_topic']} of {r['articles']} articles on topic "
            f"({r['share_kept']:.1%} kept) from {r['pages']} pages; per article: extract "
            f"{r['extract_ms']} ms, tag {r['tag_ms']} ms, signature {r['signature_ms']} ms "
            f"({r['signature_vs_extract']:.2%} of extraction); median {r['median_words']} words"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
