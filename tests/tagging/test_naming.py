"""`newsmon tag` names each entity as the article does where it spells it out more fully
or otherwise, and keeps the watchlist's name beside it."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import as_json, tag
from pipeline.tagging.watchlist import load_watchlist


@pytest.fixture(scope="module")
def watchlist():
    return load_watchlist()


def _names(text: str, watchlist) -> dict[str, str]:
    out = as_json(tag("t", text, watchlist), watchlist)
    return {e["canonical"]: e["name"] for e in out["entities"]}


@pytest.mark.parametrize(
    ("text", "canonical", "shown"),
    [
        # the article's fuller name for a watchlist acronym it never uses itself
        ("Taiwan Semiconductor Manufacturing will supply the chips.", "TSMC", None),
        # a legal suffix or a trailing word: the same name
        ("Microsoft Corp. said on Monday it would invest.", "Microsoft", "Microsoft"),
        ("Meta Platforms Inc. signed the deal.", "Meta", "Meta"),
        # a canonical acronym the article uses itself stays
        (
            "Advanced Micro Devices reported results. AMD said demand was strong.",
            "AMD",
            "AMD",
        ),
        # the owner dropped in front: still the canonical name
        ("DeepMind published a paper on protein folding.", "Google DeepMind", "Google DeepMind"),
        # another word order of a body's name
        ("The Commerce Department tightened the rules.", "Department of Commerce", None),
    ],
)
def test_display_name(watchlist, text: str, canonical: str, shown: str | None) -> None:
    names = _names(text, watchlist)
    assert canonical in names, names
    if shown is None:  # the article's own spelling, not the canonical one
        assert names[canonical] != canonical and names[canonical] in text, names
    else:
        assert names[canonical] == shown, names


def test_deal_parties_use_the_same_names(watchlist) -> None:
    text = "Taiwan Semiconductor Manufacturing agreed to acquire Acme Robotics for $2 billion."
    out = as_json(tag("t", text, watchlist), watchlist)
    shown = {e["name"] for e in out["entities"]}
    assert out["deals"], out
    assert set(out["deals"][0]["parties"]) <= shown, out
    assert any(p.startswith("Taiwan Semiconductor") for p in out["deals"][0]["parties"]), out
