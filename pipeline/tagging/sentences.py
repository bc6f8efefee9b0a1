"""Split article text into sentences, keeping offsets into the original text.

Rule-based on purpose: news text is regular enough that a handful of rules (abbreviations,
initials, decimals, closing quotes, bullets, headings) beats a statistical model on speed,
and the deal extractor needs exact character offsets, which rules keep trivially.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: `text == original[start:end]`, trimmed of surrounding whitespace."""

    index: int
    start: int
    end: int
    text: str


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations after which a period never ends a sentence (titles, months, "e.g.", "No. 1").
_NEVER_FINAL = _words(
    """
    Mr Mrs Ms Dr Prof Sen Rep Gov Gen Col Lt Sgt Capt Cmdr Adm Rev Hon Pres Supt Atty St
    Mt Ft Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur
    Thurs Fri Sat No Nos vs v e.g i.e cf approx ca est Fig fig Vol vol pp Dept Univ Ave
    Blvd Rd Sr Jr Bros Messrs Mme Mlle
    """
)
# Abbreviations that often end a sentence too ("... a deal with Apple Inc. The company ...");
# they end one only when a typical sentence opener follows.
_MAYBE_FINAL = _words(
    """
    Inc Corp Co Ltd Plc plc LLC Cos Corps Assn a.m p.m etc U.S U.K U.N E.U A.I
    """
)
_OPENERS = _words(
    """
    The A An It Its It's He She They We I You This That These Those There Their His Her
    Our In On At As But And Or So Yet For If When While After Before Since Although
    Though However Meanwhile Still Also Now Then Shares Analysts According Last Earlier
    Later Separately Under Despite With Without What Why How Who Where One Some Many
    Most
    """
)
# A terminal mark, any closing quotes/brackets, then whitespace.
_TERMINAL = re.compile(r"(?:[.!?…]+)[\"'”’)\]»]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[«]*([^\s\"'“‘(\[«]*)")
_WORD_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z.]*)\.$")
_BULLET = re.compile(r"[ \t]*(?:[•·▪◦‣●○■□➢►*–—-]|\d{1,2}[.)])[ \t]+")
_NUMERIC_START = frozenset("0123456789$€£¥")
_LIST_NUMBER = re.compile(r"\s*\d{1,2}")
# A Title-Case label of two to six words ending in a colon, at the start of a line.
_LABEL = re.compile(
    r"[ \t]*(?:[•·▪◦‣●○■□➢►*–—-][ \t]+)?[A-Z][\w'’&/-]*"
    r"(?:[ ](?:[A-Z][\w'’&/-]*|of|and|the|for|in|on|to|a|an|with|&)){1,5}:(?=[ \t]+[A-Z\"“])"
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LINE = re.compile(r"[^\n]*\n?")


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with character offsets into `text`.

    Blank lines, headings and bullet lines always end a sentence; a line that starts in
    lower case continues the sentence of the line above (hard-wrapped text).
    """
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        spans.extend(_split_block(text, start, end))
    sentences = []
    for start, end in spans:
        start, end = _trim(text, start, end)
        if start < end:
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences


def _blocks(text: str) -> list[tuple[int, int]]:
    """Group lines into blocks that sentences never cross."""
    blocks: list[tuple[int, int]] = []
    for match in _LINE.finditer(text):
        start, end = match.start(), match.end()
        line = text[start:end]
        if not line.strip():
            continue
        if blocks and _continues(text, blocks[-1], start, line):
            blocks[-1] = (blocks[-1][0], end)
        else:
            blocks.append((start, end))
    return blocks


def _continues(text: str, block: tuple[int, int], start: int, line: str) -> bool:
    """True when `line` carries on the previous line's sentence (hard wrap, not a new item)."""
    if block[1] != start:  # a blank line in between
        return False
    first = line.lstrip()[:1]
    if not first.islower() or _BULLET.match(line):
        return False
    previous = text[block[0] : block[1]].rstrip()
    return not previous.endswith((".", "!", "?", ":", "…", '"', "”"))


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one block: a leading label, then cuts at real terminal marks."""
    block = text[start:end]
    spans = []
    cursor = 0
    label = _LABEL.match(block)
    if label:  # "• Infrastructure Adjustments: Microsoft has ..." -> the label stands alone
        spans.append((start, start + label.end()))
        cursor = label.end()
    for match in _TERMINAL.finditer(block):
        if _is_boundary(block, match):
            spans.append((start + cursor, start + match.end()))
            cursor = match.end()
    spans.append((start + cursor, end))
    return spans


def _is_boundary(block: str, match: re.Match[str]) -> bool:
    """Decide whether a terminal mark really ends the sentence."""
    following = _NEXT_WORD.match(block, match.end())
    next_word = following.group(1) if following else ""
    if not next_word or not (_starts_capitalised(next_word) or next_word[0] in _NUMERIC_START):
        return False
    mark = match.group()
    if not mark.startswith(".") or mark.startswith(".."):
        return True
    if _LIST_NUMBER.fullmatch(block, 0, match.start()):
        return False  # "1. Buy chips": a numbered list item
    before = _WORD_BEFORE.search(block[max(0, match.start() - 24) : match.start() + 1])
    if before is None:
        return True
    word = before.group(1)
    if word in _NEVER_FINAL or word.lower() in {"e.g", "i.e", "vs", "cf"}:
        return False
    if word in _MAYBE_FINAL or _is_initial(word):
        return next_word in _OPENERS
    return True


def _starts_capitalised(word: str) -> bool:
    """ "The", and brand names in camel case that open sentences too: "xAI", "iPhone", "eBay"."""
    return word[0].isupper() or (
        len(word) > 1 and word[0].islower() and word[1:3] != word[1:3].lower()
    )


def _is_initial(word: str) -> bool:
    """'J' in 'Michael J. Fox', or 'U.S' style letter-dot runs."""
    return (len(word) == 1 and word.isupper()) or bool(_DOTTED.fullmatch(word))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace and a leading bullet marker."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    bullet = _BULLET.match(text, start, end)
    if bullet and _line_start(text, start):
        start = bullet.end()
    return start, end


def _line_start(text: str, pos: int) -> bool:
    line_begin = text.rfind("\n", 0, pos) + 1
    return not text[line_begin:pos].strip()
