"""Watchlist matching (token boundaries, case and ambiguity rules, longest match) and
discovery of organisations that are not on the watchlist, against the project's own
watchlist and seed articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.records import Mention
from pipeline.tagging.match import discover_orgs, find_mentions
from pipeline.tagging.sentences import split_sentences
from pipeline.tagging.watchlist import Watchlist, load_watchlist

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
EXPECTED = ROOT.parent / "shared" / "seeds" / "expected_tags.json"


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def mentions(text: str, watchlist: Watchlist) -> list[Mention]:
    return find_mentions(text, split_sentences(text), watchlist)


def tagged(text: str, watchlist: Watchlist) -> list[tuple[str, str]]:
    return [(m.entity, m.surface) for m in mentions(text, watchlist)]


def names(text: str, watchlist: Watchlist) -> set[str]:
    return {m.entity for m in mentions(text, watchlist)}


def discovered(text: str, watchlist: Watchlist) -> list[str]:
    sentences = split_sentences(text)
    known = find_mentions(text, sentences, watchlist)
    return [m.entity for m in discover_orgs(text, sentences, watchlist, known)]


# ---- the seed articles ------------------------------------------------------------------


def _seed_cases() -> list[tuple[str, dict]]:
    if not EXPECTED.exists():
        return []
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return [(name, tags) for name, tags in expected.items() if not name.startswith("_")]


@pytest.fixture(scope="module")
def seed_tags(watchlist: Watchlist) -> dict[str, list[Mention]]:
    tags = {}
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        sentences = split_sentences(text)
        known = find_mentions(text, sentences, watchlist)
        tags[path.name] = known + discover_orgs(text, sentences, watchlist, known)
    return tags


@pytest.mark.skipif(not EXPECTED.exists(), reason="../shared/seeds/expected_tags.json absent")
@pytest.mark.parametrize(("seed", "expected"), _seed_cases(), ids=lambda v: str(v)[:20])
def test_seed_orgs_products_projects_outlets_and_places(
    seed: str, expected: dict, seed_tags: dict[str, list[Mention]], watchlist: Watchlist
) -> None:
    found = seed_tags[seed]
    by_kind: dict[str, set[str]] = {}
    for mention in found:
        by_kind.setdefault(mention.kind, set()).add(mention.entity)
    # Orgs: exactly the analysts' list, nothing missing and nothing extra.
    assert by_kind.get("org", set()) == set(expected["orgs"])
    assert set(expected["source_outlets"]) <= by_kind.get("publisher", set())
    assert set(expected["places"]) <= by_kind.get("place", set())
    for product, parent in expected["products"].items():
        assert product in by_kind.get("product", set())
        assert watchlist.entity(product).parent == parent
    assert set(expected.get("projects", {})) <= by_kind.get("project", set())


def test_seed_mentions_carry_offsets_and_sentences(seed_tags: dict[str, list[Mention]]) -> None:
    for seed, found in seed_tags.items():
        text = (SEEDS / seed).read_text(encoding="utf-8")
        sentences = split_sentences(text)
        for mention in found:
            assert text[mention.start : mention.end] == mention.surface
            sentence = sentences[mention.sentence_index]
            assert sentence.start <= mention.start < mention.end <= sentence.end


def test_seed_github_copilot_is_one_mention(seed_tags: dict[str, list[Mention]]) -> None:
    found = seed_tags["000_f844235f3c9f1614.txt"]
    copilot = [m for m in found if "Copilot" in m.surface]
    assert [(m.entity, m.surface) for m in copilot] == [("GitHub Copilot", "GitHub Copilot")]
    assert not any(m.entity == "GitHub" for m in found)


# ---- boundaries, case, possessives, longest match ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OpenAI said so.", [("OpenAI", "OpenAI")]),
        ("Open AI said so.", [("OpenAI", "Open AI")]),
        ("OpenAI's model and OpenAI’s chip.", [("OpenAI", "OpenAI"), ("OpenAI", "OpenAI")]),
        ("Shares of MSFT rose.", [("Microsoft", "MSFT")]),
        ("The Microsoft-OpenAI pact.", [("Microsoft", "Microsoft"), ("OpenAI", "OpenAI")]),
        ("An OpenAI-backed startup.", [("OpenAI", "OpenAI")]),
        ("openai and microsoft in lower case.", []),
        ("Intelligence and Metadata are words.", []),
        (
            "GPT-4.5 beat GPT-4 and GPT-4o.",
            [("GPT-4.5", "GPT-4.5"), ("GPT-4", "GPT-4"), ("GPT-4o", "GPT-4o")],
        ),
        ("It runs on H100s.", [("H100", "H100s")]),
        ("Microsoft\u00a0365 users.", [("Microsoft 365", "Microsoft\u00a0365")]),
        (
            "See microsoft.com or OpenAI.com.",
            [("Microsoft", "microsoft.com"), ("OpenAI", "OpenAI.com")],
        ),
        ("The openai.Foo package.", []),
    ],
)
def test_boundaries_case_and_possessives(
    text: str, expected: list[tuple[str, str]], watchlist: Watchlist
) -> None:
    assert tagged(text, watchlist) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Developers love GitHub Copilot.", [("GitHub Copilot", "GitHub Copilot")]),
        ("GitHub hosts code; Copilot writes it.", [("GitHub", "GitHub"), ("Copilot", "Copilot")]),
        ("It moved to Google Cloud.", [("Google Cloud", "Google Cloud")]),
        ("Google and Google Cloud.", [("Google", "Google"), ("Google Cloud", "Google Cloud")]),
        (
            "Amazon Web Services (AWS) won.",
            [("Amazon Web Services", "Amazon Web Services"), ("Amazon Web Services", "AWS")],
        ),
        (
            "Tools like Azure Machine Learning.",
            [("Azure Machine Learning", "Azure Machine Learning")],
        ),
        ("Azure grew.", [("Azure", "Azure")]),
        ("Copilot in Microsoft 365.", [("Copilot", "Copilot"), ("Microsoft 365", "Microsoft 365")]),
        (
            "Microsoft shipped Windows 11.",
            [("Microsoft", "Microsoft"), ("Windows 11", "Windows 11")],
        ),
        ("Bing’s AI-powered search.", [("Bing", "Bing")]),
        (
            "Google DeepMind released Gemini.",
            [("Google DeepMind", "Google DeepMind"), ("Gemini", "Gemini")],
        ),
        ("Runs on AWS Lambda today.", [("AWS Lambda", "AWS Lambda")]),
        ("The Stargate Project is huge.", [("Stargate Project", "Stargate Project")]),
    ],
)
def test_longest_leftmost_match_wins(
    text: str, expected: list[tuple[str, str]], watchlist: Watchlist
) -> None:
    assert tagged(text, watchlist) == expected


def test_mentions_know_their_sentence(watchlist: Watchlist) -> None:
    text = "Intro line.\n\nMicrosoft invested. Then OpenAI grew."
    found = mentions(text, watchlist)
    assert [(m.entity, m.kind, m.sentence_index, m.discovered) for m in found] == [
        ("Microsoft", "org", 1, False),
        ("OpenAI", "org", 2, False),
    ]


# ---- ambiguity rules: each alias with a positive and a negative case --------------------

AMBIGUOUS = [
    # (entity, text that names it, text that does not)
    ("Apple", "Apple unveiled a new iPhone.", "Apple pie is a classic dessert."),
    ("Apple", "Apple shares fell 2%.", "She ate an apple and an Apple crumble."),
    ("Apple", "Apple and Google compete.", "Granny Smith is an Apple variety grown in orchards."),
    ("Apple", "Analysts expect Apple to grow.", "New York is the Big Apple."),
    ("Meta", "Meta said it would build a data center.", "A meta analysis of trials found no link."),
    ("Meta", "Meta Platforms reported earnings.", "Meta-analysis is a statistical method."),
    ("Meta", "Shares of Meta rose.", "The film is very meta about itself."),
    ("X", "Musk's X, formerly Twitter, was fined.", "The X-ray showed a fracture."),
    ("X", "He posted the video on X.", "Tesla's Model X sold well."),
    ("X", "X Corp sued the advertisers.", "Generation X grew up with cable."),
    ("Gemini", "Google's Gemini model beat rivals.", "Gemini is a constellation in the sky."),
    (
        "Gemini",
        "Gemini now runs on Android.",
        "The Gemini crypto exchange of the Winklevoss twins.",
    ),
    ("Gemini", "Gemini 2.5 Pro leads the chart.", "Your horoscope for Gemini this week."),
    ("Amazon", "Amazon will invest $10 billion.", "The Amazon rainforest is shrinking."),
    ("Amazon", "Amazon and Microsoft bid.", "Deforestation in the Amazon accelerated."),
    ("Amazon", "Amazon said it would expand.", "The Amazon River floods every year."),
    ("Arm", "Arm designs chips for phones.", "He broke his arm."),
    ("Arm", "SoftBank owns most of Arm.", "The bank's Investment Arm made a bet."),
    ("Arm", "Qualcomm sued ARM over chip licences.", "Soldiers carry ARM patches."),
    ("Arm", "Arm Holdings listed on Nasdaq.", "Arm wrestling is a sport."),
    ("Oracle", "Oracle signed a cloud deal.", "The oracle of Delphi spoke in riddles."),
    ("Oracle", "Oracle shares jumped.", "Buffett, the Oracle of Omaha, bought stock."),
    (
        "Copilot",
        "Copilot drafts emails.",
        "The copilot landed the aircraft after the pilot fell ill.",
    ),
    ("Copilot", "Copilot now uses GPT-5.", "The Copilot took over the cockpit."),
    ("Bing", "Bing gained share in search.", "Bing Crosby sang White Christmas."),
    ("Bing", "Microsoft Bing added chat.", "Chandler Bing is a Friends character."),
    ("Claude", "Anthropic's Claude writes code.", "Claude Monet painted water lilies."),
    ("Claude", "Claude Opus 4 tops the benchmark.", "Jean-Claude Juncker led the commission."),
    ("Claude", "Users of Claude grew fast.", "Claude Shannon founded information theory."),
    ("Mistral AI", "Mistral released a new model.", "The Mistral wind blows through Provence."),
    ("Mistral AI", "Mistral AI raised funds.", "France sold a Mistral-class warship."),
    ("Stargate Project", "Stargate will cost $500 billion.", "Stargate SG-1 ran for ten seasons."),
    (
        "Stargate Project",
        "OpenAI's Stargate data centre.",
        "Kurt Russell starred in the film Stargate.",
    ),
    ("Grok", "Grok 3 answered the question.", "grok the concept quickly."),
    ("Grok", "xAI's Grok chatbot spread claims.", "Grok it and move on."),
    ("Sora", "OpenAI's Sora makes videos.", "Sora Aoi is an actress."),
    ("Sora", "Sora 2 launched with an app.", "Sora is the hero of Kingdom Hearts."),
    ("Llama", "Meta released Llama 4.", "A llama spat at the farmer."),
    ("Llama", "Llama models are open weight.", "Llama wool is prized in Peru and the Andes."),
    ("Scale AI", "Meta invested in Scale AI.", "The company plans to scale AI across the firm."),
    ("Scale AI", "Scale AI labels data.", "Scale matters for cloud providers."),
    ("Figure AI", "Figure AI raised $1 billion.", "Figure 2 shows the results."),
    ("Lambda", "Lambda raised money to buy Nvidia GPUs.", "AWS Lambda runs serverless code."),
    ("Lambda", "Lambda Labs rents GPU cloud capacity.", "Lambda functions scale on demand."),
    ("Lambda", "GPU cloud Lambda filed for an IPO.", "Lambda calculus underpins functional code."),
    ("AWS Lambda", "AWS Lambda added a feature.", "Lambda rents out Nvidia GPUs in the cloud."),
    (
        "Safe Superintelligence",
        "Sutskever's SSI raised $2 billion.",
        "SSI benefits go to disabled adults.",
    ),
    (
        "Safe Superintelligence",
        "Safe Superintelligence is valued at $32 billion.",
        "Recipients of SSI get Social Security checks.",
    ),
    ("Inflection AI", "Microsoft hired Inflection's founders.", "It was an inflection point."),
    (
        "Inflection AI",
        "Inflection AI built the Pi chatbot.",
        "Inflection point reached, analysts say.",
    ),
    (
        "Character.AI",
        "Character.AI licensed its models to Google.",
        "The character of the deal changed.",
    ),
    ("Character.AI", "Google paid Character AI founders.", "Character matters in leadership."),
    (
        "Perplexity",
        "Perplexity raised money at a higher valuation.",
        "Perplexity scores fell during training.",
    ),
    ("Runway", "Runway released a video model.", "The plane taxied to the runway."),
    ("Runway", "AI video startup Runway raised funds.", "Runway lights lit up the airport."),
    ("Cursor", "Cursor, the AI code editor, raised funds.", "Move the cursor to the top."),
    ("Twitter", "Twitter banned the account.", "Birds twitter at dawn."),
    ("Nuance", "Microsoft bought Nuance for speech tech.", "Nuance is needed in this debate."),
    (
        "Activision Blizzard",
        "Blizzard games come to Xbox.",
        "A blizzard hit the city, and Blizzard warnings spread snow.",
    ),
    ("Alphabet", "Alphabet reported earnings.", "Alphabet soup for lunch."),
    ("Bard", "Google's Bard was renamed Gemini.", "The Bard of Avon wrote sonnets."),
    ("Oracle", "Oracle and OpenAI signed a deal.", "The Delphic Oracle advised kings."),
    ("Tesla", "Tesla cut prices.", "Nikola Tesla invented the induction motor."),
    ("Workday", "Workday bought an AI startup.", "Workday mornings are busy."),
    ("Sequoia Capital", "Sequoia led the round.", "Sequoia National Park is in California."),
    (
        "Apollo Global Management",
        "Apollo provided private credit for the data centre.",
        "Apollo 11 landed on the moon.",
    ),
    ("Benchmark", "Benchmark led the Series A round.", "Benchmark scores improved."),
    ("Fortune", "Fortune reported the figures.", "It is a Fortune 500 company."),
    (
        "The Information",
        "The Information reported the talks.",
        "The Information Commissioner fined them.",
    ),
    ("The Atlantic", "The Atlantic published the piece.", "The Atlantic Ocean is wide."),
    ("Bloomberg", "Bloomberg reported the deal.", "Michael Bloomberg ran for president."),
    ("Financial Times", "The FT reported the talks.", "The ceiling is 10 FT high."),
    ("Wired", "Wired reported the story.", "Wired headphones are back."),
    ("Nikkei", "Nikkei reported the plan.", "The Nikkei 225 index fell."),
    (
        "Securities and Exchange Commission",
        "The SEC sued the firm.",
        "The SEC football championship game.",
    ),
    (
        "Competition and Markets Authority",
        "The UK CMA opened a merger probe.",
        "The CMA awards honour country singers.",
    ),
    (
        "Bureau of Industry and Security",
        "BIS tightened export rules on Nvidia chips.",
        "The BIS, the central banks' bank in Basel.",
    ),
    ("HP", "HP sells PCs and printers.", "The car makes 300 HP."),
    ("Blackwell", "Nvidia's Blackwell GPUs shipped.", "Elizabeth Blackwell was a doctor."),
    ("Hopper", "Nvidia's Hopper chips sold out.", "Grace Hopper wrote the first compiler."),
    ("Kimi", "Moonshot's Kimi chatbot is popular in China.", "Kimi Raikkonen won the race."),
    ("Ernie", "Baidu's Ernie chatbot got an upgrade.", "Ernie Els won the golf open."),
    ("Alexa", "Amazon's Alexa got generative AI.", "Alexa Chung wore a dress."),
    ("United States", "The US and China met.", "Let us know."),
    ("United States", "The U.S. economy grew.", "It costs US$10 billion."),
    ("United States", "America leads in AI.", "Latin America is growing."),
    ("China", "China restricted exports.", "China Mobile rolled out 5G."),
    ("Texas", "A data centre in Texas.", "Texas Instruments makes chips."),
    ("Virginia", "Data centres in Virginia.", "West Virginia has coal."),
    ("Paris", "Mistral is based in Paris.", "Paris Hilton attended."),
    ("Crusoe", "Crusoe builds the Abilene site.", "Robinson Crusoe was a castaway."),
    ("Elon Musk", "Musk said xAI would raise funds.", "Kimbal Musk sits on the board."),
    ("Jensen Huang", "Huang said Nvidia chips are sold out.", "Huang won the local election."),
    ("Larry Ellison", "Ellison said Oracle would invest.", "David Ellison runs Paramount."),
]


@pytest.mark.parametrize(
    ("entity", "positive", "negative"),
    AMBIGUOUS,
    ids=[f"{e}-{i}" for i, (e, *_) in enumerate(AMBIGUOUS)],
)
def test_ambiguous_alias(entity: str, positive: str, negative: str, watchlist: Watchlist) -> None:
    assert entity in names(positive, watchlist)
    assert entity not in names(negative, watchlist)


# ---- discovery ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nvidia invested $300 million in Acme Robotics last year.", ["Acme Robotics"]),
        ("Microsoft acquired Foo Labs for $2 billion.", ["Foo Labs"]),
        ("Google has bought Zyphra, a startup that builds models.", ["Zyphra"]),
        ("Paris-based startup Qubitly AI raised $40 million.", ["Qubitly AI"]),
        ("Oracle announced a partnership with Bar Systems on Monday.", ["Bar Systems"]),
        ("Shares of Baz Inc. rose after the deal.", ["Baz"]),
        ("Quux Corp. and Zed Ltd agreed to merge.", ["Quux", "Zed"]),
        ("The chipmaker Veltrix said revenue rose.", ["Veltrix"]),
        ("The round was led by Horizon Ventures and others.", ["Horizon Ventures"]),
        ("AI startup Zyphra raised $100 million. Zyphra said it would hire.", ["Zyphra", "Zyphra"]),
        ("Investors like it. Zyphra raised $100 million, Zyphra said.", ["Zyphra", "Zyphra"]),
        ("Amazon agreed to buy Lumen Data Systems from its founders.", ["Lumen Data Systems"]),
        ("The company bought The Browser Company in June.", ["The Browser Company"]),
        ("The $2 billion round was led by Vireo, the company said.", ["Vireo"]),
        ("The round included 1789 Capital, Lightspeed and Eric Schmidt.", ["1789 Capital"]),
        (
            "It raised money with participation from Nokia, Dell and Orbis Investments.",
            ["Orbis Investments"],
        ),
        ("The campus is funded with debt financing from Pimco and others.", ["Pimco"]),
        ('"It will grow," said Jane Doe, an analyst at Quarry Research.', ["Quarry Research"]),
        ("Tom Lee, chief executive of Zyphra, said it would hire.", ["Zyphra"]),
        (
            "It sells to law firms such as Hartwell Lane and Cobb Reed.",
            ["Hartwell Lane", "Cobb Reed"],
        ),
    ],
)
def test_discovers_deal_parties_not_on_the_watchlist(
    text: str, expected: list[str], watchlist: Watchlist
) -> None:
    assert discovered(text, watchlist) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Microsoft invested $10 billion in OpenAI.",  # already on the watchlist
        "The company invested $5 billion in Texas and in January.",  # place, month
        "Investors raised concerns about the deal.",  # sentence-initial common word
        "It signed a deal with John Smith, the founder.",  # a person
        "He has a partnership with Reuters to distribute video.",  # a publisher
        "Microsoft invested heavily in AI and GPUs.",  # generic acronyms
        "Generative AI and Responsible AI are buzzwords in deals.",  # generic phrases
        "The CEO acquired Tuesday a stake.",  # weekday
        "It will invest $1 billion in Mount Pleasant, Wisconsin.",  # a town in a state
        "They tried to purchase Ford’s literary estate.",  # owner of the object
        "A research analyst at the Council on Energy, Environment and Water.",  # truncated
        "Apple invested in Apple pie bakeries.",  # a watchlist alias rejected by its rule
        "The deal was backed by Peter Jones and friends.",  # "backed by" needs an org suffix
        "The firm invested in Series B rounds last year.",  # funding-round words
        "Startups raised $10 billion in the quarter.",  # sentence-initial plural noun
        "A spokeswoman for Neumann declined to comment.",  # spokespeople speak for people too
        '"It begins," Dr. Luz Arroyo, a member of the group, said.',  # a person
        "Hugo Barra, vice president of Advanced Development Programs, spoke.",  # a division
    ],
)
def test_discovery_negatives(text: str, watchlist: Watchlist) -> None:
    assert discovered(text, watchlist) == []


def test_discovered_mentions_are_flagged_orgs_with_offsets(watchlist: Watchlist) -> None:
    text = "Intro.\n\nSoftBank invested $300 million in Acme Robotics Inc. on Friday."
    sentences = split_sentences(text)
    known = find_mentions(text, sentences, watchlist)
    (found,) = discover_orgs(text, sentences, watchlist, known)
    assert found.entity == "Acme Robotics"
    assert found.surface == "Acme Robotics Inc."
    assert (found.kind, found.discovered, found.sentence_index) == ("org", True, 1)
    assert text[found.start : found.end] == found.surface


def test_seed_articles_discover_nothing_new(seed_tags: dict[str, list[Mention]]) -> None:
    assert [m.entity for found in seed_tags.values() for m in found if m.discovered] == []
