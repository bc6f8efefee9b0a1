"""The real-text set (tests/tagging/real/) as a quality gate, like trafilatura's eval gate.

Every passage of both splits is tagged as `newsmon tag` tags it (with its date), the shared
scorer (`../shared/eval/score_deals.py`) scores the output, and each figure must stay at
most 0.02 under the value recorded in `real/scores.json` (the figures BENCHMARKS.md
quotes; `python -m bench.deals --split all --json F` measures them). The test split is
scored here only to guard against regressions: nobody reads its passages or its
per-passage errors while changing the tagger.

The data checks (well-formed, every deal sentence a substring of its passage, the split
sizes) need nothing outside the project; the gate needs the shared scorer and is skipped,
with the reason, where `../shared` is absent (a user's clone).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.tagging.tagger import as_json, parents_of, tag, tagger_version
from pipeline.tagging.watchlist import Watchlist, load_watchlist

REAL = Path(__file__).with_name("real")
ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "eval" / "score_deals.py"
SPLITS = ("dev", "test")
TYPES = {"investment", "acquisition", "partnership", "contract", "joint_venture", "licensing"}
STATUSES = {"announced", "completed", "reported", "planned", "in_talks", "failed"}
TOLERANCE = 0.02
# the gate table's row labels in BENCHMARKS.md
LABELS = {
    "org F1": "org_f1",
    "person F1": "person_f1",
    "deal F1": "deal_f1",
    "foreground recall": "foreground_recall",
    "amount accuracy": "amount_accuracy",
    "status accuracy": "status_accuracy",
    "background accuracy": "background_accuracy",
    "false deals per hard negative": "false_deals_per_negative",
}
# scores.json key -> how the shared scorer's --json output gives it
FIGURES = {
    "org_f1": lambda r: r["org"][2],
    "person_f1": lambda r: r["person"][2],
    "deal_f1": lambda r: r["deal"][2],
    "foreground_recall": lambda r: r["foreground_recall"],
    "amount_accuracy": lambda r: r["amount_acc"],
    "status_accuracy": lambda r: r["status_acc"],
    "background_accuracy": lambda r: r["background_acc"],
}


def _lines(split: str, name: str) -> list[dict]:
    text = (REAL / f"{split}.{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


@pytest.mark.parametrize("split", SPLITS)
def test_passages_and_gold_are_well_formed(split: str) -> None:
    passages, gold = _lines(split, "passages"), _lines(split, "gold")
    assert [p["id"] for p in passages] == [g["id"] for g in gold]
    for passage, entry in zip(passages, gold, strict=True):
        words = len(passage["text"].split())
        assert 100 <= words <= 380, f"{passage['id']}: {words} words"
        assert re.fullmatch(r"20(19|2[0-6])-\d\d-\d\d", passage["date"]), passage["id"]
        assert passage["url"].startswith(("http://", "https://")), passage["id"]
        for deal in entry["deals"]:
            assert deal["text"] in passage["text"], f"{passage['id']}: {deal['text'][:60]}"
            assert deal["type"] in TYPES | {"funding_round"}, passage["id"]
            assert deal["status"] in STATUSES, passage["id"]
            assert deal["parties"], passage["id"]


def test_the_split_holds_out_enough_of_every_kind() -> None:
    dev, test = _lines("dev", "gold"), _lines("test", "gold")
    assert len(test) >= 0.4 * (len(dev) + len(test))
    assert {p["url"] for p in _lines("dev", "passages")}.isdisjoint(
        p["url"] for p in _lines("test", "passages")
    )
    for split in (dev, test):
        types = {
            d["type"].replace("funding_round", "investment") for g in split for d in g["deals"]
        }
        assert types == TYPES
        assert sum(not g["deals"] for g in split) >= 15  # hard negatives on both sides


def _tag_split(split: str, watchlist: Watchlist, folder: Path) -> Path:
    """What `newsmon tag` writes for the split's passages."""
    version, parents = tagger_version(watchlist), parents_of(watchlist)
    out = folder / f"{split}.pred.jsonl"
    with out.open("w", encoding="utf-8") as sink:
        for passage in _lines(split, "passages"):
            published = datetime.fromisoformat(passage["date"]).replace(tzinfo=UTC)
            tagged = tag(passage["id"], passage["text"], watchlist, published, version, parents)
            sink.write(json.dumps(as_json(tagged, watchlist), ensure_ascii=False) + "\n")
    return out


@pytest.mark.corpus
@pytest.mark.skipif(not SCORER.exists(), reason=f"the shared scorer is absent at {SCORER}")
@pytest.mark.parametrize("split", SPLITS)
def test_quality_stays_at_the_recorded_figures(
    split: str, watchlist: Watchlist, tmp_path: Path
) -> None:
    pred = _tag_split(split, watchlist, tmp_path)
    gold = REAL / f"{split}.gold.jsonl"
    done = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    recorded = json.loads((REAL / "scores.json").read_text(encoding="utf-8"))[split]
    assert result["missing"] == 0
    dropped = {
        name: (round(figure(result), 3), recorded[name])
        for name, figure in FIGURES.items()
        if figure(result) < recorded[name] - TOLERANCE
    }
    assert not dropped, f"{split}: figures now under their floors (now, recorded): {dropped}"
    negatives = sum(not g["deals"] for g in _lines(split, "gold"))
    rate = result["false_deals_on_negatives"] / negatives
    assert rate <= recorded["false_deals_per_negative"] + TOLERANCE, rate


def test_benchmarks_quotes_the_recorded_figures() -> None:
    """BENCHMARKS.md's gate table and scores.json say the same: the floors are the quoted ones."""
    recorded = json.loads((REAL / "scores.json").read_text(encoding="utf-8"))
    benchmarks = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    section = benchmarks.split("### The real-text gate", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in LABELS:
            rows[LABELS[cells[0]]] = (float(cells[1]), float(cells[2]))
    assert rows == {
        name: (recorded["dev"][name], recorded["test"][name])
        for name in [*FIGURES, "false_deals_per_negative"]
    }
