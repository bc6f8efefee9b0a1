"""People named in an article who are not on the watchlist: executives, analysts, bylines.

A run of capitalised words is a person's name when it starts with a given name (from a
first-name list of about 60,000 names across countries, see `given_names`) and ends in a
surname, or when its position says so whatever the first name: after a title or role
("chief executive X", "analyst X", "By X"), before a role apposition ("X, the founder
of"), or beside a speech verb ("said X", "X told"). A later mention of the surname alone
("Nadella said") counts for the full name. Runs that overlap an organisation, product,
place or publisher the matcher found, or that end in an organisation word ("Capital",
"Labs"), are not people.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources

from pipeline.records import Mention
from pipeline.tagging.sentences import Sentence

# Capital and small letters, accented ones too ("Döpfner", "François", "Łukasz")
_UP = "A-ZÀ-ÖØ-ÞĀ-ſ"
_LO = "a-zß-öø-ÿĀ-ſ"
# A name word: "Satya", "O'Brien", "Jean-Paul", "McKinsey"; an initial: "J." ; a particle.
_WORD = (
    rf"(?:[{_UP}][{_LO}]+(?:['’][{_UP}][{_LO}]+|-[{_UP}]?[{_LO}]+)*|[{_UP}][{_LO}]*[{_UP}][{_LO}]+|"
    rf"[{_UP}]['’][{_UP}][{_LO}]+|[{_UP}]\.)"
)
_PARTICLE = r"(?:de|van|von|der|den|da|di|du|del|la|le|al|bin|ibn|dos|das)"
# A run ends at a word's end; a possessive "’s" after it closes the name ("Trump’s push").
_RUN = re.compile(
    rf"(?<![\w.’'-]){_WORD}(?:[ ](?:{_PARTICLE}[ ])?{_WORD}){{1,7}}(?![\w-])(?!['’](?!s\b))"
)
# Particles that may stand capitalised inside a name: "Daniel De Freitas", "Jan Van Dijk"
_PARTICLES = frozenset({"De", "Del", "Della", "Di", "Da", "Van", "Von", "Der", "Den", "Du"})
# A compound that describes a person, not part of the name: "Kazakh-born Jane Doe"
_DESCRIBING = ("-born", "-based", "-backed", "-owned", "-led", "-made", "-founded", "-raised")
_SUFFIX_AFTER = re.compile(r"^,?[ ](?:Jr\.?|Sr\.?|II|III|IV)(?!\w)")

# Words that are never part of a person's name (pipeline/data/people_words.toml).
_WORDS = tomllib.loads(
    resources.files("pipeline").joinpath("data", "people_words.toml").read_text("utf-8")
)
_TITLE_WORDS = frozenset(_WORDS["title_words"])
_ORG_WORDS = frozenset(_WORDS["org_words"])
_NOT_GIVEN = frozenset(_WORDS["not_given"])
_CUE_BEFORE = frozenset(_WORDS["cue_before"])
_SMALL_WORDS = frozenset(_WORDS["heading_small_words"])
_SURNAME_WORDS = frozenset(_WORDS["surname_words"])  # one word or two: "said", "according to"
_WORD_BEFORE = re.compile(r"[\w’'.-]+")
_ROLE_AFTER = re.compile(
    r"^(?:,\s+(?:who|whose|the|a|an|its|their|his|her|[A-Z][\w&.-]*['’]s)\b[^.;]{0,60}?"
    r"\b(?:chief|executive|CEO|CFO|CTO|COO|founder|co-?founder|president|chair\w*|director|"
    r"head|partner|analyst|spokes\w+|minister|secretary|senator|professor|economist|"
    r"investor|billionaire|leads?|led|runs?|ran|heads?|oversees?|author|reporter|editor)\b|"
    r"\s+(?:said|says|told|wrote|added|noted|explained|argued|warned|stated|announced|"
    r"posted|tweeted|believes|thinks|predicted|estimated|confirmed|declined)\b|"
    r"\s+\((?:CEO|founder|co-founder|chief executive)\b|,\s+(?:CEO|chief executive|founder|"
    r"co-founder|president|chairman|analyst|partner|head)\b)"
)
_NOT_LOWER_START = re.compile(r"(?:^|(?<=\s))[^a-z\s]")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]+")
# A name of a list, before the next one: "Jane Doe, ", "Jane Doe and "
_ITEM_BEFORE = re.compile(rf"(?<![\w.’'-])({_WORD}(?:[ ]{_WORD}){{1,2}}),[ ](?:and[ ])?$")
_LIST_GOES_ON = re.compile(rf",?[ ](?:and[ ])?{_WORD}[ ]{_WORD}")
_LIST_AFTER_NAME = re.compile(r"^\s*(?:,|and|&|,\s*and)\s*$")
_CAPITALISED = re.compile(rf"(?<![\w’'-])[{_UP}][\w’'-]*[{_LO}](?![\w-])")
_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|wrote|added|noted|asked)\s+$", re.IGNORECASE)
# A picture credit: "Photo: Jane Doe", "(Credit: Jane Doe/Acme)", "AP Photo/Jane Doe"; the
# agency after the name: "Jane Doe/Reuters", "Jane Doe | Bloomberg"
_CREDIT_BEFORE = re.compile(
    r"(?:^|[\s(\[])(?:Photo|Photos|Photograph|Image|Images|Picture|Credit|Illustration)"
    r"(?:\s+(?:by|credit))?\s*[:/]\s*$|(?:^|[\s(\[])(?:Photo|Image)\s+by\s+$"
)
_CREDIT_AFTER = re.compile(r"[ ]?(?:/|\|)[ ]?[A-Z]")
# Abbreviated titles end with a point and still cue a name: "Mr. Jane Doe", "Sen. Doe"
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Prof|Gen|Lt|Col|Sgt|Capt|Rev|Hon|St)\.$"
)


def given_names() -> frozenset[str]:
    """First names of many countries, from the gender-guesser package's name list.

    About 0.2 s to read: `load_watchlist` reads it once and the watchlist carries it.
    Names of two or more letters, in their usual capitalisation. The list is data the
    package ships: nothing is fetched.
    """
    from gender_guesser.detector import Detector  # imported on first use: 0.2 s of parsing

    return frozenset(
        name for name in Detector(case_sensitive=True).names if len(name) > 1 and name.isalpha()
    )


def find_people(
    text: str,
    sentences: Sequence[Sentence],
    taken: Sequence[Mention],
    names: frozenset[str],
    not_names: frozenset[str] = frozenset(),
) -> list[Mention]:
    """People named in `text` that no mention in `taken` covers, in text order.

    `taken` are the matcher's mentions (watchlist entities and discovered orgs); a run that
    overlaps one is not a person, but a watchlist person's surname alone counts for them.
    `names` is the first-name list (`given_names()`); `not_names` are names that are never
    people (the watchlist's places, months and other stop names: "Hong Kong").
    """
    spans = sorted((m.start, m.end) for m in taken)
    known = {m.entity for m in taken if m.kind == "person"}
    starts = [s.start for s in sentences]
    found: list[Mention] = []
    surnames: dict[str, str] = {_surname(name): name for name in known}
    lowered = _lowercase_words(text)
    headings = _heading_lines(text)
    last_end = -1
    for match in _RUN.finditer(text):
        headline = text.rfind("\n", 0, match.start()) + 1 in headings
        # "By Davey Alba, Ed Ludlow and Rachel Metz": a name listed after a name is cued
        listed = last_end >= 0 and bool(_LIST_AFTER_NAME.match(text[last_end : match.start()]))
        for start, end in _name_spans(text, match, names, headline, listed, lowered):
            if _overlaps(spans, start, end) or text[start:end] in not_names:
                continue
            if not _plausible_surname(text, start, end, lowered):
                continue
            name = _with_suffix(text, start, end)
            surnames.setdefault(_surname(name), name)
            found.append(_mention(name, text, start, start + len(name), starts))
            last_end = start + len(name)
    for mention in _listed_before(text, found, spans, not_names, lowered, starts):
        surnames.setdefault(_surname(mention.entity), mention.entity)
        found.append(mention)
    found.extend(_surname_mentions(text, surnames, spans, found, starts))
    # a watchlist person's surname alone ("Nadella said") is that entity, not a discovery
    found = [replace(m, discovered=False) if m.entity in known else m for m in found]
    return sorted(found, key=lambda m: m.start)


def _listed_before(
    text: str,
    found: list[Mention],
    spans: list[tuple[int, int]],
    not_names: frozenset[str],
    lowered: frozenset[str],
    starts: list[int],
) -> list[Mention]:
    """ "... are Jane Doe, Ann Roe, Li Wei and Omar Lint": the names listed before a person
    found inside a list (followed by another name) are people too, whatever their first
    names."""
    taken = spans + [(m.start, m.end) for m in found]
    extra: list[Mention] = []
    for person in found:
        if not _LIST_GOES_ON.match(text, person.end):
            continue
        start = person.start
        while (item := _ITEM_BEFORE.search(text, max(0, start - 60), start)) is not None:
            first, end = item.start(1), item.end(1)
            words = item[1].split(" ")
            if (
                words[0] in _NOT_GIVEN
                or any(w in _ORG_WORDS or w in _TITLE_WORDS for w in words)
                or item[1] in not_names
                or _overlaps(taken, first, end)
                or not _plausible_surname(text, first, end, lowered)
            ):
                break
            extra.append(_mention(item[1], text, first, end, starts))
            taken.append((first, end))
            start = first
    return extra


def _lowercase_words(text: str) -> frozenset[str]:
    return frozenset(_LOWER_WORD.findall(text))


def _plausible_surname(text: str, start: int, end: int, lowered: frozenset[str]) -> bool:
    """A surname is not a word the text also writes in lower case ("Key Takeaways", "Job
    Cuts": "takeaways", "cuts"), nor a compound ("Vera Rubin-based")."""
    last = text[start:end].split()[-1]
    if last.endswith(("-based", "-backed", "-owned", "-led", "-made")):
        return False
    return last.lower() not in lowered


def _heading_lines(text: str) -> frozenset[int]:
    """Where the title-case lines start ("Microsoft Puts $1 Billion Into OpenAI", "Key
    Takeaways"): there only a cued name is taken, since every word is capitalised."""
    starts, position = [], 0
    for line in text.split("\n"):
        words = line.split()
        # words that do not start in lower case, counted at C speed
        capitalised = len(_NOT_LOWER_START.findall(line))
        if len(words) < 4:  # a short heading line: "Key Takeaways"
            heading = len(words) >= 2 and capitalised == len(words)
        else:
            lower = len(words) - capitalised
            heading = capitalised >= 0.8 * len(words) or (
                # a title keeps only its short words in lower case: "Acme Leans on Beta to
                # Feed ...", "Read more: After Job Cuts, Acme Pushes Staff to ..."
                lower <= 8 and sum(1 for word in words if word in _SMALL_WORDS) >= lower - 1
            )
        if heading:
            starts.append(position)
        position += len(line) + 1
    return frozenset(starts)


def _name_spans(
    text: str,
    match: re.Match[str],
    names: frozenset[str],
    headline: bool = False,
    listed: bool = False,
    lowered: frozenset[str] = frozenset(),
) -> Iterable[tuple[int, int]]:
    """The person names inside one run of capitalised words ("Microsoft CEO Satya Nadella"
    is not a run; "Chief Executive Satya Nadella" holds one name after its title)."""
    words = [(w.start() + match.start(), w.group()) for w in re.finditer(r"\S+", match.group())]
    cued_start = listed or _cued(text, match.start(), headline)
    credited = headline and _credited(text, match.start(), match.end())
    i = 0
    while i < len(words):
        word = words[i][1]
        cue = word.lower() in _CUE_BEFORE and not (headline and word.lower() == "with")
        if word.rstrip(".") in _TITLE_WORDS or cue:
            cued_start, i = True, i + 1  # "Chief Executive Satya Nadella", "By Davey Alba"
            continue
        cued = cued_start or _cued_after(text, words, i)
        if cued and _describes(words, i, names, lowered):
            i += 1  # "Data Centers Kevin Miller said", "Kazakh-born Jane Doe": the name follows
            continue
        taken = cued or not headline or credited
        length = _name_length(words[i:], names, cued) if taken else 0
        if length:
            yield words[i][0], words[i + length - 1][0] + len(words[i + length - 1][1])
            i += length
        else:
            i += 1
        cued_start = False


def _describes(
    words: list[tuple[int, str]], i: int, names: frozenset[str], lowered: frozenset[str]
) -> bool:
    """The word before a cued name is no part of it: a compound that describes the person
    ("Kazakh-born Jane Doe"), or a common word the text also writes in lower case right
    before a given name, or an organisation word ("Data Centers Kevin Miller said")."""
    word = words[i][1]
    if word.endswith(_DESCRIBING):
        return True
    return (
        (word.lower() in lowered or word in _ORG_WORDS or word[:-1] in _ORG_WORDS)
        and i + 2 < len(words)
        and words[i + 1][1] in names
        and words[i + 1][1] not in _NOT_GIVEN
    )


def _name_length(words: list[tuple[int, str]], names: frozenset[str], cued: bool) -> int:
    """How many words from here make a name (0: none): a given name, up to two more
    names or initials, and a surname; never an organisation word."""
    first = words[0][1]
    if first in _NOT_GIVEN or first.endswith(".") or len(words) < 2:
        return 0
    if not cued and first not in names:
        return 0
    length = 1
    for position, (_, word) in enumerate(words[1:4], start=1):
        if word in _ORG_WORDS:
            return 0  # "Goddard Space Flight Center", "Dallas Gas Station": a place or a body
        if word in _PARTICLES and position + 1 < len(words) and position < 3:
            length += 1  # "Daniel De Freitas": a particle written with a capital
            continue
        if word in _SURNAME_WORDS and position == 1 and len(words) == 2:
            return 2  # "Sean White", "Xiao Hong": a word that is a surname too, ending the run
        if word in _TITLE_WORDS or word in _NOT_GIVEN:
            break
        length += 1
    while length > 1 and words[length - 1][1] in _PARTICLES:
        length -= 1
    if length < 2 or words[length - 1][1].endswith("."):
        return 0
    if length < len(words) and words[length][1] in _ORG_WORDS:
        return 0
    return length


def _cued(text: str, start: int, headline: bool = False) -> bool:
    """A title, role, speech verb or possessive org just before ("analyst X", "said X",
    "according to X", "OpenAI's X", "By X"), in the same line and sentence ("... the
    sources said.\nHot Market" is no cue)."""
    window = text[max(0, start - 30) : start]
    window = window[window.rfind("\n") + 1 :]
    stripped = window.rstrip()
    if stripped.endswith(("—", "–", " -")):
        return True  # a byline or a quote's attribution: "— Jane Doe"
    if (headline and stripped.endswith((",", ";"))) or (
        stripped.endswith((".", "!", "?")) and not _ABBREVIATION.search(stripped)
    ):
        return False  # the cue word belongs to another sentence, or clause of a heading
    words = _WORD_BEFORE.findall(window)[-2:]
    if not words or (headline and words[-1].lower() == "with"):
        return False  # "... In Focus With Earnings Due": a heading's "with" cues nothing
    last = words[-1]
    if last[0].isupper() and last.endswith(("'s", "’s")):
        return True
    lowered = [w.lower().rstrip(".") for w in words]
    return lowered[-1] in _CUE_BEFORE or " ".join(lowered) in _CUE_BEFORE


def _cued_after(text: str, words: list[tuple[int, str]], i: int) -> bool:
    """The run's last name is followed by a role or a speech verb ("X, the founder of")."""
    end = words[-1][0] + len(words[-1][1])
    before = text[max(0, words[i][0] - 12) : words[i][0]]
    return bool(_ROLE_AFTER.match(text[end : end + 90]) or _SPEECH_BEFORE.search(before))


def _credited(text: str, start: int, end: int) -> bool:
    """A picture credit in a title-case line: "Photo: Jane Doe/Acme", "AP Photo/Jane Doe",
    "Jane Doe | Bloomberg". A given name is still wanted ("Photo: Acme Studio/Beta")."""
    if _CREDIT_AFTER.match(text, end):
        return True
    before = text[max(0, start - 30) : start]
    return bool(_CREDIT_BEFORE.search(before[before.rfind("\n") + 1 :]))


def _with_suffix(text: str, start: int, end: int) -> str:
    suffix = _SUFFIX_AFTER.match(text[end : end + 6])
    return text[start : end + (suffix.end() if suffix else 0)]


def _surname(name: str) -> str:
    return (
        name.split()[-1] if name.split()[-1].rstrip(".") not in {"Jr", "Sr"} else name.split()[-2]
    )


def _surname_mentions(
    text: str,
    surnames: dict[str, str],
    taken: list[tuple[int, int]],
    found: list[Mention],
    starts: list[int],
) -> list[Mention]:
    """'Nadella said': a surname alone, after its full name was given, counts for it."""
    usable = {surname: full for surname, full in surnames.items() if len(surname) > 2}
    if not usable:
        return []
    spans = taken + [(m.start, m.end) for m in found]
    first_seen = {m.entity: m.start for m in found}
    mentions = []
    # each surname looked for where it is written (a substring search at C speed), not
    # every capitalised word of the text matched against all of them
    for surname, full in usable.items():
        at = text.find(surname, max(first_seen.get(full, 0), 0))
        while at >= 0:
            match = _CAPITALISED.match(text, at)  # the whole word, as written
            end = at + len(surname)
            if match is not None and match.end() == end and not _overlaps(spans, at, end):
                mentions.append(_mention(full, text, at, end, starts))
            at = text.find(surname, at + 1)
    return sorted(mentions, key=lambda m: m.start)


def _mention(name: str, text: str, start: int, end: int, starts: list[int]) -> Mention:
    index = _sentence_index(starts, start)
    return Mention(name, "person", text[start:end], start, end, index, discovered=True)


def _sentence_index(starts: list[int], offset: int) -> int:
    return max(bisect_right(starts, offset) - 1, 0) if starts else -1


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
