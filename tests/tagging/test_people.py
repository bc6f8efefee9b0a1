"""The people finder: names by given name, title, role, speech and possessive cues; never a
heading's capitalised words or an organisation."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import Watchlist, load_watchlist


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def _people(text: str, watchlist: Watchlist) -> list[str]:
    return [m.entity for m in tag("t", text, watchlist).mentions if m.kind == "person"]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Intel CEO Lip-Bu Tan said Friday that sales rose.", "Lip-Bu Tan"),
        ("AP writer Michelle Chapman contributed to this report.", "Michelle Chapman"),
        # a possessive name: "’s" closes the name, it is not a word of it
        ("He credited President Donald Trump’s push for U.S. manufacturing.", "Donald Trump"),
        ("The plan drew on Jane Doerr's earlier work.", "Jane Doerr"),
        # an apostrophe inside a surname
        ("Analyst Dan O’Brien said the deal was priced well.", "Dan O’Brien"),
    ],
)
def test_person_found(watchlist: Watchlist, text: str, person: str) -> None:
    assert person in _people(text, watchlist)


def test_a_surname_alone_counts_for_the_full_name(watchlist: Watchlist) -> None:
    text = "Analyst Dan O’Brien said the deal was priced well. O’Brien added that it would close."
    mentions = [m for m in tag("t", text, watchlist).mentions if m.kind == "person"]
    assert [m.entity for m in mentions] == ["Dan O’Brien", "Dan O’Brien"]


@pytest.mark.parametrize(
    "text",
    [
        "Key Takeaways\nMicrosoft invested in the startup. Key takeaways follow below.",
        "Job Cuts Loom\nThe company plans job cuts this year.",
        "The Goddard Space Flight Center hosted the launch.",
    ],
)
def test_no_person(watchlist: Watchlist, text: str) -> None:
    assert _people(text, watchlist) == []
