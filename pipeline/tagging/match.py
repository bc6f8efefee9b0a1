"""Find watchlist mentions in article text, and discover organisations not on the watchlist.

Matching is dictionary-based: the watchlist's Aho-Corasick automata give every alias hit,
then token-boundary checks and per-alias rules drop the false ones, and the longest,
leftmost of overlapping hits wins ("GitHub Copilot" is one mention, not also "Copilot").
Rules run before the overlap resolution, so a longer alias rejected by its rule leaves
room for a shorter one inside it.

Discovery favours precision: an unknown capitalised name becomes an organisation only in
a position that says so (the object of "acquired", "invested ... in", "a partnership
with"; after "startup"/"chipmaker"; before "Inc."/"Ltd."; "Foo Robotics" in a deal
sentence), and never when it is a place, a month, a title, a person-like name, a
publisher or anything the watchlist already knows.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence

from pipeline.records import Mention
from pipeline.tagging.sentences import Sentence
from pipeline.tagging.watchlist import CompiledRule, Watchlist, normalise

log = logging.getLogger(__name__)

_NEXT_WORD = re.compile(r"[ \t]([A-Z][\w&'-]*)")
_BEFORE_WINDOW = 48  # chars looked at for `reject_if_preceded_by`

Candidate = tuple[int, int, CompiledRule, int]  # start, end, rule, sentence index


def find_mentions(text: str, sentences: Sequence[Sentence], watchlist: Watchlist) -> list[Mention]:
    """All watchlist mentions in `text`, in text order, none overlapping."""
    normal = normalise(text)
    starts = [s.start for s in sentences]
    candidates: list[Candidate] = []
    for start, end, item in watchlist.scan(normal):
        if not _on_boundary(normal, start, end, item):
            continue
        index = _sentence_at(starts, start)
        context = sentences[index].text if index >= 0 else normal
        if item.rule.is_plain or _passes(item, normal, start, end, context):
            candidates.append((start, end, item, index))
    return [
        Mention(item.rule.entity, item.kind, text[start:end], start, end, index)
        for start, end, item, index in _longest_leftmost(candidates)
    ]


def _on_boundary(text: str, start: int, end: int, item: CompiledRule) -> bool:
    """The hit is a whole token: not inside a word, a number or a dotted name."""
    alias = item.rule.alias
    if start > 0 and alias[0].isalnum():
        before = text[start - 1]
        if before.isalnum() or before == "_":
            return False
        # "foo.OpenAI" is part of a dotted name; a domain may have sub-domains ("en.").
        if before == "." and start > 1 and text[start - 2].isalnum() and not item.rule.domain:
            return False
    if end < len(text) and alias[-1].isalnum():
        after = text[end]
        if after.isalnum() or after == "_":
            return False
        # "GPT-4.5" is not "GPT-4"; "OpenAI.com" is not "OpenAI".
        if after == "." and end + 1 < len(text) and text[end + 1].isalnum():
            return False
    return True


def _sentence_at(starts: list[int], offset: int) -> int:
    """Index of the sentence holding `offset` (the one before, if it falls between two)."""
    if not starts:
        return -1
    return max(bisect_right(starts, offset) - 1, 0)


def _passes(item: CompiledRule, text: str, start: int, end: int, sentence: str) -> bool:
    """Apply the alias's context rules; True keeps the hit."""
    if item.require is not None and not item.require.search(sentence):
        return False
    if item.reject is not None and item.reject.search(sentence):
        return False
    if item.followed is not None and item.followed.match(text, end):
        return False
    if item.preceded is not None and item.preceded.search(
        text, max(0, start - _BEFORE_WINDOW), start
    ):
        return False
    return not (item.rule.reject_if_followed_by_capitalized and _capitalized_next(text, end, item))


def _capitalized_next(text: str, end: int, item: CompiledRule) -> bool:
    """True when a capitalised word follows, as a surname follows a first name."""
    following = _NEXT_WORD.match(text, end)
    if following is None:
        return False
    return following.group(1).rstrip("'-") not in item.allowed_next


def _longest_leftmost(candidates: list[Candidate]) -> list[Candidate]:
    chosen: list[Candidate] = []
    last_end = -1
    for candidate in sorted(candidates, key=lambda c: (c[0], c[0] - c[1])):
        if candidate[0] >= last_end:
            chosen.append(candidate)
            last_end = candidate[1]
    return chosen


# ---- discovery -------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A name token: "Acme", "xAI", "MAI-1", "Character.AI", "Rolls-Royce", "Cognition.ai".
_TOKEN = (
    r"(?:[A-Z][A-Za-z0-9]*|[a-z]{1,2}[A-Z][A-Za-z0-9]*)"
    r"(?:[.&\-][A-Z0-9][A-Za-z0-9]*)*(?:\.(?:ai|io|com))?"
)
_NAME = rf"(?P<name>{_TOKEN}(?:[ ](?:&[ ])?{_TOKEN}){{0,4}})(?![\w-])"
_LEGAL_WORDS = _words(
    """
    Inc Corp Corporation Co Ltd Limited LLC L.L.C PLC plc GmbH AG SA S.A NV N.V SE Pte
    Pty KK SpA S.p.A BV B.V AB ASA Oy
    """
)
_LEGAL = (
    "(?:" + "|".join(re.escape(w) for w in sorted(_LEGAL_WORDS, key=len, reverse=True)) + r")\.?"
)
_ORG_SUFFIXES = _words(
    """
    AI Labs Lab Robotics Technologies Technology Systems Software Networks Semiconductor
    Semiconductors Computing Microsystems Dynamics Therapeutics Biosciences Capital
    Ventures Partners Holdings Industries Investments Instruments Aerospace Analytics
    """
)
_FUNCTION_WORDS = _words(
    """
    The A An This That These Those In On At For With And But Or As By From To Of After
    Before While When If Also Its Their Our His Her Both Rival Startup Fellow
    """
)
_TITLES = _words(
    """
    CEO CFO CTO COO Chief President Chairman Chairwoman Founder Co-founder Cofounder
    Director Executive Head Vice Mr Mrs Ms Dr Sir Senator Minister Secretary Governor
    Professor Analyst Spokesperson Spokesman Spokeswoman Partner General Managing
    """
)
_DESCRIPTOR = (
    r"(?:start-?up|company|firm|chipmaker|chip maker|chip designer|carmaker|automaker|"
    r"drugmaker|unicorn|lab|provider|supplier|manufacturer|rival|competitor|conglomerate|"
    r"outfit|subsidiary|spinout|spin-off|neocloud|hyperscaler)"
)
_HEAD_FOLLOWS = (
    r"(?=\s*[,;)]|\s*\.(?!\w)|\s+(?:that|which|based|founded|backed|valued|in|from|with|"
    r"owned|led|whose|known|focused|building|developing|making|called|and|for)\b)"
)
_PATTERNS: dict[str, re.Pattern[str]] = {
    "legal": re.compile(rf"{_NAME},?[ ](?P<legal>{_LEGAL})(?![A-Za-z])"),
    "descriptor": re.compile(rf"(?:\b{_DESCRIPTOR}|-based)[ ]{_NAME}"),
    "apposition": re.compile(
        rf"{_NAME},[ ](?:a|an|the)[ ](?:[\w$.'’-]+[ ]){{0,6}}?{_DESCRIPTOR}{_HEAD_FOLLOWS}"
    ),
    "invested_in": re.compile(
        rf"\b(?:invest(?:s|ed|ing|ments?|ors?)?|stakes?|holdings?|bets?)\b"
        rf"[^;:()\n]{{0,60}}?\bin[ ]{_NAME}"
    ),
    "acquired": re.compile(
        r"\b(?:acquir(?:e|ed|es|ing)|buy(?:s|ing)?|bought|purchas(?:e|ed|es|ing)|takeover of|"
        r"acquisition of|purchase of|buyout of|merg(?:e|ed|es|ing|er) with|snapped up|"
        rf"took over|take over|taking over)[ ]{_NAME}"
    ),
    "acquired_by": re.compile(rf"\b(?:acquired|bought|purchased|taken over)[ ]by[ ]{_NAME}"),
    "backed_by": re.compile(rf"\b(?:backed|funded|financed|owned|led)[ ]by[ ]{_NAME}"),
    "with": re.compile(
        r"\b(?:partnership|partnered|partnering|partners|teamed up|tie-up|tied up|"
        r"joint venture|alliance|agreement|deal|contract|collaboration|pact|merger)"
        rf"[ ]with[ ]{_NAME}"
    ),
    "raised": re.compile(
        rf"{_NAME}(?:,[^,]{{1,80}},)?[ ](?:has[ ]|had[ ]|have[ ]|just[ ]|recently[ ])?"
        r"(?:raised|raises|secured|secures|closed|closes|landed|lands|bagged|nabbed)[ ]"
        r"(?:a[ ]|an[ ]|its[ ]|another[ ])?(?:[$€£¥]|US\$|\d)"
    ),
}
# Positions that on their own do not prove an organisation: the name needs a suffix.
_NEEDS_SUFFIX = frozenset({"backed_by", "suffixed"})
_OBJECT_KINDS = frozenset({"invested_in", "acquired", "acquired_by", "backed_by", "with"})
_CONNECTOR_AFTER = re.compile(r"[ ](?:of|on|for|de|du|der|des|von|van|and the)[ ][A-Z]")
_CONNECTOR_BEFORE = re.compile(r"[A-Z][\w.&-]*[ ](?:of|on|for|de|du|der|des|von|van)[ ]$")
_DEAL_WORDS = re.compile(
    r"\b(?:invest\w*|acqui\w*|buy\w*|bought|purchas\w*|stakes?|fund\w*|rais\w*|round|valu\w*|"
    r"partner\w*|deals?|agreements?|contracts?|joint venture|licens\w*|merg\w*|backed|"
    r"takeover|collaborat\w*|alliance|spin-?off|spun)\b",
    re.IGNORECASE,
)
_SUFFIXED = re.compile(_NAME)
_SENTENCE_START = frozenset('.!?"“‘(\n•')


def discover_orgs(
    text: str, sentences: Sequence[Sentence], watchlist: Watchlist, known: Sequence[Mention]
) -> list[Mention]:
    """Organisations not on the watchlist, found by pattern; kind "org", discovered=True.

    Each discovered name is tagged wherever else it appears in the text too. The entity
    name is the name as written without a legal suffix ("Acme Robotics Inc." -> "Acme
    Robotics"); the surface keeps the suffix.
    """
    taken = [(m.start, m.end) for m in known]
    found: dict[tuple[int, int], tuple[str, int]] = {}
    for sentence in sentences:
        for start, end, name in _candidates(text, sentence, watchlist):
            if not _overlaps(taken, start, end):
                found.setdefault((start, end), (name, sentence.index))
    mentions = [
        Mention(name, "org", text[start:end], start, end, index, discovered=True)
        for (start, end), (name, index) in found.items()
    ]
    mentions.extend(_repeats(text, sentences, mentions, taken))
    return sorted(mentions, key=lambda m: m.start)


def _candidates(text: str, sentence: Sentence, watchlist: Watchlist) -> list[tuple[int, int, str]]:
    """(start, end, name) of every name the patterns accept in one sentence."""
    found = []
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(sentence.text):
            candidate = _accept(match, kind, sentence, text, watchlist)
            if candidate is not None:
                found.append(candidate)
    if _DEAL_WORDS.search(sentence.text):
        for match in _SUFFIXED.finditer(sentence.text):
            candidate = _accept(match, "suffixed", sentence, text, watchlist)
            if candidate is not None:
                found.append(candidate)
    return found


def _accept(
    match: re.Match[str], kind: str, sentence: Sentence, text: str, watchlist: Watchlist
) -> tuple[int, int, str] | None:
    """Trim a matched name to its core and vet it; None when it is not an organisation."""
    start, tokens = _trim(text, sentence.start + match.start("name"), match["name"].split(" "))
    if not tokens:
        return None
    name = " ".join(tokens)
    end = start + len(name)
    strong = kind == "legal" or (len(tokens) > 1 and tokens[-1] in _ORG_SUFFIXES)
    if kind in _NEEDS_SUFFIX and not strong:
        return None
    if not _plausible(name, tokens, strong, watchlist):
        return None
    if not _well_placed(text, start, end, kind, watchlist):
        return None
    if not strong and _at_sentence_start(text, start) and not _seen_inside(text, name):
        return None  # "Investors raised ..." vs "Acme raised ...": proper nouns recur inside
    if kind == "legal":
        end = sentence.start + match.end("legal")
    return start, end, name


def _trim(text: str, start: int, tokens: list[str]) -> tuple[int, list[str]]:
    """Drop leading function words and legal suffixes; cut the name at a person's title.

    A leading "The" stays unless the sentence starts with it: mid-sentence it is part of
    the name ("bought The Browser Company").
    """
    while tokens and (tokens[0] in _FUNCTION_WORDS or tokens[0] == "&"):
        if tokens[0] == "The" and not _at_sentence_start(text, start) and len(tokens) > 1:
            break
        start += len(tokens[0]) + 1
        tokens = tokens[1:]
    for position, token in enumerate(tokens):
        if token in _TITLES:
            tokens = tokens[:position]
            break
    while tokens and (tokens[-1].rstrip(".") in _LEGAL_WORDS or tokens[-1] == "&"):
        tokens = tokens[:-1]
    return start, tokens


def _well_placed(text: str, start: int, end: int, kind: str, watchlist: Watchlist) -> bool:
    """Reject names that are cut out of a longer one, owners of objects, or places."""
    if _CONNECTOR_AFTER.match(text, end) or _CONNECTOR_BEFORE.search(
        text, max(0, start - 40), start
    ):
        return False  # "Council on Energy ...", "Bank of America": the name goes on
    if kind in _OBJECT_KINDS and text.startswith(("'s", "’s"), end):
        return False  # "bought Ford's estate": the object is the thing, not its owner
    return not _is_place_apposition(text, end, watchlist)


def _plausible(name: str, tokens: list[str], suffixed: bool, watchlist: Watchlist) -> bool:
    if name in watchlist.stop_names or watchlist.lookup(name) is not None:
        return False
    core = tokens[:-1] if suffixed and tokens[-1] in _ORG_SUFFIXES else tokens
    if all(t in watchlist.generic_words or t in watchlist.stop_names for t in core):
        return False
    if not suffixed and tokens[0] in watchlist.first_names and 2 <= len(tokens) <= 3:
        return False  # "a deal with John Smith"
    if len(tokens) == 1 and (len(name) <= 2 or name.isdigit()):
        return False
    return not (len(tokens) == 1 and name.isupper() and len(name) <= 3 and not suffixed)


def _at_sentence_start(text: str, offset: int) -> bool:
    before = text[max(0, offset - 3) : offset].rstrip()
    return not before or before[-1] in _SENTENCE_START


def _seen_inside(text: str, name: str) -> bool:
    """True when `name` also occurs mid-sentence, so its capital is not the sentence's."""
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
        before = text[max(0, match.start() - 3) : match.start()].rstrip()
        if before and before[-1] not in _SENTENCE_START:
            return True
    return False


def _is_place_apposition(text: str, end: int, watchlist: Watchlist) -> bool:
    """ "Mount Pleasant, Wisconsin": a name followed by a state or country is a place."""
    following = re.match(r",[ ]([A-Z][\w.]*(?:[ ][A-Z][\w.]*)?)", text[end : end + 40])
    if following is None:
        return False
    for words in (following.group(1), following.group(1).split(" ")[0]):
        entity = watchlist.lookup(words)
        if words in watchlist.stop_names or (entity is not None and entity.kind == "place"):
            return True
    return False


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _repeats(
    text: str, sentences: Sequence[Sentence], found: list[Mention], taken: list[tuple[int, int]]
) -> list[Mention]:
    """Further occurrences of each discovered name, outside spans already tagged."""
    spans = [*taken, *((m.start, m.end) for m in found)]
    starts = [s.start for s in sentences]
    extra: list[Mention] = []
    for name in sorted({m.entity for m in found}, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            start, end = match.span()
            if _overlaps(spans, start, end):
                continue
            spans.append((start, end))
            index = _sentence_at(starts, start)
            extra.append(Mention(name, "org", name, start, end, index, discovered=True))
    return extra
