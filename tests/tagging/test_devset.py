"""Deal quality on the dev set (tests/tagging/devset.jsonl): precision, recall and F1.

Each line is a short passage in news style with the deals it reports. A found deal matches
an expected one when its type is the expected type (or one of its `alt_types`) and its
party set is the same; each expected deal matches at most once. Two readings:

- "gold": mentions come from the passage's own `entities` table, so the score measures the
  deal rules alone;
- "watchlist": mentions come from the shipped watchlist and matcher, as in production.

Report both with `python -m tests.tagging.test_devset`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.records import DealMention, Mention
from pipeline.tagging.deals import find_deals
from pipeline.tagging.match import discover_orgs, find_mentions
from pipeline.tagging.sentences import Sentence, split_sentences
from pipeline.tagging.tagger import parents_of
from pipeline.tagging.watchlist import Watchlist, load_watchlist

DEVSET = Path(__file__).with_name("devset.jsonl")
F1_FLOOR = 0.85

Reader = Callable[[dict, list[Sentence]], tuple[list[Mention], dict[str, str]]]


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_devset() -> list[dict]:
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]


def gold_reader(passage: dict, sentences: list[Sentence]) -> tuple[list[Mention], dict[str, str]]:
    """Mentions from the passage's own entity table: every surface, longest first."""
    table = passage["entities"]
    surfaces = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, surfaces)) + r")(?!\w)")
    mentions = []
    for match in pattern.finditer(passage["text"]):
        name, kind, _ = table[match.group(1)]
        index = next(s.index for s in sentences if s.start <= match.start() < s.end)
        mentions.append(Mention(name, kind, match.group(1), match.start(), match.end(), index))
    parents = {name: parent for name, _, parent in table.values() if parent}
    return mentions, parents


def watchlist_reader(watchlist: Watchlist) -> Reader:
    """Mentions as production finds them: the shipped watchlist, matcher and discovery."""
    parents = parents_of(watchlist)

    def read(passage: dict, sentences: list[Sentence]) -> tuple[list[Mention], dict[str, str]]:
        text = passage["text"]
        known = find_mentions(text, sentences, watchlist)
        found = known + discover_orgs(text, sentences, watchlist, known)
        return sorted(found, key=lambda m: m.start), parents

    return read


def canonical_names(watchlist: Watchlist) -> dict[str, str]:
    """Any name or alias -> the watchlist's canonical name (the dev set may spell it
    "Nvidia" where the watchlist says "NVIDIA")."""
    names = {}
    for entity in watchlist.entities:
        for alias in (entity.name, *entity.aliases):
            names.setdefault(alias.lower(), entity.name)
    return names


def passage_deals(passage: dict, reader: Reader) -> list[DealMention]:
    text = passage["text"]
    sentences = split_sentences(text)
    mentions, parents = reader(passage, sentences)
    published = datetime.fromisoformat(passage["published"]).replace(tzinfo=UTC)
    return find_deals(text, sentences, mentions, published, parents)


def score_passage(
    found: list[DealMention], expected: list[dict], names: dict[str, str] | None = None
) -> Score:
    def canon(name: str) -> str:
        return (names or {}).get(name.lower(), name)

    unmatched = list(expected)
    tp = 0
    for deal in found:
        parties = {canon(party.name) for party in deal.parties}
        for wanted in unmatched:
            types = [wanted["type"], *wanted["alt_types"]]
            if deal.type in types and parties == {canon(n) for n in wanted["parties"]}:
                unmatched.remove(wanted)
                tp += 1
                break
    return Score(tp, len(found) - tp, len(unmatched))


def score_devset(reading: str = "gold", watchlist: Watchlist | None = None) -> Score:
    """The dev set's deal score, with gold mentions or with the shipped matcher."""
    if reading == "gold":
        reader, names = gold_reader, None
    else:
        watchlist = watchlist or load_watchlist()
        reader, names = watchlist_reader(watchlist), canonical_names(watchlist)
    total = Score(0, 0, 0)
    for passage in load_devset():
        one = score_passage(passage_deals(passage, reader), passage["deals"], names)
        total = Score(total.tp + one.tp, total.fp + one.fp, total.fn + one.fn)
    return total


def test_the_devset_covers_every_type_status_and_plenty_of_negatives() -> None:
    passages = load_devset()
    deals = [deal for passage in passages for deal in passage["deals"]]
    assert len(passages) >= 40
    assert sum(1 for passage in passages if not passage["deals"]) >= 12
    types = Counter(deal["type"] for deal in deals)
    statuses = Counter(deal["status"] for deal in deals)
    assert set(types) == {
        "investment", "acquisition", "partnership", "joint_venture", "contract", "licensing"
    }  # fmt: skip
    assert set(statuses) == {"announced", "completed", "reported", "in_talks", "planned", "failed"}
    assert any(deal["background"] for deal in deals)


def test_deal_f1_with_gold_mentions() -> None:
    assert score_devset("gold").f1 >= F1_FLOOR


@pytest.mark.parametrize("reading", ["watchlist"])
def test_deal_f1_with_the_shipped_matcher(reading: str) -> None:
    assert score_devset(reading).f1 >= F1_FLOOR


def main() -> None:
    """Print the dev set's deal precision, recall and F1 for both readings."""
    for reading in ("gold", "watchlist"):
        score = score_devset(reading)
        print(
            f"{reading:>9}: P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f} "
            f"(tp={score.tp} fp={score.fp} fn={score.fn})"
        )


if __name__ == "__main__":
    main()
