"""Entity and deal quality on real news text, as the project is judged.

    python -m bench.deals [--split dev|test|all] [--newsmon CMD] [--json F] [--quick] [-v]
    python -m bench.deals --batch PASSAGES GOLD [--newsmon CMD] [--json F]

The passages are `tests/tagging/real/` (retold twins of published articles, see its
README). Each split's passages go through `newsmon tag` (a subprocess, as a user runs it),
and the shared scorer (`../shared/eval/score_deals.py`) compares the output with the gold.
Beside it, two stages measured alone on the same gold: the sentence splitter (does each
gold deal sentence start and end on a boundary it finds?) and the money parser (does it
read each gold deal amount from the deal's sentence?).

`--newsmon` runs another build's `newsmon` (an older tagger, side by side). The test
split is only ever reported in aggregate: `-v` (per-passage lines) works on dev alone.
`--batch` scores a batch of new passages kept outside the set (the same two files), in
aggregate only: a batch annotated blind is scored once, by the build in question and the
one before it, before anyone reads its errors (see tests/tagging/real/README.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, newsmon_command, newsmon_env
from pipeline.tagging.money import find_amounts
from pipeline.tagging.sentences import split_sentences

REAL = ROOT / "tests" / "tagging" / "real"
SCORER = ROOT.parent / "shared" / "eval" / "score_deals.py"
SPLITS = ("dev", "test")
FIGURES = (
    ("org F1", lambda r: r["org"][2]),
    ("person F1", lambda r: r["person"][2]),
    ("deal P", lambda r: r["deal"][0]),
    ("deal R", lambda r: r["deal"][1]),
    ("deal F1", lambda r: r["deal"][2]),
    ("foreground recall", lambda r: r["foreground_recall"]),
    ("amount accuracy", lambda r: r["amount_acc"]),
    ("status accuracy", lambda r: r["status_acc"]),
    ("background accuracy", lambda r: r["background_acc"]),
)


def load(split: str, name: str) -> list[dict[str, Any]]:
    """One split's `passages` or `gold` lines."""
    return read_lines(REAL / f"{split}.{name}.jsonl")


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def tag_passages(passages: list[dict[str, Any]], command: list[str], folder: Path) -> Path:
    """`newsmon tag` over the passages; the path of its output."""
    source, out = folder / "passages.jsonl", folder / "pred.jsonl"
    source.write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in passages), encoding="utf-8"
    )
    with out.open("w", encoding="utf-8") as sink:
        subprocess.run(
            [*command, "tag", str(source)], stdout=sink, check=True, env=newsmon_env(), cwd=ROOT
        )
    return out


def score(gold: list[dict[str, Any]], pred: Path, folder: Path, verbose: bool = False) -> dict:
    """The shared scorer's figures (and its per-passage lines when `verbose`)."""
    gold_path = folder / "gold.jsonl"
    gold_path.write_text(
        "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8"
    )
    if verbose:
        subprocess.run([sys.executable, str(SCORER), str(gold_path), str(pred), "-v"], check=True)
    done = subprocess.run(
        [sys.executable, str(SCORER), str(gold_path), str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def splitter_agreement(passages: list[dict[str, Any]], gold: list[dict[str, Any]]) -> float:
    """Share of gold deal sentences that start and end on the splitter's boundaries."""
    texts = {p["id"]: p["text"] for p in passages}
    hits = total = 0
    for entry in gold:
        text = texts[entry["id"]]
        sentences = split_sentences(text)
        starts = {s.start for s in sentences}
        ends = {s.end for s in sentences}
        for deal in entry["deals"]:
            start = text.find(deal["text"])
            if start < 0:
                continue
            end = start + len(deal["text"].rstrip())
            total += 1
            hits += start in starts and end in ends
    return hits / total if total else 1.0


def money_recall(gold: list[dict[str, Any]]) -> tuple[float, float, int]:
    """Of gold deals with a USD amount: the share whose sentence the money parser reads the
    amount from (any kind), and the share it reads as a deal amount."""
    found = as_deal = total = 0
    for entry in gold:
        for deal in entry["deals"]:
            usd = deal.get("amount_usd")
            if not usd:
                continue
            total += 1
            amounts = [a for a in find_amounts(deal["text"]) if abs(a.usd - usd) <= 0.02 * usd]
            found += bool(amounts)
            as_deal += any(a.kind == "deal" for a in amounts)
    return (found / total if total else 1.0), (as_deal / total if total else 1.0), total


def measure(split: str, command: list[str], verbose: bool, quick: bool) -> dict[str, Any]:
    passages, gold = load(split, "passages"), load(split, "gold")
    if quick:
        passages, gold = passages[:10], gold[:10]
    return measure_lines(passages, gold, command, verbose)


def measure_lines(
    passages: list[dict[str, Any]], gold: list[dict[str, Any]], command: list[str], verbose: bool
) -> dict[str, Any]:
    if [p["id"] for p in passages] != [g["id"] for g in gold]:
        sys.exit("the passages and the gold must list the same ids in the same order")
    with tempfile.TemporaryDirectory() as folder:
        pred = tag_passages(passages, command, Path(folder))
        result = score(gold, pred, Path(folder), verbose)
    result["splitter_agreement"] = splitter_agreement(passages, gold)
    found, as_deal, n = money_recall(gold)
    result["money_found"], result["money_as_deal"], result["money_n"] = found, as_deal, n
    result["gold_deals"] = sum(len({d.get("event") or id(d) for d in g["deals"]}) for g in gold)
    result["negatives"] = sum(not g["deals"] for g in gold)
    return result


def report(split: str, result: dict[str, Any]) -> None:
    print(
        f"{split}: {result['passages']} passages, {result['gold_deals']} gold deals, "
        f"{result['negatives']} hard negatives"
    )
    for label, figure in FIGURES:
        value = figure(result)
        print(f"  {label:22s} {'n/a' if value is None else f'{value:.3f}'}")
    print(f"  {'false deals on negatives':22s} {result['false_deals_on_negatives']}")
    print(f"  {'splitter agreement':22s} {result['splitter_agreement']:.3f}")
    print(
        f"  {'money parser':22s} {result['money_found']:.3f} read, "
        f"{result['money_as_deal']:.3f} as a deal amount (of {result['money_n']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    parser.add_argument("--newsmon", help="the newsmon command to measure (default: this one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 passages")
    parser.add_argument("-v", action="store_true", help="per-passage lines (dev only)")
    parser.add_argument(
        "--batch",
        nargs=2,
        type=Path,
        metavar=("PASSAGES", "GOLD"),
        help="score a batch of passages outside the set instead (aggregate only)",
    )
    args = parser.parse_args()
    if not SCORER.exists():
        sys.exit(f"scorer not found at {SCORER}: this bench needs ../shared/eval")
    if args.v and (args.split != "dev" or args.batch):
        sys.exit("-v shows passages: the test split and batches are reported in aggregate only")
    command = args.newsmon.split() if args.newsmon else newsmon_command()
    if args.batch:
        passages, gold = (read_lines(path) for path in args.batch)
        results = {"batch": measure_lines(passages, gold, command, False)}
    else:
        splits = SPLITS if args.split == "all" else (args.split,)
        results = {split: measure(split, command, args.v, args.quick) for split in splits}
    for split, result in results.items():
        report(split, result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
