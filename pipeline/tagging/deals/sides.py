"""Stage 2: the sides of a deal: who pays, buys, grants or supplies, and who receives."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.tagging.deals.records import SYMMETRIC, Candidate, Found, ReadSentence
from pipeline.tagging.deals.triggers import deal_type
from pipeline.tagging.deals.vocabulary import Rule

# Words before an org that make it not a party: it is compared with, relied on, or a source.
_EXCLUDED_BEFORE = re.compile(
    r"\b(?:beyond|other than|rather than|instead of|away from|reliance on|dependence on|"
    r"dependency on|reliant on|dependent on|(?<!startup )(?<!firm )rivals?|rivaling|"
    r"rivalling|competitors?|"
    r"compet\w+\s+(?:\w+ly\s+)?(?:with|against)|take on|taking on|unlike|versus|vs\.?|"
    r"against|than|compared (?:to|with)|"
    r"outpacing|according to|per|cited by|reported by|told|data from|reports? (?:from|by)|"
    r"analysts? (?:at|from)|estimated by|research (?:from|by)|survey by|study by|"
    r"confirmed by|verified by|corroborated by|founded by|owned by|spun (?:out|off) (?:of|from)|"
    r"backed by|funded by|financed by|supported by|"
    r"former|formerly|ex-|led by former)\s+(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)

_LIST_GAP = re.compile(
    # "Vodafone, a telecoms company, and Microsoft": the first name's apposition, then "and"
    r"^,\s*(?:a|an|the)\s+(?:[\w’'-]+\s+){0,6}?[\w’'-]+,\s*(?:and|&)\s+$|"
    # a legal suffix the matcher left out may close the first name: "SoftBank Group Corp. and"
    r"^\.?(?:,?\s*(?:Inc|Corp|Corporation|Co|Ltd|LLC|PLC|plc|Group|Holdings|AG|SA|NV|SE)\b\.?)?"
    # and its short name: "Hewlett Packard Enterprise (HPE) and Juniper Networks"
    r"(?:\s*\((?-i:[A-Z][\w.&-]{1,11})\))?"
    r"\s*(?:,|and|&|or|as well as|plus|\(|\)|/|,\s*and|\)\s*,?\s*(?:and)?)?\s*"
    r"(?:(?:the\s+)?(?-i:[A-Z][\w-]*)['’]s\s+)?$"
)

_CUE = re.compile(
    r"\b(?:led by|participation from|along with|together with|joined by|such as|as well as|"
    r"in|into|of|from|by|with|to|for|including|includ(?:es|ed)|like|alongside|joining|between|"
    r"involving|and|at|among|namely|backers?|investors?)\b",
    re.IGNORECASE,
)

_OF_SOMETHING = re.compile(r"^\s+of\s+(?:the|a|an|its|their|his|her)\s+[a-z]", re.IGNORECASE)

# A preposition right before an org (allowing "other hyperscalers, including", "investors
# such as", "the chipmaker"): the org is a complement.
_PRE_CUE = re.compile(
    r"\b(led by|participation from|including|includ(?:es|ed)|such as|like|from|by|with|"
    r"between|involving|alongside|among them|backers?|investors?)\s+"
    r"(?:(?:the|a|an|other|fellow|rival|investors?|backers?|companies|firms|"
    r"hyperscalers?|groups?|funds?|including|such as|like|,)\s+|,\s*)*$",
    re.IGNORECASE,
)

_NEW_CLAUSE = re.compile(
    r"^\s+(?:will|would|is|was|are|were|has|have|had|said|says|can|could|may|might|did|does|"
    r"also|then|now)\b",
    re.IGNORECASE,
)

_AND_THEN = re.compile(r",\s*(?:and|but)\s+$")

_APPOSITIVE = re.compile(
    r"^\s*(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,5}?(?:startup|company|firm|maker|developer|"
    r"provider|lab|business|rival|unit|outfit|specialist|designer|operator|group|platform|"
    r"service|supplier|vendor)\s*,\s*$",
    re.IGNORECASE,
)

_GOODS_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:chips?|GPUs?|processors?|servers?|accelerators?|"
    r"hardware|systems|TPUs?|semiconductors)\b",
    re.IGNORECASE,
)

# Words that end a preposition's reach: "from X to build", "in a deal that ...".
_CUE_STOP = frozenset(["which", "who", "whose", "that", "while", "but", "to", "as"])

# "Google's parent company", "Meta's former owner": the org describes another one
_DESCRIBES = re.compile(
    r"^['’]s\s+(?:parent|owner|former\s+parent|majority\s+owner|holding\s+company)\b",
    re.IGNORECASE,
)
# "Roomba maker iRobot", "ChatGPT developer OpenAI", "OpenAI rival Anthropic": the first
# name only describes the second
_MAKER_OF = re.compile(
    r"^\s+(?:maker|owner|developer|creator|operator|parent|rival|competitor|peer|partner|"
    r"backer|investor|supplier|customer)\s+",
    re.IGNORECASE,
)
# "OpenAI rival Anthropic": a rival word after a name is that name's epithet, not a cue
_BACKER_FIRST = re.compile(r"\W*(?:backed|funded|financed)\s+by\b", re.IGNORECASE)
_NAMED_RIVAL = re.compile(r"^\s*(?:rivals?|competitors?)\b", re.IGNORECASE)
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w.&-]*|\w*[A-Z]\w*)\s+$")
_POSSESSIVE = re.compile(r"['’]s\b")
_EPITHET_GAP = re.compile(r"^\s+(?:[\w-]+\s+){0,3}$")
_APPOSED = re.compile(r"^\s*[,(—–]\s*(?:the|a|an)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_AND_OR = re.compile(r"\b(?:and|or)\b|&")
_GAP_BREAK = re.compile(
    r"[;—–]|\s-\s|,\s*(?:which|who|whose|where|when|while|a|an|the|its|based|backed|founded|"
    r"owned|now|once|formerly|after|before|as|since|although|though)\b(?!\s+(?:also\s+)?includ)"
    r"(?!\s+(?:drew|attracted|saw|came from|was joined|were joined)\b)|"
    r"\b(?:which|who|whose|while|although|because|after|before|since|whereas|but)\b"
    r"(?!\s+(?:also\s+)?includ)(?!\s+(?:drew|attracted|saw|came from|was joined|were joined)\b)|"
    # a purpose clause ("to help fund its OpenAI commitments") is not the deal's object
    r"\bto\s+(?:help|fund|build|develop|expand|support|bolster|create|accelerate|boost|"
    r"strengthen|make|use|train|power|finance|speed|pursue|compete|become|launch|offer|run|"
    r"serve|reduce|cut|meet|gain|tap|improve|enhance|scale|counter|rival|challenge|"
    r"diversify|lessen|cement)\b",
    re.IGNORECASE,
)

_PARENTHETICAL = re.compile(
    r"^\s*(?:which|who|whose|a|an|the|its|based|backed|founded|owned|run|led|created|"
    r"spun|now|once|formerly|along)\b",
    re.IGNORECASE,
)

# Roles written as prepositions before an object org: "A" = investor/acquirer/licensor/
# supplier side, "B" = target/licensee/customer side, "same" = the subject's side.
_CUE_SIDES: dict[str, dict[str, str]] = {
    "investment": {"in": "B", "into": "B", "of": "B", "for": "B", "from": "A", "by": "A",
                   "led by": "A", "including": "A", "includes": "A", "included": "A",
                   "participation from": "A",
                   "backers": "A", "backer": "A", "investors": "A", "investor": "A",
                   "alongside": "same", "along with": "same", "together with": "same",
                   "joined by": "same", "joining": "same"},
    "acquisition": {"of": "B", "in": "B", "by": "A", "to": "A", "from": "B"},
    "licensing": {"to": "B", "from": "A", "of": "A"},
    "contract": {"to": "B", "for": "B", "from": "A", "on": "A"},
}  # fmt: skip

# A new clause whose subject points back to the sentence's first actor.
_CLAUSE_ANAPHOR = re.compile(
    r"(?:\b(?:after|when|as|and|while|because|since|before|until|but)|,)\s+"
    r"(?:the\s+(?:company|firm|group|startup|giant)|it|they)\s+(?!is\b|was\b)",
    re.IGNORECASE,
)

# The lookahead lets most positions fail on one character: every pronoun starts with i or t.
SUBJECT_ANAPHOR = re.compile(
    r"(?=[it])\b(?:it|its|it[’']s|they|their|the\s+(?:[\w.-]+\s+){0,2}?(?:company|startup|firm|group|lab|"
    r"giant|maker|developer|business|chipmaker|platform|unicorn|conglomerate|outfit|operator|"
    r"provider|organi[sz]ation|bank|fund|investor))\b",
    re.IGNORECASE,
)

_STARTUP = re.compile(r"\bstart-?ups?\b", re.IGNORECASE)

# The nouns that describe an org named elsewhere: "in the AI research organization"
_ORG_DESCRIPTION = (
    r"(?:company|startup|firm|organi[sz]ation|lab|laboratory|developer|maker|group|business|"
    r"outfit|unicorn|chatbot maker|giant|chipmaker)"
)

_OBJECT_ANAPHOR = re.compile(
    r"^\W*(?:[^\s,;]+\s+){0,6}?(?:in|into|of|with|to|from)\s+(?:(?:the|this|that)\s+"
    r"(?:[\w-]+\s+){0,3}?" + _ORG_DESCRIPTION + r"\b|(?P<pronoun>it|them)\b)",
    re.IGNORECASE,
)
_OPENING_ANAPHOR = re.compile(
    r"\s*" + SUBJECT_ANAPHOR.pattern + r"\s+(?!and\b|or\b)", re.IGNORECASE
)

# A clause whose subject is a pronoun or "the company", after an opening time or place:
# "In March, it announced ...", "The company said ..."
_ANAPHOR_OPENS = re.compile(
    r"\s*(?:(?:in|on|by|last|earlier|later|since)\b[^,]{0,30},\s*)?(?:it|they|the\s+company)\b",
    re.IGNORECASE,
)

# A clause that opens with a verb ("..., pledged $5 billion to Intel, and poured ...")
# shares the subject of the sentence's first clause.
_SUBJECTLESS = re.compile(
    r"^\s*(?:and\s+|then\s+|also\s+|later\s+|having\s+|already\s+)*[a-z]+(?:ed|ght|ok|uck|ut|ank|unk)\b"
)


def read_sides(
    rule: Rule,
    sentence: ReadSentence,
    match: re.Match[str],
    span: tuple[int, int],
    previous: Sequence[ReadSentence],
    valued: bool,
) -> Found | None:
    """The deal a trigger makes with the orgs around it, or None if it has no parties."""
    subject, objects = _subject_and_objects(rule, sentence, match, span)
    maker = _maker_after(rule, sentence, match, span)
    if maker:
        # "the $1bn investment that Microsoft made in OpenAI": the maker is the investor,
        # whoever stands before the noun
        subject, objects = [maker], [(name, cue) for name, cue in objects if name != maker]
    if not subject and SUBJECT_ANAPHOR.search(sentence.text[span[0] : match.start()]):
        # "X is close to a deal ..., months after its $4 billion funding from Amazon": a
        # later clause's "its" is the sentence's subject; a first clause's, the last one's
        earlier = _sentence_subject(sentence, span[0], previous) if span[0] > 0 else []
        subject = earlier or _previous_subject(sentence, previous)
        if not subject and _ANAPHOR_OPENS.match(sentence.text, span[0]):
            # "In March, it announced deals with X and Y" after a sentence that names no org
            # ("The AI developer has signed ..."): the org the article is about
            named = {name for name, _ in objects}
            subject = [name for name in sentence.topic if name not in named][:1]
    if not subject and span[0] > 0 and _SUBJECTLESS.match(sentence.text[span[0] : match.end()]):
        subject = _sentence_subject(sentence, span[0], previous)
    if not subject:  # "friction with Microsoft, which is a major investor in OpenAI"
        subject = _relative_head(sentence, match.start(), span[0])
        objects = [(name, cue) for name, cue in objects if name not in subject]
    fronted = _FRONTED.match(sentence.text, span[0], match.end()) or _BACKER_FIRST.match(
        sentence.text[span[0] : match.end()]
    )
    if not subject and fronted:
        subject = _main_clause_subject(sentence, match.end(), span[1])
        if not subject and _main_clause_points_back(sentence.text, match.end(), span[1]):
            # "Backed by investors including X and Y, the startup builds ...": the startup
            subject = _previous_subject(sentence, previous)
        objects = [(name, cue) for name, cue in objects if name not in subject]
    if subject and not objects and rule.shape == "give":
        # "OpenAI — a startup Microsoft is backing with around $10 billion —": the startup
        objects = _described_head(sentence, subject)
    type_ = deal_type(rule, sentence.text, match)
    if type_ in SYMMETRIC or rule.shape == "sym":
        found = _symmetric(rule, type_, sentence, match, subject, objects, previous)
    else:
        found = _asymmetric(rule, type_, sentence, match, subject, objects, previous, valued)
    return replace(found, clause=span) if found else None


# "... investment (that) Microsoft made in OpenAI", "the partnership Nvidia struck with ..."
_MAKER_GAP = re.compile(r"^\s+(?:that\s+|which\s+)?$", re.IGNORECASE)
_MAKER_VERB = re.compile(
    r"^\s+(?:has\s+|had\s+)?(?:made|announced|unveiled|completed|struck|signed|closed)\s+"
    r"(?:(?:in|back\s+in)\s+(?:19|20)\d\d\s+)?(?:in|into|of|with)\b",
    re.IGNORECASE,
)


def _maker_after(
    rule: Rule, sentence: ReadSentence, match: re.Match[str], span: tuple[int, int]
) -> str | None:
    """The org that made a deal told as a noun with a relative clause after it."""
    if rule.shape != "neutral" or not rule.noun:
        return None
    after = [c for c in sentence.candidates if match.end() <= c.start and c.end <= span[1]]
    if not after:
        return None
    first = after[0]
    text = sentence.text
    if _MAKER_GAP.match(text[match.end() : first.start]) and _MAKER_VERB.match(text[first.end :]):
        return first.name
    return None


_RELATIVE_IS = re.compile(
    r",\s*(?:which|who)\s+(?:(?:is|was|are|were|has\s+been|have\s+been|remains|became)\s+)?"
    r"(?:also\s+|now\s+|long\s+|still\s+|previously\s+|recently\s+|earlier\s+)?$",
    re.IGNORECASE,
)


def _relative_head(sentence: ReadSentence, trigger: int, start: int) -> list[str]:
    """The org a relative clause describes ("Microsoft, which is a major investor in ...")."""
    before = [c for c in sentence.candidates if start <= c.start and c.end <= trigger]
    if before and _RELATIVE_IS.search(sentence.text[before[-1].end : trigger]):
        return [before[-1].name]
    return []


# A fronted adverbial clause has no subject of its own: "After landing a $1 billion
# investment from Google, Anthropic raised ...": its subject is the main clause's.
_FRONTED = re.compile(
    r"\W*(?:(?:[\w-]+\s+){0,4}?(?:after|before|since|while|when|upon|following|despite)\s+"
    r"(?:[\w-]+ly\s+)?(?:\w+ing|its|their)\b|(?:backed|funded|financed)\s+by\b)",
    re.IGNORECASE,
)
_SUBJECT_GAP = re.compile(r"^\s*(?:[\w-]+\s+){0,3}$")


# "including Andreessen Horowitz, General Catalyst and Lightspeed": a list goes on
_LISTED_ON = re.compile(r"\s*(?:,|and\b|&|or\b)")


# "<Org> — a startup <Subject> is backing": the description's head is the deal's object
_DESCRIBED_BY_CLAUSE = re.compile(
    r"(?:—|–|,|\()\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:startup|start-up|company|firm|lab|"
    r"developer|maker)\s+(?:that\s+|which\s+)?$"
    # "Scale AI, which Meta acquired in a $14.3 billion deal": the relative clause's object
    r"|,\s*(?:which|that)\s+$",
    re.IGNORECASE,
)


def _described_head(sentence: ReadSentence, subject: list[str]) -> list[tuple[str, str]]:
    """The org a reduced relative clause describes, its subject the deal's other party."""
    first = next((c for c in sentence.candidates if c.name == subject[0]), None)
    if first is None:
        return []
    earlier = [c for c in sentence.candidates if c.end <= first.start]
    if not earlier or not _DESCRIBED_BY_CLAUSE.search(sentence.text, earlier[-1].end, first.start):
        return []
    gap = sentence.text[earlier[-1].end : first.start]
    return [(earlier[-1].name, "")] if len(gap) <= 60 else []


def _main_clause_points_back(text: str, trigger_end: int, end: int) -> bool:
    """The main clause after a fronted one opens with "the startup" / "it"."""
    comma = text.find(",", trigger_end, end)
    while comma >= 0:
        if _OPENING_ANAPHOR.match(text, comma + 1):
            return True
        comma = text.find(",", comma + 1, end)
    return False


def _main_clause_subject(sentence: ReadSentence, trigger_end: int, end: int) -> list[str]:
    """The first org after the comma that closes a fronted clause, if it opens the main one."""
    comma = sentence.text.find(",", trigger_end, end)
    while comma >= 0:  # "Backed by Nvidia, which holds 6%, CoreWeave ...": the last comma
        for candidate in sentence.candidates:
            if candidate.start > comma:
                gap = sentence.text[comma + 1 : candidate.start]
                listed = _LISTED_ON.match(sentence.text, candidate.end)
                if _SUBJECT_GAP.match(gap) and not candidate.publisher and not listed:
                    return [candidate.name]
                break
        comma = sentence.text.find(",", comma + 1, end)
    return []


def _subject_and_objects(
    rule: Rule, sentence: ReadSentence, match: re.Match[str], span: tuple[int, int]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The subject chain before the trigger, and the objects it reaches with their cues."""
    text = sentence.text
    in_clause = [
        c
        for c in sentence.candidates
        if span[0] <= c.start
        and c.end <= span[1]
        and (
            not c.publisher
            or rule.type == "licensing"
            or (rule.type == "partnership" and _partnered_with(text, match, c))
        )
    ]
    in_clause = [c for c in in_clause if not _aside(text, c, sentence.candidates)]
    before = [c for c in in_clause if c.end <= match.start()]
    if match.group().startswith("-"):
        # "Microsoft-backed OpenAI": the name glued to the epithet, and the one it describes
        # ("rivals such as Microsoft-backed OpenAI": a rival named, no deal told)
        glued = [c for c in before if c.end == match.start() and not _excluded(text, c)]
        after = [c for c in in_clause if c.start >= match.end()]
        described = (
            after[:1] if after and _EPITHET_GAP.match(text[match.end() : after[0].start]) else []
        )
        if not described and glued:
            # "CoreWeave, the Nvidia-backed cloud provider, ...": the epithet in an apposition
            # describes the org before it
            head = [c for c in before if c.end <= glued[-1].start]
            if head and _APPOSED.match(text[head[-1].end : glued[-1].start]):
                described = head[-1:]
        return [c.name for c in glued], [(c.name, "") for c in described if glued]
    if _POSSESSIVE.match(match.group()) and before and before[-1].end == match.start():
        # "Microsoft, OpenAI's biggest backer": the possessor is the subject, alone
        others = [(c.name, "") for c in before[:-1] if not _excluded(text, c)]
        after = [c for c in in_clause if c.start >= match.end()]
        objects = others + _objects(text, after, match.end())
        return [before[-1].name], [(n, cue) for n, cue in objects if n != before[-1].name]
    if (
        rule.context
        and _BY_BACKERS.search(match.group())
        and (match.group().startswith(",") or _TIE_IN_PLACE.match(match.group()))
    ):
        # "OpenAI, backed by Microsoft and SoftBank, ...": the backers the apposition names
        # (elsewhere "backed by" sets an org aside as no party of the clause's own deal)
        return _subject(text, before, match.start()), [
            (name, "by") for name in _listed_after(text, in_clause, match.end())
        ]
    subject = _subject(text, [c for c in before if not _cued(text, c, before)], match.start())
    if subject and not rule.noun and _AND_VERB.match(text, before[-1].end, match.start()):
        # "SoftBank is the majority owner of Arm and last year bought Graphcore": a second
        # verb shares the clause's first subject, not the object of the first verb
        first = [c for c in before if not _excluded(text, c) and not _cued(text, c, before)]
        subject = [first[0].name] if first and first[0].name != before[-1].name else []
    # An org inside the trigger is its object ("led OpenAI's round", "integrate X's models").
    inside = [(c.name, "") for c in in_clause if match.start() <= c.start and c.end <= match.end()]
    after = [c for c in in_clause if c.start >= match.end()]
    # "in talks with investors including X and Y to raise money": X and Y are objects too.
    cued = [
        (c.name, _cue_before(text, c))
        for c in before
        if _cued(text, c, before)
        and not _excluded(text, c)
        and not _listed_after_excluded(text, c, before)
        and not (rule.shape == "get" and _EXAMPLES_OF_KIND.search(text, 0, c.start))
    ]
    objects = inside + _objects(text, after, match.end()) + cued
    if not objects and rule.type == "licensing":
        # "signed a licence to use Covariant's models": the owner of what is used grants it
        use = _TO_USE.match(text, match.end())
        objects = [(c.name, "from") for c in after[:1] if use and c.start == use.end()]
    if not objects and rule.context and _AMONG_ITS.match(match.group()):
        # "Amazon is among its largest backers": "its" is the company the article is about
        objects = [(name, "") for name in sentence.topic[:1]]
    return subject, [(name, cue) for name, cue in objects if name not in subject]


# "startups such as Inflection and Runway have raised money": examples of the kind of
# company that receives, not its backers ("investors including X and Y" are backers)
_EXAMPLES_OF_KIND = re.compile(
    r"\b(?!(?:investors|backers|funds|lenders|banks|shareholders|participants|firms)\b)"
    r"[a-z]+s\s+(?:such\s+as|like|including)\s+(?:[^,;]*?(?:,\s*|\s+and\s+))?$"
)
_TO_USE = re.compile(
    r"\s+to\s+(?:use|access|integrate|deploy|distribute|resell)\s+(?:the\s+)?", re.I
)
_AMONG_ITS = re.compile(r"among\s+(?:its|their)\b", re.IGNORECASE)


# "OpenAI has struck partnerships with Axel Springer, the Financial Times and Le Monde": an
# outlet listed after "with" is a partner; one that reports ("..., Bloomberg said") is not
_WITH_LIST = re.compile(r"^\s*(?:[\w-]+\s+){0,3}?with\s+[^;:.]*$", re.IGNORECASE)
_REPORTING = re.compile(r"\b(?:report\w*|sa(?:id|ys)|told|according|news)\b", re.IGNORECASE)


def _partnered_with(text: str, match: re.Match[str], candidate: Candidate) -> bool:
    gap = text[match.end() : candidate.start]
    return (
        bool(_WITH_LIST.match(gap)) and not _REPORTING.search(gap) and candidate.start > match.end()
    )


_BY_BACKERS = re.compile(r"(?:backed|funded)\s+by$", re.IGNORECASE)
# "SambaNova has been backed by SoftBank": the tie told in the passive, the backers after it
_TIE_IN_PLACE = re.compile(r"(?:is|are|has|have|had)\b", re.IGNORECASE)


def _listed_after(text: str, candidates: Sequence[Candidate], end: int) -> list[str]:
    """The names listed right after `end`: "backed by Microsoft and SoftBank"."""
    names: list[str] = []
    position = end
    for candidate in candidates:
        if candidate.start < end:
            continue
        gap = text[position : candidate.start]
        if (names and not _LIST_GAP.match(gap)) or (not names and gap.strip()):
            break
        names.append(candidate.name)
        position = candidate.end
    return unique(names)


# Between an object and the next verb: "... of Arm and last year bought Graphcore"
_AND_VERB = re.compile(
    r"\s+and\s+(?:(?:last|this|next|earlier|later|recently|also|then|in|since)\b[\w\s]{0,20}?\s+)?$",
    re.IGNORECASE,
)


# An org's person does the deal: "<Org> co-founder <First Last> (and ...) has raised".
_PERSON_SUBJECT = re.compile(
    r"^\s+(?:co-?founder|founder|chief executive|CEO|chief \w+ officer|president|"
    r"chair(?:man|woman)?|executive|boss|head|veteran|alum(?:nus|na)?|researcher|scientist)\s+"
    r"(?-i:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2})\s+(?:and\s+[^,.;]{0,60}?\s+)?"
    r"(?:(?:has|have|had|is|are|was|were)\s+)?(?:\w+ly\s+)?$",
    re.IGNORECASE,
)


def _subject(text: str, before: list[Candidate], trigger: int) -> list[str]:
    """The org chain nearest before the trigger ("Microsoft and Nvidia invested ...")."""
    chosen: list[Candidate] = []
    usable = [c for c in before if not _excluded(text, c)]
    if usable and _CLAUSE_ANAPHOR.search(text[usable[-1].end : trigger]):
        return [usable[0].name]  # "X's takeover of Y after the company agreed to ...": X
    for candidate in reversed(before):
        if _excluded(text, candidate) or _listed_after_excluded(text, candidate, before):
            continue
        if not chosen:
            if _in_parenthetical(text, candidate, trigger):
                continue
            if _in_relative(text, candidate, trigger) or _COMPOUND_AFTER.match(text, candidate.end):
                continue  # (and "Nvidia-backed AI firm joins forces with X": not Nvidia)
            if _PERSON_SUBJECT.match(text[candidate.end : trigger]):
                return []  # "OpenAI co-founder Ilya Sutskever has raised $1bn": a person acts
            chosen.append(candidate)
        elif _LIST_GAP.match(text[candidate.end : chosen[-1].start]) or _possessive_pair(
            text, candidate, chosen[-1]
        ):
            chosen.append(candidate)
        else:
            break
    return unique(c.name for c in reversed(chosen))


# ", which owns Facebook, Instagram and WhatsApp, has joined forces with ...": the names in
# a relative clause closed before the trigger are not its subject
_RELATIVE_OPEN = re.compile(r",\s+(?:which|who|whose)\s", re.IGNORECASE)
_RELATIVE_CLOSE = re.compile(
    r",\s+(?:has|have|had|is|are|was|were|will|would|said|says|\w+ed|\w+s)\b", re.IGNORECASE
)


def _in_relative(text: str, candidate: Candidate, trigger: int) -> bool:
    openings = [m.end() for m in _RELATIVE_OPEN.finditer(text, 0, candidate.start)]
    if not openings or _RELATIVE_CLOSE.search(text, openings[-1], candidate.start):
        return False  # no relative clause open at the name
    return bool(_RELATIVE_CLOSE.search(text, candidate.end, trigger))


def _cued(text: str, candidate: Candidate, before: list[Candidate]) -> bool:
    """An org written after a preposition ("with investors including X"), or listed after
    one that is, is a complement, never the subject."""
    position = before.index(candidate)
    for earlier in reversed(before[: position + 1]):
        if _cue_before(text, earlier):
            return True
        previous = before.index(earlier) - 1
        if previous < 0 or not _LIST_GAP.match(text[before[previous].end : earlier.start]):
            return False
    return False


def _cue_before(text: str, candidate: Candidate) -> str:
    if _OPENING_DESCRIPTION.match(text, 0, candidate.start):
        return ""  # "Leading venture investors Thrive and DST are taking part ...": the subject
    before = text[max(0, candidate.start - 60) : candidate.start]
    if _OWNERS_BACKER.search(before):
        return ""  # "OpenAI's backer Microsoft has agreed to invest": the backer is the subject
    match = _PRE_CUE.search(before)
    return match.group(1).lower() if match else ""


_OWNERS_BACKER = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,2}?(?:backer|investor|shareholder)\s+$", re.IGNORECASE
)


# a sentence that opens by describing its subject: "Leading venture capital investors X and Y"
_OPENING_DESCRIPTION = re.compile(r"\W*(?:[\w-]+\s+){0,4}(?:investors|backers)\s+$", re.IGNORECASE)


def _possessive_pair(text: str, first: Candidate, second: Candidate) -> bool:
    """'Microsoft and OpenAI's partnership': the gap is ' and ' - handled by _LIST_GAP."""
    return text[first.end : second.start].strip() in {"-", "–", "/"}


def _in_parenthetical(text: str, candidate: Candidate, trigger: int) -> bool:
    """'Microsoft, which owns GitHub, acquired ...': GitHub is not the subject."""
    opening = text.rfind(",", 0, candidate.start)
    if opening < 0 or "," not in text[candidate.end : trigger]:
        return False
    return bool(_PARENTHETICAL.match(text[opening + 1 : candidate.start]))


def _listed_after_excluded(text: str, candidate: Candidate, before: list[Candidate]) -> bool:
    """'a unicorn backed by Microsoft, Amazon and Google': the whole list is excluded (a
    list, with its "and"; "According to Gartner, Microsoft is ..." is none)."""
    position = before.index(candidate)
    head = position
    while head > 0 and _LIST_GAP.match(text[before[head - 1].end : before[head].start]):
        head -= 1
    if head == position or not _excluded(text, before[head]):
        return False
    end = position
    while end + 1 < len(before) and _LIST_GAP.match(text[before[end].end : before[end + 1].start]):
        end += 1
    gaps = [text[before[i].end : before[i + 1].start] for i in range(head, end)]
    return any(_AND_OR.search(gap) for gap in gaps)


def _aside(text: str, candidate: Candidate, candidates: Sequence[Candidate]) -> bool:
    """An org named in passing, never a party: inside parentheses ("Lightspeed (also a
    backer of Suno) led ..."), a description of another org ("Alphabet, Google's parent
    company"; "Roomba maker iRobot")."""
    opened = text.rfind("(", 0, candidate.start)
    if opened >= 0 and text.find(")", opened, candidate.start) < 0:
        closing = text.find(")", candidate.end)
        if closing >= 0 and not any(c.start > closing for c in candidates if c is not candidate):
            return False  # the parenthesis holds the rest of the sentence: not an aside
        if closing >= 0:
            return True
    after = text[candidate.end : candidate.end + 40]
    if _DESCRIBES.match(after):
        return True
    maker = _MAKER_OF.match(after)
    return bool(maker) and any(c.start == candidate.end + maker.end() for c in candidates)


# "In a deal reminiscent of recent talent acquisitions made by Meta and Google, Nvidia ...":
# the orgs of a comparison phrase, up to its comma, are no parties.
_COMPARISON = re.compile(
    r"\b(?:reminiscent of|similar to|akin to|modell?ed on|echoing|mirroring)\b[^,;:—]*$",
    re.IGNORECASE,
)


# "its stake in one of OpenAI's most promising rivals": the name owns the rival, no party
_OWNS_RIVAL = re.compile(
    r"['’]s?\s+(?:(?:most|biggest|closest|chief|main|key|fiercest|nearest|top|promising|"
    r"leading|largest)\s+){0,3}(?:rivals?|competitors?|challengers?)\b",
    re.IGNORECASE,
)


def _excluded(text: str, candidate: Candidate) -> bool:
    if _COMPARISON.search(text, max(0, candidate.start - 120), candidate.start):
        return True
    if _OWNS_RIVAL.match(text, candidate.end):
        return True
    window = max(0, candidate.start - 40)
    match = _EXCLUDED_BEFORE.search(text[window : candidate.start])
    if match is None:
        return False
    epithet = _NAMED_RIVAL.match(match.group(0)) and _NAME_BEFORE.search(
        text[max(0, window + match.start() - 30) : window + match.start()]
    )
    # "Backed by Nvidia, CoreWeave ...": the sentence opens with its backer, a party
    opening = _BACKER_FIRST.match(text)
    fronted = opening is not None and opening.end() >= window + match.start()
    return not epithet and not fronted


def _objects(text: str, after: list[Candidate], trigger_end: int) -> list[tuple[str, str]]:
    """Orgs the trigger reaches, each with the preposition that ties it ("in", "from", "")."""
    objects: list[tuple[str, str]] = []
    anchor, last_cue, chained, dropped = trigger_end, "", False, False
    for candidate in after:
        gap = text[anchor : candidate.start]
        anchor = candidate.end
        if dropped and _LIST_GAP.match(gap):
            continue  # "compete with Microsoft, Oracle and Salesforce": the whole list
        dropped = False
        if _AND_THEN.search(gap) and _NEW_CLAUSE.match(text[candidate.end :]):
            break  # "..., and The Carlyle Group will be left to wonder": a clause of its own
        if (_ASIDE_OWNER.match(gap) and objects) or _ITS_MAKER.match(text, candidate.end):
            # "with Google (a subsidiary of Alphabet)": the owner describes the object;
            # "bought Slurm's creator": the creator, unnamed here, is the object
            continue
        if chained and (_LIST_GAP.match(gap) or _listed_with_the(text, gap, candidate)):
            cue: str | None = last_cue
        elif not objects and _NAMED_AFTER_DASH.search(gap):
            cue = ""  # "to three American investors – Oracle, Silver Lake and MGX"
        elif _GAP_BREAK.search(gap):
            break  # a relative clause or a dash: the trigger's reach ends here
        else:
            cue = _gap_cue(gap)
        if cue is None or _excluded(text, candidate) or (objects and _makes_goods(text, candidate)):
            chained, dropped = False, _excluded(text, candidate)
            continue
        objects.append((candidate.name, cue))
        last_cue, chained = cue, True
    if any(cue == "from" for _, cue in objects):
        # "buy Nvidia chips worth $10 billion from Nebius": Nebius sells, Nvidia names goods
        goods = {c.name for c in after if _makes_goods(text, c)}
        objects = [(name, cue) for name, cue in objects if cue == "from" or name not in goods]
    return objects


# "with Axel Springer, the Financial Times and Le Monde" lists on; "G42, the Abu Dhabi AI
# firm" describes (a lowercase noun follows the name)
_THE_GAP = re.compile(r"^\s*,\s*(?-i:the)\s+$")
_DESCRIBED_AFTER = re.compile(r"\s+(?!and\b|or\b|as\b)[a-z]")


def _listed_with_the(text: str, gap: str, candidate: Candidate) -> bool:
    return bool(_THE_GAP.match(gap)) and not _DESCRIBED_AFTER.match(text, candidate.end)


_ASIDE_OWNER = re.compile(
    r"^\s*[(,]\s*(?:a|an|the|its)\s+(?:[\w-]+\s+){0,2}?(?:subsidiary|unit|division|arm|parent|"
    r"owner|part|affiliate|sister\s+company)\s+of\s+$",
    re.IGNORECASE,
)
_ITS_MAKER = re.compile(
    r"['’]s\s+(?:creator|maker|developer|parent|owner|operator|publisher)\b", re.IGNORECASE
)
_NAMED_AFTER_DASH = re.compile(
    r"^\s*(?:(?:to|with|from)\s+)?(?:[\w-]+\s+){0,3}(?:investors|buyers|companies|firms|partners|"
    r"backers|groups|funds)\s*[—–:]\s*$",
    re.IGNORECASE,
)


_HIRE_GAP = re.compile(
    r"\bto\s+(?:hire|poach|recruit|bring\s+in|bring\s+on|bring\s+over)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# The preposition's object is a description of an org named elsewhere, and a list goes on
# after it: the org after the list word is not the preposition's object.
_ANAPHOR_THEN_LIST = re.compile(
    r"\s*(?:the|this|that)\s+(?:[\w.-]+\s+){0,3}?" + _ORG_DESCRIPTION + r"\s*(?:,|\band\b)",
    re.IGNORECASE,
)


def _gap_cue(gap: str) -> str | None:
    """The preposition linking a trigger to an org, "" for a direct object, None if unlinked."""
    if len(gap.split()) > 12:
        return None
    if _HIRE_GAP.search(gap):  # "spent $900 million to hire Enfabrica's CEO": the team's firm
        return ""
    cues = list(_CUE.finditer(gap))
    if any(_ANAPHOR_THEN_LIST.match(gap, cue.end()) for cue in cues):
        return None  # "invested $13 billion in the startup, and Nvidia": the startup is it
    if cues:  # the preposition nearest the org ("in a round led by X": "led by")
        trailing = gap[cues[-1].end() :].split()
        if len(trailing) <= 6 and not _CUE_STOP.intersection(w.lower() for w in trailing):
            return cues[-1].group().lower()
        return None
    if _APPOSITIVE.match(gap):  # "acquired a small Canadian startup, DarwinAI"
        return ""
    return "" if len(gap.split()) <= 5 and "," not in gap else None


def _makes_goods(text: str, candidate: Candidate) -> bool:
    """'supply Microsoft with Nvidia GPUs': Nvidia names the goods, not a party."""
    return bool(_GOODS_AFTER.match(text[candidate.end : candidate.end + 40]))


def _sentence_subject(
    sentence: ReadSentence, before: int, previous: Sequence[ReadSentence]
) -> list[str]:
    """The subject of the sentence's first clause: its first org not after a preposition,
    or, when that clause's subject is "the company" / "it", the previous sentence's."""
    text = sentence.text
    earlier = [c for c in sentence.candidates if c.end <= before]
    for candidate in earlier:
        if not _excluded(text, candidate) and not _cued(text, candidate, earlier):
            if not SUBJECT_ANAPHOR.search(text[: candidate.start]):
                return [candidate.name]
            break
    if SUBJECT_ANAPHOR.search(text[:before]):
        return _previous_subject(sentence, previous)
    return []


_COMPOUND_AFTER = re.compile(r"-(?:backed|owned|funded|led|based|controlled|made)\b")


def _previous_subject(sentence: ReadSentence, previous: Sequence[ReadSentence]) -> list[str]:
    """'The company' / 'it': the first org of the nearest earlier sentence that has one."""
    for earlier in reversed(previous):
        if earlier.index < sentence.index - 2:
            continue
        if earlier.paragraph != sentence.paragraph and earlier.index != sentence.index - 1:
            continue  # a paragraph's first sentence may point back to the last one's org
        # "the company" is never an outlet that reported the news, nor an epithet's org
        # ("Microsoft-backed OpenAI ... helped it close a round": it is OpenAI)
        names = [
            c.name
            for c in earlier.candidates
            if not c.publisher
            and not _excluded(earlier.text, c)
            and not _COMPOUND_AFTER.match(earlier.text, c.end)
        ]
        if names:
            # "the company" is most often the org the article is about, where it is named
            return [next((n for n in sentence.topic[:1] if n in names), names[0])]
    return []


_INTO = re.compile(r"\b(?:into|in)\s+$", re.IGNORECASE)


def _previous_recipient(sentence: ReadSentence, previous: Sequence[ReadSentence]) -> list[str]:
    """'... put money into Anthropic. Amazon unveiled a $4 billion investment in the company':
    the company is the one the last sentence put money into, when it names one."""
    if not previous or previous[-1].index != sentence.index - 1:
        return []
    earlier = previous[-1]
    return [
        c.name
        for c in earlier.candidates
        if not c.publisher
        and _INTO.search(earlier.text, max(0, c.start - 6), c.start)
        and _PUT_MONEY.search(earlier.text, max(0, c.start - 40), c.start)
    ][-1:]


_PUT_MONEY = re.compile(r"\b(?:invest\w*|money|stake|funding|cash|capital|\$)", re.IGNORECASE)


def other_orgs(sentence: ReadSentence, taken: Sequence[str]) -> list[str]:
    """Orgs of the sentence not yet placed, sources and compared-with orgs left out."""
    names = [c.name for c in sentence.candidates if not _excluded(sentence.text, c)]
    return [name for name in unique(names) if name not in taken]


def _symmetric(
    rule: Rule,
    type_: str,
    sentence: ReadSentence,
    match: re.Match[str],
    subject: list[str],
    objects: list[tuple[str, str]],
    previous: Sequence[ReadSentence],
) -> Found | None:
    others = unique(name for name, _ in objects if name not in subject)
    if type_ == "joint_venture" and others and not subject:
        # "the Stargate Project, a joint venture with Oracle and SoftBank, signified OpenAI's
        # intent": the founder is written elsewhere in the sentence or just before it.
        subject = other_orgs(sentence, others)[:1] or _previous_subject(sentence, previous)
    if not subject and len(others) >= 2:
        subject, others = others[:1], others[1:]
    if not subject or not others:
        if len(subject) >= 2 and not _UNNAMED_PARTNER.match(sentence.text, match.end()):
            return Found(rule, type_, match.start(), match.end(), tuple(subject), ())
        return None
    return Found(rule, type_, match.start(), match.end(), tuple(subject), tuple(others))


# "ByteDance and TikTok signed binding agreements with the three investors": the named
# companies are one side of a deal whose other side is not named; no deal between them
_UNNAMED_PARTNER = re.compile(
    r"\s*(?:with|between)?\s*(?:the|a|an|three|two|four|several|other|its|their|"
    r"some|unnamed|undisclosed)\s+(?:[\w-]+\s+){0,2}?(?:investors?|buyers?|partners?|"
    r"companies|firms|parties|groups?|consortium|bidders?|customers?|backers?)\b",
    re.IGNORECASE,
)


def _asymmetric(
    rule: Rule,
    type_: str,
    sentence: ReadSentence,
    match: re.Match[str],
    subject: list[str],
    objects: list[tuple[str, str]],
    previous: Sequence[ReadSentence],
    valued: bool,
) -> Found | None:
    of_something = rule.noun and _OF_SOMETHING.match(sentence.text[match.end() :])
    if of_something and not any(cue in ("of", "") for _, cue in objects):
        return None  # "a possible takeover of the plan by the government's agency"
    sides = _sides(rule, type_, subject, objects)
    if rule.shape == "sell":
        # "SoftBank agreed to sell chip designer Arm to Nvidia": the buyer after "to", the
        # company sold its object; the seller (the subject) is neither side
        sides = {
            "A": [name for name, cue in objects if cue == "to"],
            "B": [name for name, cue in objects if cue in ("", "in", "of")][:1],
        }
    if type_ == "contract" and rule.type == "investment":
        sides = {"A": sides["B"], "B": sides["A"]}  # the payer is the customer, not the supplier
    if (
        type_ == "investment"
        and rule.type == "generic"
        and match.group().lower().endswith("with")
        and objects
        and all(cue in ("", "with", "such as", "including", "like") for _, cue in objects)
    ):
        # "Mistral is in talks with lenders such as Bpifrance for debt": the lender pays
        sides = {"A": [name for name, _ in objects], "B": subject}
    _fill_by_anaphora(sides, sentence, match, previous)
    if rule.type == "generic" and not objects and len(subject) == 2:
        # "Broadcom and OpenAI signed a term sheet for custom chips": the two are the sides
        side = "A" if sides["A"] else "B"
        sides = {side: subject[:1], _other_side(side): subject[1:]}
    a, b = tuple(sides["A"]), tuple(sides["B"])
    if not a and b and rule.single and valued:
        # A funding round with no investor named is news only with a sum or a valuation.
        return Found(rule, type_, match.start(), match.end(), (), b)
    if not a or not b:
        return None
    return Found(rule, type_, match.start(), match.end(), a, b)


def _sides(
    rule: Rule, type_: str, subject: list[str], objects: list[tuple[str, str]]
) -> dict[str, list[str]]:
    """Subject and objects sorted into the paying side "A" and the receiving side "B"."""
    subject_side = _subject_side(rule, type_, objects)
    sides: dict[str, list[str]] = {"A": [], "B": []}
    sides[subject_side].extend(subject)
    for name, cue in objects:
        side = _cue_side(rule, type_, cue)
        side = subject_side if side == "same" else side or _other_side(subject_side)
        if name not in sides["A"] + sides["B"]:
            sides[side].append(name)
    return sides


def _cue_side(rule: Rule, type_: str, cue: str) -> str:
    if type_ == "acquisition" and rule.noun and cue == "from":
        return "A"  # "a takeover approach from Qualcomm" (but "bought X from Y": Y sells)
    return _CUE_SIDES.get(type_, {}).get(cue, "")


def _subject_side(rule: Rule, type_: str, objects: list[tuple[str, str]]) -> str:
    if rule.shape == "give":
        return "A"
    if rule.shape == "get":
        return "B"
    for _, cue in objects:  # a noun: "investment in X" -> subject pays; "from X" -> receives
        side = _cue_side(rule, type_, cue)
        if side in ("A", "B"):
            return _other_side(side)
    return "B" if type_ in ("licensing", "contract") else "A"


def _other_side(side: str) -> str:
    return "B" if side == "A" else "A"


def _fill_by_anaphora(
    sides: dict[str, list[str]],
    sentence: ReadSentence,
    match: re.Match[str],
    previous: Sequence[ReadSentence],
) -> None:
    """'invested $1 billion in the AI research organization': the org named elsewhere."""
    if sides["A"] and sides["B"]:
        return
    anaphor = _OBJECT_ANAPHOR.match(sentence.text[match.end() :])
    if not anaphor:
        return
    taken = sides["A"] + sides["B"]
    earlier = [n for n in _previous_subject(sentence, previous) if n not in taken]
    # the nearest org before the anaphor first: "X will invest in Anthropic, while Nvidia
    # plans to invest in the startup" is Anthropic, not X
    # (an owner written before its own unit, "SoftBank's Vision Fund 2 put $500 million into
    # the startup", is not the startup)
    owners = {
        c.name
        for c, d in zip(sentence.candidates, sentence.candidates[1:], strict=False)
        if _POSSESSIVE.match(sentence.text, c.end) and d.start - c.end <= 3 and d.name in taken
    }
    before = [c.name for c in sentence.candidates if c.end <= match.end() and c.name not in owners]
    here = sorted(
        (n for n in other_orgs(sentence, taken) if n in before),
        key=lambda n: -max(i for i, b in enumerate(before) if b == n),
    )
    topic = [n for n in sentence.topic if n not in taken and n not in owners]
    # "into it" points back to the last sentence's subject; "the company" may name an org
    # before it in this sentence, else the last sentence's subject; "the startup" is the
    # young company the article is about more often than the fund named last
    if anaphor.group("pronoun"):
        names = earlier or here
    elif _STARTUP.search(anaphor.group()):
        names = here or topic[:1] or earlier
    else:
        names = (
            here
            or [n for n in _previous_recipient(sentence, previous) if n not in taken]
            or earlier
        )
    names = names or topic
    if names:
        sides["B" if sides["A"] else "A"].append(names[0])


def unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen
