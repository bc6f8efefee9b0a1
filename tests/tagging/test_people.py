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
        # accented letters
        ("“We are glad,” Tobias Grünfeld, chief executive of the firm, said.", "Tobias Grünfeld"),
        ("Minister Hélène Côté called the project proof of good policy.", "Hélène Côté"),
        # a particle written with a capital inside the name
        ("It was built with his colleague Daniel De Varga last year.", "Daniel De Varga"),
        # a compound or a common word before a cued name is no part of it
        ("The firm, set up by Lisbon-born Arkady Melo, grew fast.", "Arkady Melo"),
        ("Acme Vice President of Global Data Centers Kevin Moray said so.", "Kevin Moray"),
        # picture credits in a title-case line
        ("Acme Chairman Ken Sato In Tokyo. Photo: Tomas Reyna/Getty Images", "Tomas Reyna"),
        ("The Acme Logo On A Phone In New York\nPaul Seraph | Reuters\nAcme rose.", "Paul Seraph"),
        (
            "The Acme Logo In Santa Clara, Calif.\nAP Photo/Paul Seraph, File\nAcme sold.",
            "Paul Seraph",
        ),
        # a surname that is a common word too, ending the run
        ("The board named former Acme executive Sean White as chief.", "Sean White"),
        # a long title before the name; a role noun before a name the list lacks
        ("It matters, said Acme Chief Global Affairs Officer Joel Kaplan.", "Joel Kaplan"),
        ("The device was shaped by ex-Acme designer Jony Ivel last year.", "Jony Ivel"),
        # names listed before a name found, whatever their first names
        ("The new recruits are Shenqi Zhao, Wenlu Yu, Lucas Berne and Anna Korr.", "Shenqi Zhao"),
        ("The new recruits are Shenqi Zhao, Wenlu Yu, Lucas Berne and Anna Korr.", "Wenlu Yu"),
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
        # a title-case heading keeps its short words in lower case
        "Acme Leans on Beta to Win Job Seekers for Its Chips\nAcme said so.",
        (
            "Read more: After Massive Job Cuts, Acme Pushes Staff to Embrace AI as a Core Part"
            " of Every Role\nAcme said so."
        ),
        # a cue in another sentence, or a heading's "with", cues nothing
        "The talks may fail, the sources said.\nHot Market\nAcme faces rivals.",
        "Acme Stock: AI Push In Focus With Earnings Due\nAcme reports today.",
        # an organisation's word in the name
        "The material has been provided by Quillon Company, a broker.",
        # a credit's name with no given name
        "The Acme Logo On A Phone\nPhoto: Harbor Studio/Getty Images\nAcme rose.",
    ],
)
def test_no_person(watchlist: Watchlist, text: str) -> None:
    assert _people(text, watchlist) == []
