"""Organisations as outlets write them: names found by general cues (legal forms, bodies,
acronyms, lists, roles), and mentions that name no actor (credits, former names, share
buttons, a platform as a medium, a brand before its owner). Phrasings written for these
tests; the names are made up unless the watchlist's own."""

from __future__ import annotations

import pytest

from pipeline.tagging.tagger import as_json, tag
from pipeline.tagging.watchlist import Watchlist, load_watchlist

ORG_KINDS = {"org", "publisher", "government"}


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def orgs(text: str, watchlist: Watchlist) -> set[str]:
    """The organisations `newsmon tag` names for `text`, as it names them."""
    out = as_json(tag("t", text, watchlist), watchlist)
    return {e["name"] for e in out["entities"] if e["kind"] in ORG_KINDS}


# ---- names found by general cues ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # a compound before the trigger: "-based", "console-makers such as"
        (
            "Quillon agreed terms with Lisbon-based Vantoria Media, which runs radio stations.",
            "Vantoria Media",
        ),
        ("Sales lag behind console-makers such as Brightforge and Quillon Games.", "Brightforge"),
        # a funding round for a startup
        ("Last week the fund led a $12 million round for Zorvex.", "Zorvex"),
        # a role before "of", with the role's acronym between
        (
            "Dana Reyes, chief executive officer (CEO) of Harlow Peak Advisers, said it was done.",
            "Harlow Peak Advisers",
        ),
        (
            "Omar Lint, CIO of Tessaly Capital Partners, called the deal fair.",
            "Tessaly Capital Partners",
        ),
        # the organisation before an analyst's name
        (
            "Brindle Risk Management analyst Paul Arden called it a surprise.",
            "Brindle Risk Management",
        ),
        # a body after a lower-case "the", a country in front kept
        ("Members were told to write to the Novelists Guild before May.", "Novelists Guild"),
        (
            "The reactor needs approval from the U.S. Atomic Safety Board first.",
            "U.S. Atomic Safety Board",
        ),
        # a name defined with its acronym
        (
            "Gorlan, together with the Northern Teachers Pension Board (NTPB), holds a stake.",
            "Northern Teachers Pension Board",
        ),
        # a possessive apposition: "his own design firm, X,"
        ("He left to start his own independent design firm, Plumwood, after that.", "Plumwood"),
        # a two-letter name with its legal form
        ("Group companies including QX Corp. and Drovana Corp. will use the tools.", "QX"),
        # a country's company after a deal trigger
        ("In May it announced deals with France's Le Matin and others.", "Le Matin"),
        # a list holding two known organisations
        ("Its revenue would be bigger than Qualcomm, Zembla, and Uber combined.", "Zembla"),
        # a company valued at a sum
        ("The fund now values Zorvex at $2 billion, down from $7 billion.", "Zorvex"),
        # a body's name after "the newly formed"
        (
            "The money flows through the newly formed Harbour Grid Investment Partnership.",
            "Harbour Grid Investment Partnership",
        ),
        # a role held at a company, written with a possessive
        ("On Friday, Zorvex's chief executive, Dana Reyes, resigned.", "Zorvex"),
        # a plural noun right before the names it describes
        ("Last year, AI startups Zembla, Quillon and Brindle raised money.", "Brindle"),
        ("It now faces chipmakers Zorvex and Harlow Peak in Asia.", "Harlow Peak"),
        # what only a company has, after a possessive; a company's spokesperson
        ("On Friday, Zorvex's shareholders voted the plan down.", "Zorvex"),
        ("The talks ended, a Brindle spokesperson said on Monday.", "Brindle"),
        # a listed company with its ticker
        ("In May, Brindle (NYSE: BRND) cut its outlook.", "Brindle"),
        # a party to a dispute, a competitor
        ("Last year a group of authors sued Zorvex in a federal court.", "Zorvex"),
        ("Regulators opened a probe into Harlow Peak over the fees.", "Harlow Peak"),
        ("Its new service competes with Zorvex and Brindle in Europe.", "Brindle"),
        # a university or an institute, anywhere
        ("He said so in a lecture at Harrowgate University last spring.", "Harrowgate University"),
        ("Economists at the Tillbury Institute expect more of them.", "Tillbury Institute"),
        # a name with a company ending, in a sentence about a dispute
        ("The judge recalled Brightforge Games' case against Apple.", "Brightforge Games"),
        # a university named with "of", a school inside it kept
        ("She said so at the University of Eastmoor in May.", "University of Eastmoor"),
        (
            "Dana Reyes, a professor at the University of Eastmoor Hale Law School, agreed.",
            "University of Eastmoor Hale Law School",
        ),
        # a cooperative, with its acronym or as an owner of the object
        (
            "The Northfield Power Cooperative (NPC) will buy the rest of the output.",
            "Northfield Power Cooperative",
        ),
        (
            "Zorvex agreed to acquire Brindle and Harlow Power Cooperative's combined stake.",
            "Harlow Power Cooperative",
        ),
        # a list after "organizations such as"
        ("It faces suits from news organizations such as Zembla Daily and others.", "Zembla Daily"),
        # a list after two joined nouns
        (
            "News outlets and content platforms including Zembla Daily and Brindle joined.",
            "Zembla Daily",
        ),
        # a list before "are among the other investors"
        ("Zorvex, Brightforge and Harlow are among the other investors.", "Harlow"),
        # a brand's owner after the brand: "Daily Ledger owner Acme", a creator
        ("Among them were Daily Ledger owner Zorvex, and two others.", "Zorvex"),
        ("Among them were Daily Ledger owner QMN, and two others.", "QMN"),
        ("In buying Flowkit creator Zembla, the chipmaker gains a team.", "Zembla"),
        # a company owned or backed by another, written as one compound
        ("It signed a licence with Zorvex-owned Brindle Meredith on Tuesday.", "Brindle Meredith"),
        # a person's employer before the role, a word between; a role with "and"
        ("The move surprised former Zorvex executive Dana Reyes, she said.", "Zorvex"),
        ("It caught the eye of Harrowgate marketing professor Dana Reyes.", "Harrowgate"),
        ("Backers include Zorvex founder and Chief Executive Dana Reyes.", "Zorvex"),
        # a firm's analysts, unnamed; an analyst working for a firm
        ("In a note, Brindle Cowen analysts cautioned that costs may rise.", "Brindle Cowen"),
        # ... opening a sentence, a name of two words
        ("Costs rose. Brindle Cowen analysts cautioned that more may come.", "Brindle Cowen"),
        # a place's name starting a longer name after a comma: no place apposition
        ("They met Daily Ledger owner QMN, USA Today owner Zorvex and others.", "QMN"),
        ('"It is big," said Omar Lint, a legal analyst for Zorvex Kluwer.', "Zorvex Kluwer"),
        # a utility or a consortium; an apposition before "set up by"
        ("It will build one with regional utility Energy Eastmoor next year.", "Energy Eastmoor"),
        ("The plant is run by Eastmoor Grid, a consortium of public utilities.", "Eastmoor Grid"),
        ("Talks are with Quillon, a small startup set up by two professors.", "Quillon"),
        # three capitals after a noun that names a company
        ("Private equity firm QMN and two banks also took part.", "QMN"),
        # what someone owns; a company's founders, counted or not
        ("The studio group owns Zorvex News as well.", "Zorvex News"),
        ("It hired Zorvex's three founders and a quarter of its staff.", "Zorvex"),
        # a firm's ending after one generic word
        ("The round's backers include Zorvex Capital and Frontier Ventures.", "Frontier Ventures"),
        # companies named by what they were to the subject: the companies it bought
        ("Earlier acquisitions of the group include Zorvex, Quillon and Brightforge.", "Quillon"),
        ("Big corporations such as Harrowgate and Brightforge signed up.", "Brightforge"),
        # a list that goes on after a name joined by "for" or "of"
        (
            "Its backers include Eastmoor Institute for Robotics, Zorvex and Quillon Labs.",
            "Zorvex",
        ),
        # a person's company in apposition
        ("Dana Reyes's holding company, Zorvex, also put money in.", "Zorvex"),
        # three capitals in a list of companies
        ("Clients include corporations such as Brightforge, QMN and Harrowgate.", "QMN"),
    ],
)
def test_finds_organisations_by_cue(text: str, found: str, watchlist: Watchlist) -> None:
    assert found in orgs(text, watchlist), orgs(text, watchlist)


def test_a_short_name_in_brackets_is_the_same_organisation(watchlist: Watchlist) -> None:
    text = (
        "The Provincial Teachers Pension Board (PTP Investments) is in talks to invest. "
        "PTP Investments declined to comment."
    )
    assert orgs(text, watchlist) == {"Provincial Teachers Pension Board"}


def test_a_name_and_the_same_name_with_a_suffix_are_one(watchlist: Watchlist) -> None:
    text = "Investors in Vellum AI will be repaid. Investors in Vellum, an AI startup, agreed."
    assert orgs(text, watchlist) == {"Vellum"}


def test_an_owner_written_before_its_product_is_named(watchlist: Watchlist) -> None:
    assert "Microsoft" in orgs("It now competes with Microsoft Azure for cloud work.", watchlist)


@pytest.mark.parametrize(
    "text",
    [
        # a legal form after "a": no company's name
        "OpenAI converted into a Public Benefit Corporation last year.",
        # a count before "AI"
        "The company signed more than 30 AI contracts in the quarter, worth $2 billion.",
        # words that spell out the acronym before them
        "The partnership centres on AI-RAN (Artificial Intelligence Radio Access Networks).",
        # an opening word is not part of a name
        "Despite AI's promise, the deal with Nvidia collapsed.",
        # funding for a programme is no round for a company
        "Congress approved new funding for Artemis, the lunar programme, in March.",
        # a site defined with its acronym
        "Constellation said the Harbor Clean Energy Center (HCEC) opens in 2027.",
        # a list a head noun introduces: the noun says what the names are
        "Customers could not reach services including Lumen, Brisk, Google and Amazon.",
        # "University" alone, or a hospital named after one, is no university's name
        "The University said the Quillon University Hospital reopened.",
        # a company ending in a sentence about neither a deal nor a dispute
        "Fans queued for hours to try Brightforge Games in the hall.",
        # a valuation of something the company owns, or no sum at all
        "Investors valued Zorvex's stake at $3 billion.",
        "Investors valued Zorvex highly in the spring.",
        # a plural noun that people are too: no company follows it for sure
        "The round drew investors Dana Reyes and Omar Lint, both former bankers.",
        # a person's things after a possessive, a person's spokesperson
        "On Friday, Brindle's lawyers and Brindle's friends were told.",
        "The claim was false, the Dana Reyes spokesperson said on Monday.",
        # a list's name the article also writes after an unlisted given name: a surname
        "Meta hired Apple executive Ruomeng Vask. Apple, Vask and OpenAI gave no comment.",
        # a person's surname after a dispute word is a person
        "Dana Reyes left in May. A month later, the company sued Reyes in court.",
        # a ticker after a lower-case word and a legal word: no name
        "It licenses designs from acme Holding (NASDAQ: ACME) for its chips.",
        # a place named with "Bank" is no bank
        "Settlers moved into the West Bank last year, officials said.",
        # a list after a noun phrase that ends in another plural noun
        "Its model beats rivals on common benchmarks such as Zembla, Quillon and Brindle.",
        # a product after a possessive and "platform"
        "Authors sued the chipmaker over its AI platform Zembla last week.",
        # a country before a company ending
        "Anthropic, a US AI startup, raised $30 billion.",
        # a title before a person's name in a list of investors
        "Investors including Prince Dana Reyes and Omar Lint put in $5 million.",
        # three capitals before more words of a noun phrase
        "The San Francisco-based CRM giant held talks in April.",
        # an adjective opening a sentence before a company's name and a role
        "Zorvex's board met. Ousted Zorvex CEO Dana Reyes can still name directors.",
        # a verb after an apposition's noun: the sentence goes on
        "With Zembla Move, the company created a speaker that travels.",
    ],
)
def test_no_organisation_where_no_cue_holds(text: str, watchlist: Watchlist) -> None:
    known = {"OpenAI", "NVIDIA", "Constellation Energy", "Google", "Amazon", "Anthropic"}
    known |= {"Apple", "Meta"}
    found = orgs(text, watchlist) - known
    assert found == set(), found


# ---- mentions that name no actor ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Musk's startup bought X, formerly known as Twitter, for stock.", "Twitter"),
        ("Users went to X (formerly Twitter) to complain about the outage.", "Twitter"),
        ("OpenAI signed the deal.\nImage: Shutterstock\nMore follows.", "Shutterstock"),
        ("OpenAI signed the deal.\nPhoto: Jo Park/Getty Images\nMore follows.", "Getty Images"),
        ("Axel Springer's brands | Jo Park/AFP via Getty Images\nOpenAI signed.", "Getty Images"),
        ("[Adobe Stock]\nThe financing round would be among the largest.", "Adobe"),
        ("Skip to Content Facebook Feature Image\nGoogle to buy Wiz.", "Facebook"),
        ("Musk said in a post on X that he had no talks with OpenAI.", "X"),
        ("According to his LinkedIn profile, he worked at Google.", "LinkedIn"),
        ("Amazon abandoned its bid for Roomba maker iRobot after a review.", "Roomba"),
        ("It sits alongside SpaceX and TikTok owner ByteDance Ltd. in size.", "TikTok"),
        ("Meta, the company behind Facebook and Instagram, signed a cloud deal.", "Instagram"),
        ("Meta, the company behind Facebook and Instagram, signed a cloud deal.", "Facebook"),
        ("It works something like a Netflix for video games, Microsoft says.", "Netflix"),
        ("Quillon, he argued, is the Tesla of home robots.", "Tesla"),
        # a brand before its owner, after a deal trigger
        ("Meta bought a stake in Glimmer eyewear maker Zorvex Vision.", "Glimmer"),
        ("He first shared the photo on what was then Twitter, in 2019.", "Twitter"),
        # a public body as the venue of an event; a credit after a bar
        ("Quillon unveiled the plan at a news conference at the White House.", "White House"),
        ("Weeks after a lavish White House dinner, Quillon cut its plans.", "White House"),
        ("Jo Park and Dana Reyes (left)|The White House\nQuillon cut its plans.", "White House"),
    ],
)
def test_sets_aside_mentions_that_name_no_actor(
    text: str, absent: str, watchlist: Watchlist
) -> None:
    assert absent not in orgs(text, watchlist), orgs(text, watchlist)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # a possessive after "formerly" or "on" is the company itself
        ("Jo Park, formerly Windsurf's head of business, now leads it.", "Windsurf"),
        ("A video on Microsoft's results drew many views.", "Microsoft"),
        # a platform named as an actor elsewhere stays
        ("xAI bought X. Musk announced the merger on X.", "X"),
        # money spent on a company is no post on a platform
        ("Anthropic said it will spend $30 billion on Microsoft cloud capacity.", "Microsoft"),
        # a public body that acts, in a sentence about an event
        ("The White House said the summit would go ahead.", "White House"),
        # a bar inside a line is no credit
        ("Quillon | Zorvex deal: OpenAI signs with Microsoft today.", "Microsoft"),
    ],
)
def test_keeps_actors_beside_those_cues(text: str, present: str, watchlist: Watchlist) -> None:
    assert present in orgs(text, watchlist), orgs(text, watchlist)


# ---- watchlist names whose rule wants context words ----------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # "Slack" alone needs a word such as "app" nearby; a list of startups is enough
        ("The fund made early bets in startups including Zembla, Stripe and Slack.", "Slack"),
        # "Glean" alone needs "search" or "startup" nearby; an acquisition's object is enough
        ("Last spring Quillon quietly acquired Glean for stock.", "Glean"),
        # a funding round's recipient
        ("In May the fund led a $5 million round for Harvey.", "Harvey"),
    ],
)
def test_a_position_stands_in_for_the_context_a_rule_wants(
    text: str, found: str, watchlist: Watchlist
) -> None:
    assert found in orgs(text, watchlist), orgs(text, watchlist)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # out of such a position the rule still wants its words
        ("Hikers cut the slack line. Slack was the only word he said.", "Slack"),
        # a rule's evidence against a hit still holds in the position: a neighbour word
        ("The deal with Harvey Ortega closed on Friday.", "Harvey"),
    ],
)
def test_a_rule_still_rejects_on_evidence(text: str, absent: str, watchlist: Watchlist) -> None:
    assert absent not in orgs(text, watchlist), orgs(text, watchlist)


# ---- how an article's spelling becomes the name -------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a shortened spelling keeps the full canonical name
        ("The NY Times sued two AI companies over its archive.", "The New York Times"),
        # as many words, another order: the article's spelling
        ("The Commerce Department added rules for chip exports.", "Commerce Department"),
        # initials written without dots are no shorter ("US" is "U.S.")
        ("The US government took a stake in the chipmaker.", "US government"),
        # a fuller spelling than the canonical one is kept
        ("The US Department of Justice sued to stop the merger.", "US Department of Justice"),
    ],
)
def test_the_name_an_article_gives(text: str, name: str, watchlist: Watchlist) -> None:
    assert name in orgs(text, watchlist), orgs(text, watchlist)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # a brand naming its owner, who is not named: "the Instagram parent"
        ("The pact gives the Instagram parent more chips for training.", "Instagram"),
        ("Analysts said the TikTok owner's offer was low.", "TikTok"),
        # an owner's brands, listed as what it owns
        (
            "Readers see pieces from Quillon's titles, which include TechCrunch and Axios.",
            "TechCrunch",
        ),
        ("Readers see pieces from Quillon's titles, which include TechCrunch and Axios.", "Axios"),
        # a company's own apps, a few words after the noun
        ("Two billion people use one of its apps daily, including WhatsApp.", "WhatsApp"),
        ("The group said their apps, such as Instagram, grew fast.", "Instagram"),
        # a streaming service is a product, not its owner
        ("Viewers of Disney Plus and Disney+ lost their streams for an hour.", "Walt Disney"),
    ],
)
def test_a_brand_is_no_actor(text: str, absent: str, watchlist: Watchlist) -> None:
    assert absent not in orgs(text, watchlist), orgs(text, watchlist)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # the watchlist puts Meta above these: they are what Meta owns
        ("Meta, which owns Instagram and WhatsApp, signed a power deal.", "Instagram"),
        ("Meta, which owns Instagram and WhatsApp, signed a power deal.", "WhatsApp"),
        # where a product runs is no party
        ("The assistant, built into WhatsApp and Instagram, now cites news.", "WhatsApp"),
        # a brand naming its owner, unnamed after the possessive
        ("Instagram's parent company plans a data centre in Ohio.", "Instagram"),
        # the titles content is drawn from
        ("The deal brings Axel Springer content from Politico and Bild to users.", "Politico"),
        ("The deal brings Axel Springer content from Politico and Bild to users.", "Bild"),
        (
            "It draws on content from over 40 publications including Politico and Bild.",
            "Politico",
        ),
        # what a company makes, after "the maker of"
        ("Quillon agreed to buy the maker of WhatsApp for cash.", "WhatsApp"),
    ],
)
def test_a_platform_or_product_named_for_its_owner_is_no_actor(
    text: str, absent: str, watchlist: Watchlist
) -> None:
    assert absent not in orgs(text, watchlist), orgs(text, watchlist)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # a company owned by someone the watchlist does not put above it
        ("SoftBank, which owns Arm, is raising money for the deal.", "Arm"),
        # an owner's name right after the possessive: the brand is a company of note there
        ("It says Google's parent company Alphabet will spend more.", "Google"),
        ("Shares in Alphabet, Google's parent company, fell 4%.", "Google"),
        # content from one named source, no owner before it: a party to a licence
        (
            "The licence covers editorial content from The New York Times, including recipes.",
            "The New York Times",
        ),
        # a possessive after the hosting words is the company, not a platform
        ("The cost is already built into Arm's forecast for the year.", "Arm"),
    ],
)
def test_an_owned_company_that_may_act_stays(text: str, present: str, watchlist: Watchlist) -> None:
    assert present in orgs(text, watchlist), orgs(text, watchlist)


def test_a_product_named_as_a_company_is_one(watchlist: Watchlist) -> None:
    # the watchlist has Cursor as a product of Anysphere; "startup Cursor" names a company:
    # the deal is with Cursor itself, not with its owner
    text = "Microsoft weighed buying code-generation startup Cursor. Cursor declined to comment."
    tagged = tag("t", text, watchlist)
    assert [[p.name for p in d.parties] for d in tagged.deals] == [["Microsoft", "Cursor"]]
    # stored, it keeps its listed kind, so an entity has one kind in every view
    assert {m.kind for m in tagged.mentions if m.entity == "Cursor"} == {"product"}


@pytest.mark.parametrize(
    "text",
    [
        # a product after a product noun, or in a list that holds products too
        "Games will be exclusive to its cloud gaming platform, Xbox Game Pass, it said.",
        "As with rivals like ChatGPT, monthly visits to the site slipped.",
    ],
)
def test_a_product_in_a_product_position_stays_a_product(text: str, watchlist: Watchlist) -> None:
    out = as_json(tag("t", text, watchlist), watchlist)
    kinds = [e["kind"] for e in out["entities"] if e["canonical"] != "Microsoft"]
    assert kinds, out
    assert set(kinds) == {"product"}, out


def test_a_brand_that_acts_stays(watchlist: Watchlist) -> None:
    text = "Instagram signed a licence with Quillon. The Instagram parent did not comment."
    assert "Instagram" in orgs(text, watchlist)


# ---- a country's government -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The Norwegian government will take a stake in the plant.", "Norwegian government"),
        ("Quillon said the Government of Norway would back the fund.", "Government of Norway"),
        (
            "Pledges came from the Australian federal government, Quillon said.",
            "Australian government",
        ),
    ],
)
def test_a_country_s_government_is_an_organisation(
    text: str, found: str, watchlist: Watchlist
) -> None:
    assert found in orgs(text, watchlist), orgs(text, watchlist)


def test_one_government_however_the_article_writes_it(watchlist: Watchlist) -> None:
    text = (
        "The Government of Norway will back Quillon's plant. "
        "Later the Norwegian government doubled its pledge."
    )
    assert orgs(text, watchlist) >= {"Government of Norway"}
    assert "Norwegian government" not in orgs(text, watchlist)


@pytest.mark.parametrize(
    "text",
    [
        "Staff at a Norwegian government agency reviewed the offer.",
        "Quillon sold Norwegian government bonds last year.",
    ],
)
def test_a_government_as_a_qualifier_is_no_organisation(text: str, watchlist: Watchlist) -> None:
    assert not {n for n in orgs(text, watchlist) if "overnment" in n}, orgs(text, watchlist)


def test_the_federal_government_of_another_country_is_not_the_us_one(
    watchlist: Watchlist,
) -> None:
    canadian = (
        "The plant near Calgary is backed by the federal government, Canadian officials said."
    )
    american = "The plant near Austin is backed by the federal government, officials said."
    assert "U.S. government" not in orgs(canadian, watchlist)
    assert "U.S. government" in orgs(american, watchlist)
