"""Tagging throughput on one core, over real article texts.

    python -m bench.tagging [--quick] [--articles N] [--repeats R]

Baseline, in the same run: one bare Aho-Corasick pass over each text with every alias of
the watchlist (the floor of dictionary matching). Then the matcher alone, then the full
tagger (sentences, mentions, discovered orgs, money, deals). Prints articles/s, the ratio
to the baseline, and the deals found. The full tagger is also timed in CPU time: on a
shared machine the pinned core also runs other work, which wall time counts and CPU time
does not.
"""

from __future__ import annotations

import argparse
import os

import ahocorasick

from bench.common import ground_truth_texts, median_seconds, median_wall_and_cpu
from pipeline.tagging.match import find_mentions
from pipeline.tagging.sentences import split_sentences
from pipeline.tagging.tagger import parents_of, tag, tagger_version
from pipeline.tagging.watchlist import Watchlist, load_watchlist


def _baseline_automaton(watchlist: Watchlist) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for entity in watchlist.entities:
        for alias in (entity.name, *entity.aliases):
            automaton.add_word(alias, entity.name)
    automaton.make_automaton()
    return automaton


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1086)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 articles, once")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.repeats = 20, 1
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    corpus = ground_truth_texts()
    texts = [corpus[i % len(corpus)] for i in range(args.articles)]
    watchlist = load_watchlist()
    version, parents = tagger_version(watchlist), parents_of(watchlist)
    automaton = _baseline_automaton(watchlist)

    def baseline() -> None:
        for text in texts:
            sum(1 for _ in automaton.iter(text))

    def matcher() -> None:
        for text in texts:
            find_mentions(text, split_sentences(text), watchlist)

    def full() -> list:
        return [tag(str(i), t, watchlist, None, version, parents) for i, t in enumerate(texts)]

    chars = sum(map(len, texts))
    print(
        f"tagging bench: {len(texts)} articles ({chars / len(texts):,.0f} chars avg), "
        f"1 core, median of {args.repeats}"
    )
    base = median_seconds(baseline, args.repeats)
    full_wall, full_cpu = median_wall_and_cpu(full, args.repeats)
    rows = [
        ("baseline: bare Aho-Corasick pass", base),
        ("matcher: sentences + find_mentions", median_seconds(matcher, args.repeats)),
        ("newsmon tag(): full tagger", full_wall),
    ]
    for name, seconds in rows:
        print(
            f"  {name:<38} {len(texts) / seconds:>9,.0f} articles/s  "
            f"({seconds / base:5.1f}x baseline time)"
        )
    print(
        f"  {'newsmon tag(), CPU time':<38} {len(texts) / full_cpu:>9,.0f} articles per CPU-second"
    )
    deals = sum(len(t.deals) for t in full())
    print(f"  deals found: {deals} ({deals / len(texts):.2f} per article)")


if __name__ == "__main__":
    main()
