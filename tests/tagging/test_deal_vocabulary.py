"""The first-character lookahead in front of each trigger changes no match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.tagging.deals import vocabulary
from pipeline.tagging.deals.first_chars import first_chars, prefiltered

REAL = Path(__file__).parent / "real"


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        (r"\bpartner(?:s|ed)?\b|\bteam\s+up\b", set("pPtT")),
        (r"(?<=\s)-backed\b", {"-"}),
        (r"\b(?:a|an)?\s*deal", None),  # may start with a space or "d": \s gives up
        (r"\b(?:a|an\s+)?deal", set("aAdD")),  # an optional part adds what follows it
        (r"(?-i:\bMoU\b)|[$€]\d", {"m", "M", "$", "€"}),
        (r"\w+ed\b", None),  # a class: unknown
        (r"[^x]yz", None),  # a negated set: unknown
        (r"a?", None),  # may match nothing
    ],
)
def test_first_chars(pattern: str, chars: set[str] | None) -> None:
    assert first_chars(pattern) == (frozenset(chars) if chars is not None else None)


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in (REAL / "dev.passages.jsonl").open()]
    texts += [json.loads(line)["text"] for line in (Path(__file__).parent / "devset.jsonl").open()]
    return texts


def test_every_prefiltered_trigger_finds_what_the_plain_pattern_finds() -> None:
    texts = _texts()
    entries = vocabulary._VOCABULARY["trigger"]
    assert len(entries) == len(vocabulary.RULES)
    filtered = 0
    for entry, rule in zip(entries, vocabulary.RULES, strict=True):
        plain = re.compile(
            "|".join(vocabulary._expand(p, vocabulary._FRAGMENTS) for p in entry["patterns"]),
            re.IGNORECASE,
        )
        filtered += rule.pattern.pattern != plain.pattern
        for text in texts:
            assert [m.span() for m in rule.pattern.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (entry["type"], plain.pattern[:80])
    # the lookahead is in front of most triggers (else this test would check nothing)
    assert filtered >= len(entries) // 2


def test_a_pattern_whose_start_is_unknown_runs_as_written() -> None:
    assert prefiltered(r"\w+ing\b").pattern == r"\w+ing\b"
    assert prefiltered(r"\bdeal").pattern.startswith("(?=[")
