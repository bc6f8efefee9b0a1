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

import re
import tomllib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from itertools import pairwise

from pipeline.records import Mention
from pipeline.tagging.sentences import Sentence
from pipeline.tagging.watchlist import CompiledRule, Watchlist, normalise

_NEXT_WORD = re.compile(r"[ \t]([A-Z][\w&'-]*)")
_BEFORE_WINDOW = 48  # chars looked at for `reject_if_preceded_by`

Candidate = tuple[int, int, CompiledRule, int]  # start, end, rule, sentence index


def find_mentions(text: str, sentences: Sequence[Sentence], watchlist: Watchlist) -> list[Mention]:
    """All watchlist mentions in `text`, in text order, none overlapping.

    `sentences` are `split_sentences(text)`: they give each mention its sentence index and
    the context that alias rules look at.
    """
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


def owners_written(mentions: Sequence[Mention], watchlist: Watchlist) -> list[Mention]:
    """`find_mentions`' mentions with the owner's name at the front of a product's split off
    as a mention of the owner ("Microsoft Azure": Microsoft, and Azure)."""
    return [part for mention in mentions for part in _owner_written(mention, watchlist)]


def _owner_written(mention: Mention, watchlist: Watchlist) -> list[Mention]:
    """ "Microsoft Azure", "Google Search": a product written after its owner's name names
    the owner too; the two words are two mentions, the owner's and the product's."""
    if mention.kind != "product" or " " not in mention.surface:
        return [mention]
    owner = _owning_org(mention.entity, watchlist)
    words = mention.surface.split(" ")
    for size in range(1, len(words)):
        head = " ".join(words[:size])
        found = watchlist.lookup(head)
        if found is not None and found.name == owner:
            cut = mention.start + len(head) + 1
            return [
                replace(mention, entity=owner, kind=found.kind, surface=head, end=cut - 1),
                replace(mention, surface=mention.surface[len(head) + 1 :], start=cut),
            ]
    return [mention]


def _owning_org(name: str, watchlist: Watchlist) -> str | None:
    """The nearest organisation above a product on the watchlist."""
    owner = watchlist.entity(name).parent
    while owner and owner in watchlist and watchlist.entity(owner).kind == "product":
        owner = watchlist.entity(owner).parent
    return owner


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
        # "GPT-4.5" is not "GPT-4"; "openai.Foo" is not OpenAI (domains are their own aliases).
        if after == "." and end + 1 < len(text) and text[end + 1].isalnum():
            return False
    return True


def _sentence_at(starts: list[int], offset: int) -> int:
    """Index of the sentence holding `offset` (the one before, if it falls between two)."""
    if not starts:
        return -1
    return max(bisect_right(starts, offset) - 1, 0)


def _passes(
    item: CompiledRule, text: str, start: int, end: int, sentence: str, need_context: bool = True
) -> bool:
    """Apply the alias's context rules; True keeps the hit. Without `need_context` the
    required context words are not asked for (the hit's position stands in for them)."""
    if need_context and item.require is not None and not item.require.search(sentence):
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
    r"(?:[A-Z][^\W_]*|[a-z]{1,2}[A-Z][^\W_]*)"
    r"(?:[.&\-][A-Z0-9][^\W_]*)*(?:\.(?:ai|io|com))?"
)
# A name may start with a number only before another token: "1789 Capital", "3M Co".
_NAME_BODY = rf"(?:\d[\w]*[ ])?{_TOKEN}(?:[ ](?:&[ ])?{_TOKEN}){{0,4}}"
# Cue words of organisations (pipeline/data/org_words.toml): legal forms, name endings,
# list heads, roles. Words, not names.
ORG_WORDS = tomllib.loads(
    resources.files("pipeline").joinpath("data", "org_words.toml").read_text("utf-8")
)
_LEGAL_WORDS = frozenset(ORG_WORDS["legal_words"])
_ORG_SUFFIXES = frozenset(ORG_WORDS["org_suffixes"])
_BODY_WORDS = frozenset(ORG_WORDS["body_words"])
_FUNCTION_WORDS = frozenset(ORG_WORDS["function_words"])
# A university or an institute is an organisation ("a talk at Acme University"); a school,
# college or academy inside a name is more often a programme or a site.
_UNIVERSITY_WORDS = frozenset(ORG_WORDS["university_words"])
_ACADEMIC = _words("College School Academy Polytechnic")
_TITLES = _words(
    """
    CEO CFO CTO COO CIO Chief President Chairman Chairwoman Founder Co-founder Cofounder
    Director Executive Head Vice Mr Mrs Ms Dr Sir Senator Minister Secretary Governor
    Professor Analyst Spokesperson Spokesman Spokeswoman Partner General Managing
    Prince Princess Sheikh King Queen Emir Lord Lady Dame
    """
)


def _alternation(words: Iterable[str]) -> str:
    """One regex matching any of `words`, as a trie of their characters: the engine then
    tries one branch per first character, not one per word, at every word start of every
    article (the cue lists run to dozens of words). Longer words are preferred, as a
    longest-first alternation would."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _phrases(words: Iterable[str]) -> str:
    """Like `_alternation`, with a space in a cue matching one space of the text."""
    return _alternation(words).replace("\\ ", "[ ]")


# Nouns that introduce a company's name: "AI startup Acme", "game studio Acme". "maker"
# only after a product ("robotics maker"), not after "decision", "policy", "film".
_DESCRIPTOR = (
    r"(?:start-?up|company|firm|chipmaker|chip designer|carmaker|automaker|drugmaker|"
    r"(?<!decision )(?<!policy )(?<!film )(?<!movie )(?<!deal )(?<!peace )(?<!king )maker|"
    r"unicorn|lab|provider|supplier|manufacturer|rival|competitor|conglomerate|outfit|"
    r"subsidiary|spinout|spin-off|neocloud|hyperscaler|studio|developer|retailer|operator|"
    r"insurer|lender|carrier|miner|giant|group|brand|chain|platform|consortium|utility|"
    r"cooperative|co-op|entity)"
)
# Triggers after which a name is an organisation: "acquired Acme", "a deal with Acme".
_TRIGGERS = {
    "descriptor": _DESCRIPTOR,
    "descriptor_comma": (
        # "his design firm, Acme,", "Jane Doe's investment firm, Acme," (the "s" of "'s")
        rf"(?:a|an|the|his|her|its|their|our|(?<=['’])s)[ ](?:[\w-]+[ ]){{0,3}}?{_DESCRIPTOR},"
    ),
    "invested_in": (
        r"(?:invest(?:s|ed|ing|ments?|ors?)?|stakes?|holdings?|bets?)\b[^;:()\n]{0,60}?\bin"
    ),
    "acquired_by": r"(?:acquired|bought|purchased|taken over)[ ]by",
    "backed_by": r"(?:backed|funded|financed|owned|led)[ ]by",
    "acquired": (
        r"(?:acquir(?:e|ed|es|ing)|buy(?:s|ing)?|bought|purchas(?:e|ed|es|ing)|takeover of|"
        r"acquisition of|purchase of|buyout of|merg(?:e|ed|es|ing|er) with|snapped up|"
        r"took over|take over|taking over)"
    ),
    "with": (
        r"(?:partnerships?|partnered|partnering|partners|teamed up|tie-ups?|tied up|"
        r"joint ventures?|alliances?|agreements?|deals?|contracts?|collaborations?|pacts?|"
        r"mergers?)[ ]with"
    ),
    "sold_to": r"(?:sell|sells|sold|selling)\b[^;:()\n]{0,60}?\bto",
    "listed": (
        r"(?:participation from|participants? includ(?:ed|ing|e)|round includ(?:ed|es|ing)|"
        rf"joined by|(?:investor|backer|{_phrases(ORG_WORDS['list_nouns'])})"
        # "users of the service include": a short phrase after a preposition may come between;
        # "outlets and content platforms including": a second noun joined to the first
        r"(?:[ ](?:of|in|at|on|from|with|across)(?:[ ][\w.’'-]+){1,3}?|"
        r"[ ](?:and|or)(?:[ ][a-z-]+){1,2}?)?,?[ ]"
        r"(?:such as|like|including|included|includes|include|among them))"
    ),
    # "USA Today owner Acme", "Slurm creator Acme": a brand's owner (a capitalised name
    # must come before the noun: see `_raw_candidates`)
    "owner": r"(?:owner|parent|creator)",
    # "sued Acme", "a lawsuit against Acme", "a probe into Acme": a party to a dispute
    "disputed": (
        r"(?:sued|sues|suing|fined|(?:law)?suits?[ ]against|complaints?[ ]against|"
        r"cases?[ ]against|charges[ ]against|probes?[ ]into|investigations?[ ]into)"
    ),
    # "AI startups Acme, Beta and Gamma", "rivals Acme and Beta": a plural noun naming them
    "plural": _phrases(ORG_WORDS["plural_descriptors"]),
    # "competes with Acme", "rivals Acme": a competitor
    "rival": r"(?:compet(?:e|es|ing)[ ](?:with|against)|rivals)",
    "affiliation": (
        r"(?:analysts?|economists?|strategists?|researchers?|scientists?|engineers?|"
        r"executives?|employees?|partner|managing director)[ ](?:at|with|for)|"
        rf"(?:{_phrases(ORG_WORDS['roles_of_org'])})(?:[ ]\([A-Z]{{2,4}}\))?[ ]of"
    ),
    # "led a $20 million round for Acme" (not "funding for": programmes get funding too)
    "round_for": r"round[ ]for",
    # "Disney owns Acme News", "who also owns Acme": what someone owns
    "owns": r"(?:owns|owned)",
    # "values Acme at $3 billion" (the sum must follow: see `_VALUED_AT`)
    "valued": r"valu(?:es|ed|ing)",
    "funded_from": (
        r"(?:financing|funding|investment|investments|backing|money|capital|loans?|debt)"
        r"[ ]from"
    ),
}
# Positions that name an organisation whatever the words around it: a watchlist alias that
# wants context words ("Slack" wants "app", "messaging", ...) is taken there without them.
_PLACE_KINDS = frozenset(
    {"listed", "invested_in", "acquired", "acquired_by", "with", "funded_from", "round_for"}
    | {"descriptor", "descriptor_comma", "apposition", "legal", "raised"}
)
# Positions where only a company stands: a watchlist product there names its company (not
# lists: "rivals like ChatGPT" holds products too)
_COMPANY_KINDS = frozenset({"descriptor", "descriptor_comma", "apposition"})
# ... unless the noun names a product: "its cloud gaming platform, Foo"
_PRODUCT_NOUN_BEFORE = re.compile(
    r"\b(?:platform|brand|service|app|assistant|chatbot|model|product|console)s?,?[ ]$"
)
# Kinds whose name may head a list: "investors including Acme, Beta Capital and Gamma".
_LIST_KINDS = _words(
    "listed with invested_in backed_by funded_from acquired sold_to round_for disputed rival plural"
)
_LIST_ITEM = re.compile(rf"(?:,[ ](?:and[ ])?|[ ]and[ ])(?:the[ ])?(?P<name>{_NAME_BODY})(?![\w-])")
# The rest of a name joined by "for" or "of" ("the Acme Institute for AI, Beta and Gamma"):
# skipped to reach the list's next item
_NAME_REST = re.compile(rf"[ ](?:for|of)[ ]{_TOKEN}(?:[ ]{_TOKEN}){{0,3}}(?=,)")
_OWNED_NAME = re.compile(rf"['’]s[ ](?P<name>{_NAME_BODY})(?![\w-])")
_SPEECH_NEXT = re.compile(r"[ ](?:said|says|told|wrote|added|reported|noted|according)\b")
_ROUND_WORDS = re.compile(r"\b(?:round|funding|financing|raise[sd]?|Series [A-H])\b")
# The lookahead holds the first character of every trigger above, so most word starts fail
# on one character: a new trigger starting with another character needs it added here.
_AFTER_TRIGGER = re.compile(
    r"(?<![\w-])(?=[a-jl-vC])(?:"
    + "|".join(f"(?P<{kind}>{trigger})" for kind, trigger in _TRIGGERS.items())
    + rf")[ ](?P<name>{_NAME_BODY})(?![\w-])"
)
# Triggers that close a compound word: "Madrid-based Acme", "console-makers such as Acme".
# Apart from the others: a pattern that opens on "-" is found by a fast literal scan, where
# letting every trigger start after a hyphen would slow the scan above by half.
_COMPOUND_TRIGGER = re.compile(
    r"-(?<=\w-)(?:(?P<descriptor>based|owned|backed|funded|controlled)|(?P<listed>"
    rf"(?:{_phrases(ORG_WORDS['list_nouns'])})[ ](?:such as|like|including|includes|include)))"
    rf"[ ](?P<name>{_NAME_BODY})(?![\w-])"
)
# Anchors after which a name precedes: "Acme Inc.", "Acme, a startup that", "Acme raised $5m".
_ANCHORS = {
    "legal": re.compile(rf",?[ ](?:{_alternation(_LEGAL_WORDS)})\.?(?![A-Za-z-])"),
    "apposition": re.compile(
        # no "of" before the noun: "Acme, a unit of Beta Group" is about Beta
        rf",[ ](?:a|an|the)[ ](?:(?!of[ ])[\w$.'’-]+[ ]){{0,6}}?{_DESCRIPTOR}"
        r"(?=\s*[,;)]|\s*\.(?!\w)|\s+(?:that|which|based|founded|backed|valued|in|from|with|"
        r"owned|led|whose|known|focused|building|developing|making|called|and|for|of|"
        r"majority-owned|(?:set[ ]up|controlled|run|created|formed|headed|chaired)[ ]by)\b)"
    ),
    # "Acme's chief executive", "Acme’s shareholders": a role held at a company, or what
    # only a company has
    "possessive": re.compile(
        r"['’]s?[ ](?:(?:two|three|four|five|\d+)[ ])?"
        rf"(?:{_phrases([*ORG_WORDS['roles_of_org'], *ORG_WORDS['company_nouns']])})"
        r"(?![\w-])"
    ),
    # "a Acme spokesperson said": someone who speaks for a company
    "spokes": re.compile(r"[ ](?:spokesperson|spokesman|spokeswoman|representative)(?![\w-])"),
    # "Acme (NYSE: ACME)": a listed company, named with its ticker
    "ticker": re.compile(rf"[ ]\((?:{_phrases(ORG_WORDS['exchanges'])})[ ]?:"),
    # "Acme analyst Jane Doe", "former Acme executive Jane Doe", "Acme marketing professor
    # Jane Doe", "Acme founder and Chief Executive Jane Doe" (a word between: see
    # `_QUALIFIER_BEFORE`)
    "title_after": re.compile(
        rf"[ ](?:{_phrases(ORG_WORDS['roles_after_org'])})[ ](?:and[ ])?[A-Z]"
    ),
    # "Acme analysts said", "Acme economists expect": a firm's analysts, unnamed
    "analysts": re.compile(
        r"[ ](?:analysts|economists|strategists)[ ](?:said|say|says|cautioned|warned|wrote|"
        r"noted|note|estimated?|estimates|expect|expected|expects|believe|predicted|told)\b"
    ),
    # "the Authors Guild", "the Pension Plan Investment Board": a body, fund or association
    "body": re.compile(rf"[ ](?:{_alternation(_BODY_WORDS)})(?![\w-])"),
    # "Acme Pension Investment Board (APIB)": a name defined with its acronym
    "acronym": re.compile(r"[ ]\((?P<acronym>[A-Z][A-Za-z&]{1,8})\)"),
    "raised": re.compile(
        r"[ ](?:has[ ]|had[ ]|have[ ]|just[ ]|recently[ ])?(?:raised|raises|secured|secures|"
        r"closed|closes|landed|lands|bagged|nabbed)[ ](?:a[ ]|an[ ]|its[ ]|another[ ])?"
        r"(?:[$€£¥]|US\$|\d)"
    ),
    "suffixed": re.compile(rf"[ ](?:{_alternation(_ORG_SUFFIXES)})(?![\w-])"),
    # "Acme University", "the Acme Institute": anywhere, as a name's last word
    "university": re.compile(rf"[ ](?:{_alternation(_UNIVERSITY_WORDS)})(?![\w-])"),
}
# Anchors most articles lack, and a word each of their matches holds
_ANCHOR_GATES = {
    "spokes": ("spokes", "representative"),
    "analysts": ("analysts", "economists", "strategists"),
    "university": tuple(_UNIVERSITY_WORDS),
}
_NAME_BEFORE = re.compile(rf"(?<![\w&.'’-]){_NAME_BODY}$")
# Positions that on their own do not prove an organisation: the name needs a suffix.
_NEEDS_SUFFIX = frozenset({"backed_by", "suffixed", "body"})
# Kinds where the name is the object of the trigger: "bought Ford's estate" is not Ford.
_OBJECT_KINDS = _words(
    "invested_in acquired acquired_by backed_by with funded_from listed affiliation sold_to "
    "round_for disputed rival owns"
)
_WORD_BEFORE = re.compile(r"(?<![\w'’-])[A-Z][a-z]+$")
_VALUED_AT = re.compile(
    r"[ ]at[ ](?:(?:about|around|roughly|nearly|almost|just|more[ ]than|over|some)[ ])?"
    r"(?:[$€£¥]|US\$|\d)"
)
_CONNECTOR_AFTER = re.compile(r"[ ](?:of|for|de|du|der|des|von|van)[ ][A-Z]")
_CONNECTOR_BEFORE = re.compile(r"([A-Z][\w.&-]*)[ ](?:of|on|for|de|du|der|des|von|van)[ ]$")
# "Foo Robotics" counts only in a sentence about a deal or a dispute between companies
# (case-sensitive: cheap to scan).
_DEAL_WORDS = re.compile(
    r"invest|acqui|buy|bought|purchas|stake|fund|rais|round|valu|partner|deal|agreement|"
    r"contract|joint venture|licens|merg|backed|takeover|collaborat|alliance|spin-?off|spun|"
    r"particip|took part|financ|lend|loan"
)
# ... or about a dispute between companies: looked for only in the sentence of a name that
# has a company ending and no deal word around it
_DISPUTE_WORDS = re.compile(
    r"lawsuit|sued|suing|case against|antitrust|injunction|settle|complain|rival|compet"
)
_CAPITAL_NEXT = re.compile(r"[ ][A-Z]")
_PERSON_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Sir|Dame)\.?[ ]$")
_SUFFIX_FOLLOWS = _words("legal title_after")  # kinds whose anchor is capitalised
# Positions that prove an organisation on their own, even for a sentence's first word.
_STRONG_KINDS = _words("legal apposition acronym body university university_of ticker")
# Endings that make a firm's name even after a generic word: "Future Ventures"
_FIRM_ENDINGS = _words("Ventures Partners")
_PLACE_AFTER = re.compile(r",[ ]([A-Z][\w.]*(?:[ ][A-Z][\w.]*)?)")
_SENTENCE_START = frozenset('.!?"“‘(\n•')
_ORG_KINDS = frozenset({"org", "publisher", "government"})
# A list of three names or more: "A, B and C", "A, B, C, and D"
_LIST_RUN = re.compile(
    rf"(?<![\w&.'’-]){_NAME_BODY}(?:(?:,[ ](?:and[ ]|or[ ])?|[ ](?:and|or)[ ]){_NAME_BODY}){{2,}}"
    r"(?![\w-])"
)
_LIST_CUE_BEFORE = re.compile(r"\b(?:includ(?:e|es|ed|ing)|such as|like|among them)[ ]$")
_LIST_NAME = re.compile(rf"(?<![\w&.'’-]){_NAME_BODY}(?![\w-])")
_ENDS_NAME = frozenset({"suffixed", "body", "university"})  # anchors that are the name's last word
_NAME_ENDS = _BODY_WORDS | _ORG_SUFFIXES | _LEGAL_WORDS  # last words of a defined name
# "the newly formed Foo Partnership": words of founding between "the" and a body's name
_NEWLY_FORMED = re.compile(
    r"(?:(?:newly|recently|just)[ ])?(?:formed|created|founded|established|launched|new)[ ]$"
)
_COUNTRY_BEFORE = re.compile(r"(?<![\w.])(?:U\.S\.|US|U\.K\.|UK)[ ]$")
# "the University of Michigan", "the California Institute of Technology": a university
# named with "of", a school inside it kept ("University of Foo Law School")
_UNIVERSITY_OF = re.compile(
    rf"(?<![\w&.'’-])(?:{_TOKEN}[ ]){{0,3}}(?:{_alternation(_UNIVERSITY_WORDS)})[ ]of[ ]"
    rf"(?:the[ ])?{_TOKEN}(?:[ ]{_TOKEN}){{0,4}}(?![\w-])"
)
# A country's national government: "the Canadian (federal) government", "the Government of
# Canada" (not "a Canadian government agency")
_NATIONALITIES: dict[str, str] = ORG_WORDS["nationalities"]
_GOVERNMENT = re.compile(
    rf"(?<![\w-])(?:(?P<adjective>{_phrases(_NATIONALITIES)})[ ]"
    r"(?:(?:federal|national|central)[ ])?government(?![\w-])(?![ ](?:agency|body|official|"
    r"officials|program|programme|scheme|contract|contracts|bonds?|debt)\b)"
    rf"|Government[ ]of[ ](?:the[ ])?(?P<country>{_phrases(set(_NATIONALITIES.values()))})"
    r"(?![\w-]))"
)
# "Acme, Beta Capital and Gamma are among the other investors": a list before its head
_AMONG_AFTER = re.compile(
    r",?[ ](?:are|were|is|was)[ ](?:also[ ])?among[ ](?:the[ ])?(?:other[ ]|new[ ]|existing[ ]|"
    r"early[ ]|largest[ ]|biggest[ ])?(?:investors|backers|shareholders|lenders|participants)\b"
)
_NAMES_BEFORE = re.compile(
    rf"(?<![\w&.'’-]){_NAME_BODY}(?:(?:,[ ](?:and[ ])?|[ ]and[ ]){_NAME_BODY}){{0,8}}$"
)
# A list noun's phrase that ends in another plural noun: "rivals on benchmarks such as"
# lists benchmarks
_OTHER_HEAD = re.compile(
    r"[ ]([a-z]+s),?[ ](?:such as|like|including|included|includes|include|among them)$"
)
_LIST_NOUNS = frozenset(ORG_WORDS["list_nouns"])
# ... unless it is joined to a list noun: "outlets and content platforms such as"
_JOINED_HEAD = re.compile(rf"(?:{_phrases(ORG_WORDS['list_nouns'])})[ ](?:and|or)(?:[ ][a-z-]+)?$")
# A capitalised word right before a trigger: "USA Today owner", "Slurm creator"
_CAPITALISED_BEFORE = re.compile(r"(?<![\w-])[A-Z][\w.&'’-]*[ ]$")
# A name that qualifies a noun before another name: "Ray-Ban maker Acme", "Slurm creator Acme"
_BRAND_OF_NEXT = re.compile(
    r"[ ](?:[a-z]+[ ])?(?:owner|maker|creator|developer|parent|operator|partner)[ ][A-Z]"
)
# "its AI platform Foo", "Acme's brand Foo": what a company runs or sells
_OWN_PRODUCT_BEFORE = re.compile(
    r"(?:\b(?:its|their|his|her|our)|['’]s)[ ](?:[\w-]+[ ]){0,3}?(?:platform|brand)[ ]$"
)
# Positions where a three-letter acronym may be a name: "private equity firm NGP",
# "Foo owner IAC"
_ACRONYM_KINDS = _words("descriptor owner listed")
# Kinds where a name of two words or more before a role may open a sentence: "Brindle
# Cowen analysts said" (one word there may be an adjective: "Independent analysts said")
_ROLE_KINDS = _words("analysts title_after owner")
# One lower-case word between an employer and a role: "Acme marketing professor"
_QUALIFIER_BEFORE = re.compile(
    r"(?<=[\w.&])[ ](?!(?:and|or|the|of|to|for|with|in|at|on|by|as|said|says|a|an)$)[a-z]+$"
)
_ACRONYM_END = re.compile(r"(?:[,;:)]|\.(?!\w)|[ ](?:and|or)[ ]|$)")
# "AI-RAN (Artificial Intelligence Radio ...)": the words spell out the acronym before them
_ACRONYM_BEFORE = re.compile(r"(?<![\w-])([A-Z][A-Za-z-]{1,9})[ ]\($")
# "a Public Benefit Corporation": a legal form, not one company's name
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:a|an)[ ]$", re.IGNORECASE)

Raw = tuple[str, int, str, int | None]  # kind, name start, name as matched, legal-suffix end


def discover_orgs(
    text: str, sentences: Sequence[Sentence], watchlist: Watchlist, known: Sequence[Mention]
) -> list[Mention]:
    """Organisations not on the watchlist, found by pattern; kind "org", discovered=True.

    Each discovered name is tagged wherever else it appears in the text too. The entity
    name is the name as written without a legal suffix ("Acme Robotics Inc." -> "Acme
    Robotics"); the surface keeps the suffix.
    """
    starts = [s.start for s in sentences]
    # a place inside a name is part of it: "the U.S. Nuclear Regulatory Commission"
    taken = [(m.start, m.end) for m in known if m.kind != "place"]
    raws = _raw_candidates(text, starts) + _listed_with_known(text, starts, known)
    names = _accepted(text, raws, watchlist, taken)
    mentions = [
        Mention(names[span], "org", text[slice(*span)], *span, _sentence_at(starts, span[0]), True)
        for span in _leftmost_longest_spans(names)
    ]
    mentions.extend(_repeats(text, starts, mentions, taken))
    mentions = _short_names(text, sorted(mentions, key=lambda m: m.start))
    mentions = _same_with_suffix(mentions, {m.entity for m in known if m.kind in _ORG_KINDS})
    return (
        mentions
        + _national_governments(text, starts, watchlist, [*taken, *names])
        + _known_in_place(text, starts, raws, watchlist, [*taken, *names])
        + _products_as_companies(text, raws, watchlist, known)
    )


def _national_governments(
    text: str, starts: list[int], watchlist: Watchlist, taken: list[tuple[int, int]]
) -> list[Mention]:
    """ "the Canadian government", "the Government of Canada": a country's government, one
    organisation however the article writes it (its first spelling names it). A government
    the watchlist lists ("the Chinese government") is its mention already."""
    if "overnment" not in text:
        return []
    names: dict[str, str] = {}
    found: list[Mention] = []
    for match in _GOVERNMENT.finditer(text):
        start, end = match.span()
        if _overlaps(taken, start, end) or _ARTICLE_BEFORE.search(text, max(0, start - 4), start):
            continue
        adjective = match["adjective"]
        country = _NATIONALITIES[adjective] if adjective else match["country"]
        if _government_listed(country, watchlist):
            continue
        written = f"{adjective} government" if adjective else f"Government of {country}"
        name = names.setdefault(country, written)
        found.append(
            Mention(
                name, "government", text[start:end], start, end, _sentence_at(starts, start), True
            )
        )
    return found


def _government_listed(country: str, watchlist: Watchlist) -> bool:
    """The watchlist names this country's government ("Chinese government")."""
    forms = [f"{a} government" for a, c in _NATIONALITIES.items() if c == country]
    forms += [f"Government of {country}", f"{country} government", f"{country}'s government"]
    return any(watchlist.lookup(form) is not None for form in forms)


def _products_as_companies(
    text: str, raws: list[Raw], watchlist: Watchlist, known: Sequence[Mention]
) -> list[Mention]:
    """A watchlist product named where only a company stands ("code-generation startup
    Cursor", "Cursor, a startup that"): the article names the company by its product.
    The product's mention comes back as an organisation's, same span and entity (`tag`
    puts it in the product's place)."""
    products = {(m.start, m.end): m for m in known if m.kind == "product"}
    if not products:
        return []
    found: list[Mention] = []
    for kind, start, raw, _ in raws:
        if kind not in _COMPANY_KINDS:
            continue
        start, tokens = _trim(text, start, raw.split(" "))
        mention = products.pop((start, start + len(" ".join(tokens))), None)
        if mention is None or mention.start != start:
            continue
        if _PRODUCT_NOUN_BEFORE.search(text, max(0, start - 16), start):
            continue  # "its AI platform Foo": the product
        found.append(replace(mention, kind="org"))
    return found


def _known_in_place(
    text: str,
    starts: list[int],
    raws: list[Raw],
    watchlist: Watchlist,
    taken: list[tuple[int, int]],
) -> list[Mention]:
    """Watchlist organisations whose alias was dropped only for want of context words, where
    the position itself says "organisation": "startups including Acme, Beta and Slack" ("Slack"
    needs "app" or "messaging" nearby when it stands alone). Rules that reject a hit on
    evidence (a neighbour word, a word in the sentence) still reject it here."""
    found: list[Mention] = []
    normal: str | None = None
    for kind, start, raw, _ in raws:
        if kind not in _PLACE_KINDS:
            continue
        start, tokens = _trim(text, start, raw.split(" "))
        name = " ".join(tokens)
        item = watchlist.rule_of(name)
        if item is None or item.require is None or item.kind != "org":
            continue
        end = start + len(name)
        if _overlaps(taken, start, end) or _CAPITAL_NEXT.match(text, end):
            continue
        normal = normal if normal is not None else normalise(text)
        index = _sentence_at(starts, start)
        stop = starts[index + 1] if 0 <= index < len(starts) - 1 else None
        sentence = normal[starts[index] : stop] if index >= 0 else normal
        if _passes(item, normal, start, end, sentence, need_context=False):
            taken.append((start, end))
            found.append(Mention(item.rule.entity, "org", name, start, end, index))
    return found


def _listed_with_known(text: str, starts: list[int], known: Sequence[Mention]) -> list[Raw]:
    """The other names of a list of three or more that holds two known organisations or
    more: "bigger than Qualcomm, Acme and Uber" makes Acme an organisation too."""
    orgs = {(m.start, m.end) for m in known if m.kind in _ORG_KINDS}
    per_sentence = Counter(m.sentence_index for m in known if m.kind in _ORG_KINDS)
    runs = [
        run
        for index, count in per_sentence.items()
        if count >= 2 and index >= 0
        for run in _LIST_RUN.finditer(
            text, starts[index], starts[index + 1] if index + 1 < len(starts) else len(text)
        )
    ]
    raws: list[Raw] = []
    for run in runs:
        if _LIST_CUE_BEFORE.search(text, max(0, run.start() - 14), run.start()):
            continue  # "services including A, B": the head noun says what they are
        items = list(_LIST_NAME.finditer(text, run.start(), run.end()))
        if sum(m.span() in orgs for m in items) < 2:
            continue
        if len({_sentence_at(starts, m.start()) for m in items}) > 1:
            continue
        raws.extend(("listed", m.start(), m.group(), None) for m in items if m.span() not in orgs)
    return raws


def _same_with_suffix(mentions: list[Mention], known: set[str]) -> list[Mention]:
    """ "Acme AI" and "Acme" in one article are one organisation: the watchlist's, when it
    lists one of the two, else the one named the shorter way."""
    names = {m.entity for m in mentions}
    same: dict[str, str] = {}
    for name in names | known:
        head, _, last = name.rpartition(" ")
        if head in names and (last in _ORG_SUFFIXES or last in _LEGAL_WORDS):
            same[head if name in known else name] = name if name in known else head
    if not same:
        return mentions
    return [
        replace(m, entity=same[m.entity], discovered=same[m.entity] not in known)
        if m.entity in same
        else m
        for m in mentions
    ]


def _short_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "The Pension Investment Board (PSP Investments)": the name in brackets right after
    a discovered name is that organisation's short name, wherever the article uses it."""
    short: dict[str, str] = {}
    for full, inner in pairwise(mentions):
        if (
            inner.start == full.end + 2
            and text[full.end : inner.start] == " ("
            and text.startswith(")", inner.end)
            and inner.entity != full.entity
        ):
            short.setdefault(inner.entity, full.entity)
    if not short:
        return mentions
    return [replace(m, entity=short.get(m.entity, m.entity)) for m in mentions]


def _accepted(
    text: str, raws: list[Raw], watchlist: Watchlist, taken: list[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """(start, end) -> name of every vetted candidate that no watchlist mention overlaps."""
    names: dict[tuple[int, int], str] = {}
    for kind, start, raw, legal_end in raws:
        accepted = _accept(text, kind, start, raw, watchlist)
        if accepted is None:
            continue
        span = (accepted[0], legal_end or accepted[1])
        if not _overlaps(taken, *span):
            names.setdefault(span, accepted[2])
    return names


def _leftmost_longest_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans, preferring the leftmost, then the longest ("Acme Inc." > "Acme")."""
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen


def _raw_candidates(text: str, starts: list[int]) -> list[Raw]:
    """Every (kind, start, name, legal end) the patterns propose, within one sentence."""
    raws: list[Raw] = []
    triggered = [*_AFTER_TRIGGER.finditer(text), *_COMPOUND_TRIGGER.finditer(text)]
    for match in triggered:
        if _sentence_at(starts, match.start()) == _sentence_at(starts, match.start("name")):
            kind = next(k for k in _TRIGGERS if k in match.re.groupindex and match.group(k))
            if not _trigger_holds(text, kind, match):
                continue
            raws.append((kind, match.start("name"), match["name"], None))
            owned = _OWNED_NAME.match(text, match.end())
            if owned is not None and kind in _OBJECT_KINDS:  # "a deal with France's Le Monde"
                raws.append((kind, owned.start("name"), owned["name"], None))
            if kind in _LIST_KINDS:
                raws.extend(_list_items(text, (owned or match).end(), kind))
    raws.extend(_before_among(text, starts))
    if "University of" in text or "Institute of" in text:
        universities = _UNIVERSITY_OF.finditer(text)
        raws.extend(("university_of", m.start(), m.group(), None) for m in universities)
    deals: set[int] | None = None  # sentences with a deal word, computed when first needed
    for kind, anchor in _ANCHORS.items():
        gate = _ANCHOR_GATES.get(kind)
        if gate is not None and not any(word in text for word in gate):
            continue  # a substring test is far cheaper than a scan that finds nothing
        for match in anchor.finditer(text):
            if kind == "suffixed":
                deals = deals if deals is not None else _deal_sentences(text, starts)
                index = _sentence_at(starts, match.start())
                if index not in deals and not _in_dispute(text, starts, index):
                    continue
            end = match.end() if kind in _ENDS_NAME else match.start()
            if kind == "title_after":  # "Acme marketing professor": the word between skipped
                qualifier = _QUALIFIER_BEFORE.search(text, max(0, end - 24), end)
                end = qualifier.start() if qualifier is not None else end
            named = _name_before(text, end, starts)
            if kind == "body" and named is not None:
                named = _body_name(text, *named)
            elif kind == "acronym" and named is not None:
                named = _defined_name(text, *named, match["acronym"])
            if named is not None:
                raws.append((kind, *named, match.end() if kind == "legal" else None))
    return raws


def _trigger_holds(text: str, kind: str, match: re.Match[str]) -> bool:
    """Checks a trigger's pattern cannot make cheaply: "Foo owner" wants a capitalised name
    before the noun; "rivals on benchmarks such as" names benchmarks, not rivals."""
    if kind == "owner":
        return bool(_CAPITALISED_BEFORE.search(text, max(0, match.start() - 40), match.start()))
    if kind == "listed":
        head = _OTHER_HEAD.search(match["listed"].removesuffix(" the"))
        joined = head is not None and _JOINED_HEAD.search(match["listed"], 0, head.start())
        return head is None or head[1] in _LIST_NOUNS or bool(joined)
    return True


def _before_among(text: str, starts: list[int]) -> list[Raw]:
    """ "Acme, Beta Capital and Gamma are among the other investors": the names before."""
    if " among " not in text:
        return []
    raws: list[Raw] = []
    for match in _AMONG_AFTER.finditer(text):
        index = _sentence_at(starts, match.start())
        floor = max(starts[index] if index >= 0 else 0, match.start() - 200)
        names = _NAMES_BEFORE.search(text, floor, match.start())
        if names is not None:
            raws.extend(
                ("listed", m.start(), m.group(), None)
                for m in _LIST_NAME.finditer(text, names.start(), names.end())
            )
    return raws


def _body_name(text: str, start: int, name: str) -> tuple[int, str] | None:
    """ "the (U.S.) Authors Guild": a body's name of two words or more after a lower-case
    "the", with a country written in front kept; None otherwise."""
    if name.startswith("The "):  # "The Pension Board" opening a sentence
        start, name = start + 4, name[4:]
    if " " not in name:
        return None
    country = _COUNTRY_BEFORE.search(text, max(0, start - 12), start)
    if country is not None:
        start, name = country.start(), text[country.start() : start] + name
    formed = _NEWLY_FORMED.search(text, max(0, start - 40), start)
    before = formed.start() if formed is not None else start
    article = text[max(0, before - 4) : before]
    if article == "the " or (article == "The " and _at_sentence_start(text, before - 4)):
        return start, name
    return None


def _defined_name(text: str, start: int, name: str, acronym: str) -> tuple[int, str] | None:
    """The words of `name` whose initials spell `acronym` ("... Investment Board (PIB)")."""
    letters = [c for c in acronym.upper() if c.isalpha()]
    tokens = name.split(" ")
    if len(tokens) < max(2, len(letters)) or tokens[-1] not in _NAME_ENDS:
        return None  # "Crane Clean Energy Center (CCEC)": a site, not a body
    tail = tokens[-len(letters) :]
    if [t[0].upper() for t in tail] != letters:
        return None
    dropped = len(" ".join(tokens[: -len(letters)])) + 1 if len(tail) < len(tokens) else 0
    return start + dropped, " ".join(tail)


def _list_items(text: str, position: int, kind: str) -> list[Raw]:
    """The further names of a list: "..., Beta Capital and Gamma" (not "..., Smith said")."""
    items: list[Raw] = []
    rest = _NAME_REST.match(text, position)
    position = rest.end() if rest is not None else position
    while (item := _LIST_ITEM.match(text, position)) is not None:
        if _SPEECH_NEXT.match(text, item.end()):
            break
        items.append((kind, item.start("name"), item["name"], None))
        position = item.end()
    return items


def _in_dispute(text: str, starts: list[int], index: int) -> bool:
    stop = starts[index + 1] if 0 <= index < len(starts) - 1 else len(text)
    return _DISPUTE_WORDS.search(text, starts[index] if index >= 0 else 0, stop) is not None


def _deal_sentences(text: str, starts: list[int]) -> set[int]:
    return {_sentence_at(starts, m.start()) for m in _DEAL_WORDS.finditer(text)}


def _name_before(text: str, end: int, starts: list[int]) -> tuple[int, str] | None:
    """The capitalised name that ends at `end`, within its sentence."""
    index = _sentence_at(starts, max(end - 1, 0))
    floor = max(starts[index] if index >= 0 else 0, end - 120)
    match = _NAME_BEFORE.search(text, floor, end)
    return (match.start(), match.group()) if match else None


def _accept(
    text: str, kind: str, start: int, raw: str, watchlist: Watchlist
) -> tuple[int, int, str] | None:
    """Trim a matched name to its core and vet it; None when it is not an organisation."""
    start, tokens = _trim(text, start, raw.split(" "))
    if not tokens:
        return None
    name = " ".join(tokens)
    end = start + len(name)
    if kind == "spokes" and not _ARTICLE_BEFORE.search(text, max(0, start - 4), start):
        return None  # "a Acme spokesperson"; "Jane Doe spokesperson" is no company
    if kind == "university" and (len(tokens) < 2 or tokens[-1] not in _UNIVERSITY_WORDS):
        return None  # "University" alone, or cut from "... University Hospital"
    strong = (
        kind in _STRONG_KINDS
        or (len(tokens) > 1 and tokens[-1] in _ORG_SUFFIXES)
        or _named_acronym(text, kind, name, end)
    )
    if kind in _NEEDS_SUFFIX and not strong and not _round_led_by(text, kind, start):
        return None
    if not _plausible(name, tokens, strong, watchlist, kind):
        return None
    if not _well_placed(text, start, end, kind, watchlist, strong):
        return None
    if (
        not strong
        and _at_sentence_start(text, start)
        and not _seen_inside(text, name)
        and not _opens_with_role(text, kind, tokens)
    ):
        return None  # "Investors raised ..." vs "Acme raised ...": proper nouns recur inside
    if len(tokens) == 1 and not strong and _surname(text, name, watchlist):
        return None  # "sued Doe" where the article names "Jane Doe": a person
    if kind == "listed" and len(tokens) == 1 and not strong and _second_name(text, name, watchlist):
        return None  # "Apple, Pang and OpenAI" where the article names "Ruoming Pang"
    return start, end, name


def _second_name(text: str, name: str, watchlist: Watchlist) -> bool:
    """True when the article writes `name` as the second of two capitalised words that
    open a run ("executive Ruoming Pang", a line starting "Ruoming Pang,"): a surname after
    a given name the first-name list lacks. A known name or a function word first is no
    given name ("Apple Pang", "At Pang")."""
    for match in re.finditer(
        rf"(?:^|(?<=[a-z,;:] )|(?<=\n))([A-Z][a-z]+) {re.escape(name)}\b", text
    ):
        first = match[1]
        if (
            first not in _FUNCTION_WORDS
            and first not in _TITLES
            and watchlist.lookup(first) is None
        ):
            return True
    return False


def _opens_with_role(text: str, kind: str, tokens: list[str]) -> bool:
    """ "Brindle Cowen analysts said" opening a sentence: a name of two words or more before
    a role, whose words after the first are not written alone elsewhere ("Ousted Acme CEO
    Jane Doe" where the article also writes "Acme's board": "Ousted" is no name)."""
    if kind not in _ROLE_KINDS or len(tokens) < 2:
        return False
    rest = re.escape(" ".join(tokens[1:]))
    return re.search(rf"(?<![\w-])(?<!{re.escape(tokens[0])} ){rest}(?![\w-])", text) is None


def _named_acronym(text: str, kind: str, name: str, end: int) -> bool:
    """ "private equity firm NGP and", "Foo owner IAC,": three capitals right after a noun
    that names a company, ending the phrase ("a firm CRM tool" is no name)."""
    return (
        kind in _ACRONYM_KINDS
        and len(name) == 3
        and name.isupper()
        and name.isalpha()
        and _ACRONYM_END.match(text, end) is not None
    )


def _surname(text: str, name: str, watchlist: Watchlist) -> bool:
    """True when the article writes `name` after a given name ("Jane Doe")."""
    at = text.find(" " + name)
    while at > 0:
        after = at + 1 + len(name)
        word = _WORD_BEFORE.search(text, max(0, at - 30), at)
        if (
            word is not None
            and (after == len(text) or not (text[after].isalnum() or text[after] in "_-"))
            and word[0] in watchlist.given_names
            and word[0] not in _FUNCTION_WORDS
        ):
            return True
        at = text.find(" " + name, after)
    return False


def _round_led_by(text: str, kind: str, start: int) -> bool:
    """ "The round was led by Greenoaks": in a funding round, "led by" names an investor."""
    return kind == "backed_by" and bool(_ROUND_WORDS.search(text, max(0, start - 120), start))


def _trim(text: str, start: int, tokens: list[str]) -> tuple[int, list[str]]:
    """Drop leading function words and legal suffixes; cut the name at a person's title.

    A leading "The" stays unless the sentence starts with it: mid-sentence it is part of
    the name ("bought The Browser Company").
    """
    while tokens and (tokens[0] in _FUNCTION_WORDS or tokens[0] == "&"):
        if tokens[0] == "The" and len(tokens) > 1 and not _at_sentence_start(text, start):
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


def _plausible(
    name: str, tokens: list[str], strong: bool, watchlist: Watchlist, kind: str = ""
) -> bool:
    """Not a stop name, not on the watchlist, not generic words, not a person's name."""
    if name in watchlist.stop_names or watchlist.lookup(name) is not None:
        return False
    core = tokens[:-1] if strong and tokens[-1] in _ORG_SUFFIXES else tokens
    generic = all(t in watchlist.generic_words or t in watchlist.stop_names for t in core)
    # "Future Ventures": a firm's ending after one generic word ("Generative AI" is none)
    if generic and not (len(core) == 1 and len(tokens) == 2 and tokens[-1] in _FIRM_ENDINGS):
        return False
    if strong and core and all(_is_place(t, watchlist) for t in core):
        return False  # "a US AI startup": a country before a company ending
    if not strong and tokens[0] in watchlist.first_names and 2 <= len(tokens) <= 3:
        return False  # "a deal with John Smith"
    if kind != "university_of" and any(t in _ACADEMIC for t in tokens):
        return False  # universities and institutes are not companies
    if len(tokens) == 1 and (name.isdigit() or len(name) < 2 or (len(name) == 2 and not strong)):
        return False  # "LY Corp." holds a two-letter name: its legal form says so
    if tokens[-1] == "AI" and all(t.isdigit() for t in tokens[:-1]):
        return False  # "more than 30 AI contracts": a count of things
    if name[0].isdigit() and not strong:
        return False  # "in 2023 Apple": a year, not "1789 Capital"
    return not (len(tokens) == 1 and name.isupper() and len(name) <= 3 and not strong)


def _is_place(word: str, watchlist: Watchlist) -> bool:
    entity = watchlist.lookup(word)
    return entity is not None and entity.kind == "place"


def _well_placed(
    text: str, start: int, end: int, kind: str, watchlist: Watchlist, strong: bool = False
) -> bool:
    """Reject names cut out of a longer one, owners of the object, and places."""
    if _PERSON_TITLE_BEFORE.search(text, max(0, start - 8), start):
        return False  # "Dr. Luz Arroyo, a member of the group"
    if _CONNECTOR_AFTER.match(text, end) or _continues_before(text, start):
        return False  # "Bank of America", "Council on Energy": the name goes on
    if kind not in _SUFFIX_FOLLOWS and _CAPITAL_NEXT.match(text, end):
        return False  # "Power Systems Program", "Tel Aviv-based": the name goes on
    if kind == "legal" and _ARTICLE_BEFORE.search(text, max(0, start - 4), start):
        return False  # "converted into a Public Benefit Corporation": a legal form
    if _spells_out_acronym(text, start, end):
        return False  # "AI-RAN (Artificial Intelligence Radio Access Networks)": a term
    if kind == "valued" and not _VALUED_AT.match(text, end):
        return False  # "valued Acme's stake", "valuing Acme shares": no sum for the company
    if kind == "descriptor_comma" and _SPEECH_NEXT.match(text, end):
        return False  # "..., said the company, Smith said": a speaker, not the company
    if kind in _OBJECT_KINDS and text.startswith(("'s", "’s"), end) and not strong:
        return False  # "bought Ford's estate": the object is the thing, not its owner
    if _BRAND_OF_NEXT.match(text, end):
        return False  # "a stake in Ray-Ban maker Acme": the brand, before its owner
    if kind == "descriptor" and _OWN_PRODUCT_BEFORE.search(text, max(0, start - 60), start):
        return False  # "its AI platform Foo": a product
    return not _is_place_apposition(text, end, watchlist)


def _spells_out_acronym(text: str, start: int, end: int) -> bool:
    before = _ACRONYM_BEFORE.search(text, max(0, start - 14), start)
    if before is None:
        return False
    letters = [c for c in before[1].upper() if c.isalpha()]
    return [w[0].upper() for w in text[start:end].split()] == letters


def _continues_before(text: str, start: int) -> bool:
    """True for "Bank of |America": a capitalised word (not a title, not the sentence's
    first word) joined to the name by "of"/"on"/"for"."""
    before = _CONNECTOR_BEFORE.search(text, max(0, start - 40), start)
    if before is None or before[1] in _TITLES:
        return False
    return not _at_sentence_start(text, before.start())


def _at_sentence_start(text: str, offset: int) -> bool:
    before = text[max(0, offset - 3) : offset].rstrip()
    return not before or before[-1] in _SENTENCE_START


def _seen_inside(text: str, name: str) -> bool:
    """True when `name` also occurs mid-sentence, so its capital is not the sentence's."""
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
        if not _at_sentence_start(text, match.start()):
            return True
    return False


def _is_place_apposition(text: str, end: int, watchlist: Watchlist) -> bool:
    """ "Mount Pleasant, Wisconsin": a name followed by a state or country is a place."""
    following = _PLACE_AFTER.match(text, end)
    if following is None:
        return False
    forms = [following[1].rstrip(".")]
    first, _, second = forms[0].partition(" ")
    # "Mount Pleasant, Wisconsin Governor Jo Doe"; not "Acme, USA Today owner Beta", where
    # the place's word starts a longer name
    if second and second.rstrip(".") in _TITLES:
        forms.append(first.rstrip("."))
    for words in forms:
        entity = watchlist.lookup(words)
        if words in watchlist.stop_names or (entity is not None and entity.kind == "place"):
            return True
    return False


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _repeats(
    text: str, starts: list[int], found: list[Mention], taken: list[tuple[int, int]]
) -> list[Mention]:
    """Further occurrences of each discovered name, outside spans already tagged."""
    spans = [*taken, *((m.start, m.end) for m in found)]
    extra: list[Mention] = []
    for name in sorted({m.entity for m in found}, key=len, reverse=True):
        if text.count(name) < 2:
            continue  # written once, and found there (a count is far cheaper than a regex)
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            start, end = match.span()
            if not _overlaps(spans, start, end):
                spans.append((start, end))
                index = _sentence_at(starts, start)
                extra.append(Mention(name, "org", name, start, end, index, discovered=True))
    return extra
