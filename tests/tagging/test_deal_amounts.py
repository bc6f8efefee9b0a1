"""A deal's sum told after the deal: a later sentence names the deal back ("the investment
could top $3 billion") and gives its size. Read alone (`named_back_sums`), given to the deals
already read (`with_named_back_sums`), and through the whole deal reader."""

from __future__ import annotations

import pytest

from pipeline.records import DealMention, Party
from pipeline.tagging.deals.amounts import (
    follow_up_sum,
    named_back_sums,
    own_sums,
    with_named_back_sums,
)
from pipeline.tagging.money import find_amounts
from pipeline.tagging.watchlist import Watchlist, load_watchlist
from tests.tagging.test_deals import deals_in

B = 1e9

TIED = [
    # (sentence, the sum, the noun that names the deal back)
    ("Analysts think the deal could be worth more than $6 billion.", 6 * B, "deal"),
    (
        "People close to it say the investment will come to $5 billion over time.",
        5 * B,
        "investment",
    ),
    (
        "Terms may change, but the investment could exceed $2 billion, one said.",
        2 * B,
        "investment",
    ),
    ("The financial commitment could potentially top $9 billion.", 9 * B, "commitment"),
    ("This licensing deal is worth about $40 million a year, a source said.", 0.04 * B, "deal"),
    ("The agreement's total value is put at up to $7 billion.", 7 * B, "agreement"),
    ("The estimated $4-billion supply agreement drew praise.", 4 * B, "agreement"),
    (
        "The three firms plan to put up to $50 billion into the joint venture.",
        50 * B,
        "joint venture",
    ),
    ("The acquisition, valued at about $8 billion, should close soon.", 8 * B, "acquisition"),
    ("The purchase price was about $700 million, two people said.", 0.7 * B, "purchase"),
    ("Under the arrangement, the phone maker would pay $1 billion a year.", 1 * B, "arrangement"),
    ("The takeover—valued at $32 billion—would be its largest.", 32 * B, "takeover"),
    ("The contract, which runs for five years, is worth $17 billion.", 17 * B, "contract"),
    ("The agreement has a total value of up to $19 billion, it said.", 19 * B, "agreement"),
    ("People familiar with it valued the deal at about $32 billion.", 32 * B, "deal"),
    ("The supplier put the deal's value at $17 billion.", 17 * B, "deal"),
    ("Amazon's investment could be as much as $4 billion.", 4 * B, "investment"),
    # the deal's size by another name, and in an aside that says it
    ("A trade paper reported the package was worth $10 billion.", 10 * B, "package"),
    ("The price is $6.5 billion, including debt.", 6.5 * B, "price"),
    ("The deal, which is worth $5 billion, should close soon.", 5 * B, "deal"),
    ("The investment, which could reach $2 billion, was confirmed.", 2 * B, "investment"),
]


@pytest.mark.parametrize(("sentence", "usd", "noun"), TIED, ids=[c[0][:45] for c in TIED])
def test_a_sum_tied_to_a_deal_named_back(sentence: str, usd: float, noun: str) -> None:
    ((amount, _, named),) = named_back_sums(sentence)
    assert amount.usd == pytest.approx(usd)
    assert named == noun


def test_the_noun_says_which_deal_types_it_can_name() -> None:
    ((_, types, _),) = named_back_sums("The investment could top $3 billion.")
    assert types == {"investment"}
    ((_, types, _),) = named_back_sums("This licensing deal is worth $40 million a year.")
    assert types == {"licensing"}
    ((_, types, _),) = named_back_sums("The deal could be worth $6 billion.")
    assert {"acquisition", "investment", "contract", "licensing"} <= types


@pytest.mark.parametrize(
    "sentence",
    [
        # the sum belongs to another deal the sentence tells
        "The deal follows Microsoft's $10 billion investment in OpenAI.",
        # a valuation, a running total and a stake's value are not the deal's sum
        "The deal values the startup at $20 billion.",
        "The deal brings its total investment in the lab to $8 billion.",
        "The deal gives Google a stake worth $1 billion.",
        "The investment would value the startup at more than $25 billion.",
        # a sum under the deal that is not paid for it
        "Under the deal, the lab reported revenue of $2 billion.",
        # a relative clause with its own sum, then no size for the deal
        "The deal, which follows a $2 billion purchase of shares, is expected to close soon.",
        # an earlier deal named by its age
        "Amazon's first investment was $1.25 billion.",
        "The earlier $4 billion deal gave it a minority stake.",
        "The previous agreement was worth $3 billion.",
        # no deal named back: "a deal" is a new one, "the company" is no deal
        "A $3 billion deal was also on the table.",
        "The company is worth more than $40 billion.",
        # a package or a price that is no deal's
        "The chief executive's pay package is worth $100 million.",
        "The share price is now $120.",
    ],
)
def test_sums_not_tied_to_a_deal_named_back(sentence: str) -> None:
    assert named_back_sums(sentence) == []


def told(type_: str, index: int, sentence: str, amount: str | None = None) -> DealMention:
    parties = (Party("Amazon", "investor"), Party("Mistral AI", "target"))
    money = find_amounts(amount)[0] if amount else None
    return DealMention(type_, parties, "announced", sentence, index, amount=money)


def test_the_nearest_earlier_deal_the_noun_can_name_takes_the_sum() -> None:
    deals = [
        told("acquisition", 0, "Amazon agreed to buy a small studio."),
        told("investment", 1, "Amazon will invest in Mistral AI."),
    ]
    given = with_named_back_sums(deals, 2, "The investment could top $3 billion.")
    assert given[0].amount is None
    assert given[1].amount is not None and given[1].amount.usd == pytest.approx(3 * B)
    assert given[1].deal_key.endswith("$1B-$10B")


def test_a_deal_with_a_sum_keeps_it_and_no_other_deal_takes_the_restated_one() -> None:
    deals = [
        told("investment", 0, "Amazon invested in Mistral AI."),
        told("investment", 1, "Amazon will invest $2 billion in Mistral AI.", "$2 billion"),
    ]
    given = with_named_back_sums(deals, 2, "The investment could be worth $2.5 billion.")
    assert [d.amount and d.amount.usd for d in given] == [None, pytest.approx(2 * B)]


def test_a_sum_some_deal_already_holds_is_not_a_follow_up() -> None:
    deals = [
        told("investment", 0, "Amazon will invest in Mistral AI."),
        told("acquisition", 1, "Mistral AI bought a lab for $1 billion.", "$1 billion"),
    ]
    given = with_named_back_sums(deals, 2, "The deal was worth $1 billion, it said.")
    assert given[0].amount is None


def test_a_deal_named_back_from_too_far_or_by_the_wrong_noun_gets_nothing() -> None:
    deals = [told("acquisition", 0, "Amazon agreed to buy Mistral AI.")]
    assert with_named_back_sums(deals, 12, "The deal could be worth $6 billion.")[0].amount is None
    assert with_named_back_sums(deals, 1, "The investment may top $6 billion.")[0].amount is None
    # a deal with another told after it is named back from nearby only
    deals.append(told("investment", 1, "Amazon invested in a lab.", "$1 billion"))
    assert with_named_back_sums(deals, 6, "The deal could be worth $6 billion.")[0].amount is None


def test_the_last_deal_told_may_be_named_back_paragraphs_later() -> None:
    deals = [told("acquisition", 0, "Amazon said it had acquired Mistral AI.")]
    given = with_named_back_sums(deals, 6, "A trade site reported the deal was worth $200 million.")
    assert given[0].amount is not None and given[0].amount.usd == pytest.approx(0.2 * B)


def test_a_deal_told_with_the_noun_may_be_named_back_by_it_whatever_its_type() -> None:
    # an investment that extends a partnership may be typed as the partnership
    deals = [told("partnership", 0, "Amazon will extend its partnership with a new investment.")]
    given = with_named_back_sums(deals, 1, "The investment will come to $4 billion.")
    assert given[0].amount is not None and given[0].amount.usd == pytest.approx(4 * B)


# ---- through the deal reader ------------------------------------------------------------


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def the_sum(text: str, watchlist: Watchlist, type_: str) -> float | None:
    (deal,) = [d for d in deals_in(text, watchlist) if d.type == type_]
    return deal.amount.usd if deal.amount else None


def test_the_reader_gives_a_deal_the_sum_a_later_sentence_names_back(
    watchlist: Watchlist,
) -> None:
    text = (
        "Amazon is in talks to invest in Mistral AI, two people familiar with the matter said.\n"
        "Details may still change, but the investment could top $3 billion, one of them said."
    )
    assert the_sum(text, watchlist, "investment") == pytest.approx(3 * B)


def test_the_reader_reads_a_sum_named_back_across_sentences_and_paragraphs(
    watchlist: Watchlist,
) -> None:
    text = (
        "Nvidia has agreed to acquire Groq, the chip startup said on Monday.\n\n"
        "Its founders will join Nvidia.\n\n"
        "Analysts think the deal could be worth more than $6 billion."
    )
    assert the_sum(text, watchlist, "acquisition") == pytest.approx(6 * B)


def test_the_reader_gives_the_last_deal_the_sum_named_back_paragraphs_later(
    watchlist: Watchlist,
) -> None:
    text = (
        "Amazon said on Tuesday that it has acquired Mistral AI, the Paris start-up.\n\n"
        "The retailer buys small firms from time to time.\n\n"
        "It rarely says why. A spokesman declined to say more.\n\n"
        "The start-up has 40 employees.\n\n"
        "A trade site reported that the deal was worth about $200 million."
    )
    assert the_sum(text, watchlist, "acquisition") == pytest.approx(0.2 * B)


@pytest.mark.parametrize(
    ("text", "type_", "usd"),
    [
        (
            "Nvidia agreed to license Groq's technology and hire its top engineers. Terms were "
            "not disclosed, but a news channel reported Nvidia would pay $20 billion in cash.",
            "licensing",
            20 * B,
        ),
        (
            "Microsoft struck a licensing deal with Inflection AI. Microsoft is paying "
            "Inflection AI about $650 million, a trade site reported.",
            "licensing",
            0.65 * B,
        ),
    ],
)
def test_a_party_of_the_last_deal_paying_a_sum_gives_it_that_sum(
    text: str, type_: str, usd: float, watchlist: Watchlist
) -> None:
    assert the_sum(text, watchlist, type_) == pytest.approx(usd)


@pytest.mark.parametrize(
    "text",
    [
        # another company pays: some other deal's sum
        "Nvidia agreed to license Groq's technology. Intel would pay $20 billion for a rival.",
        # a sum paid in an earlier deal the sentence compares with
        "Nvidia agreed to license Groq's technology. That follows Nvidia paying $7 billion "
        "for a network maker.",
        # a sum not paid: revenue
        "Nvidia agreed to license Groq's technology. Nvidia reported $30 billion in revenue.",
    ],
)
def test_a_sum_paid_by_no_party_or_for_something_else_stays_apart(
    text: str, watchlist: Watchlist
) -> None:
    assert the_sum(text, watchlist, "licensing") is None


def test_the_reader_gives_a_joint_venture_the_sum_put_into_it(watchlist: Watchlist) -> None:
    text = (
        "Oracle, SoftBank and OpenAI are forming a joint venture to build data centres in Texas. "
        "The three firms plan to put up to $50 billion into the joint venture over five years."
    )
    assert the_sum(text, watchlist, "joint_venture") == pytest.approx(50 * B)


def test_a_takeover_named_back_takes_the_value_it_puts_on_its_target(
    watchlist: Watchlist,
) -> None:
    text = "CoreWeave agreed to buy Core Scientific. The deal values Core Scientific at $9 billion."
    assert the_sum(text, watchlist, "acquisition") == pytest.approx(9 * B)
    # a merger's combined group is no price
    text = "CoreWeave agreed to buy Core Scientific. The deal values the merged group at $90bn."
    assert the_sum(text, watchlist, "acquisition") is None
    # an investment named back values the company it goes into: no sum of the investment
    text = "Meta is in talks to invest in Scale AI. The investment would value it at $25 billion."
    assert the_sum(text, watchlist, "investment") is None


def test_the_reader_keeps_a_deal_without_a_sum_when_none_is_named_back(
    watchlist: Watchlist,
) -> None:
    text = (
        "Nvidia has agreed to acquire Groq, the chip startup said on Monday. "
        "Analysts think the startup could be worth more than $6 billion."
    )
    assert the_sum(text, watchlist, "acquisition") is None


@pytest.mark.parametrize(
    ("text", "usd"),
    [
        ("Google has put about $300mn into Anthropic, the lab said.", 0.3 * B),
        ("Amazon has put USD 2 billion into Anthropic, the lab said.", 2 * B),
        ("Nvidia has put US$1.5-billion into xAI, the lab said.", 1.5 * B),
    ],
)
def test_a_trigger_that_needs_a_sum_reads_every_written_form(
    text: str, usd: float, watchlist: Watchlist
) -> None:
    assert the_sum(text, watchlist, "investment") == pytest.approx(usd)


def test_a_takeover_priced_per_share_and_in_all_takes_the_whole_price(
    watchlist: Watchlist,
) -> None:
    text = "Salesforce agreed to buy Informatica for $25 a share in cash, or about $8 billion."
    assert the_sum(text, watchlist, "acquisition") == pytest.approx(8 * B)


@pytest.mark.parametrize(
    "text",
    [
        "Nvidia agreed to buy Groq, which has raised $1.8 billion from investors since 2016.",
        "Nvidia, which has invested $2 billion in xAI, agreed to buy Groq.",
        # a leading aside that tells an earlier deal
        "Months after raising $6 billion, Nvidia agreed to buy Groq in an all-stock deal.",
        "Following its $4 billion investment last year, Nvidia agreed to buy Groq.",
    ],
)
def test_a_sum_raised_or_invested_is_no_takeover_price(text: str, watchlist: Watchlist) -> None:
    assert the_sum(text, watchlist, "acquisition") is None


def test_a_leading_aside_leaves_the_deal_its_own_sum(watchlist: Watchlist) -> None:
    text = "After months of talks, Nvidia agreed to buy Groq for $6 billion."
    assert the_sum(text, watchlist, "acquisition") == pytest.approx(6 * B)


# ---- several deals told in one sentence -------------------------------------------------


def test_each_company_takes_the_sum_told_just_before_it(watchlist: Watchlist) -> None:
    deals = deals_in("Nvidia invested $2 billion in xAI and $500 million in Mistral AI.", watchlist)
    sums = {d.parties[-1].name: d.amount.usd if d.amount else None for d in deals}
    assert sums == {"xAI": pytest.approx(2 * B), "Mistral AI": pytest.approx(0.5 * B)}


def test_own_sums_by_where_each_sum_stands() -> None:
    text = "The fund put $3 billion into Acme Robotics and $1 billion into Beta Labs."
    named = [("Acme Robotics", text.index("Acme")), ("Beta Labs", text.index("Beta"))]
    assert {name: a.usd for name, a in own_sums(text, named).items()} == {
        "Acme Robotics": pytest.approx(3 * B),
        "Beta Labs": pytest.approx(1 * B),
    }


@pytest.mark.parametrize(
    "text",
    [
        # a sum told before a list of companies is the list's, none of them's own
        "It has committed more than $30 billion to Acme, Beta and Gamma.",
        "It has committed more than $30 billion to providers such as Acme and Beta.",
        # a valuation beside a company is no sum that goes to it
        "Its stake, valued at $30 billion in Acme, rose.",
        "It put $30 billion into Acme and Beta.",
    ],
)
def test_no_own_sum_for_a_list_or_a_valuation(text: str) -> None:
    named = [(n, text.index(n)) for n in ("Acme", "Beta", "Gamma") if n in text]
    assert own_sums(text, named) == {}


# ---- a sentence that follows a deal up ----------------------------------------------------

DEAL_KINDS = frozenset({"deal"})


@pytest.mark.parametrize(
    ("sentence", "usd"),
    [
        ("The deal is worth $5 billion, the buyer said.", 5 * B),
        ("This agreement covers $3 billion of computing over five years.", 3 * B),
        # a sum of an earlier deal the sentence compares with is not this deal's
        ("The deal comes years after the group invested $1 billion in the lab.", None),
        ("The investment follows a rival's $4 billion investment last year.", None),
        ("This takeover is smaller than the $32 billion the group paid for a chip designer.", None),
        # ... unless the sentence also names this deal's own size
        ("The deal, worth $6 billion, follows a $2 billion purchase last year.", 6 * B),
    ],
)
def test_the_sum_a_follow_up_sentence_gives(sentence: str, usd: float | None) -> None:
    amount = follow_up_sum(sentence, find_amounts(sentence), DEAL_KINDS)
    assert (amount.usd if amount else None) == (pytest.approx(usd) if usd else None)


def test_a_follow_up_that_compares_with_an_earlier_deal_gives_no_sum(
    watchlist: Watchlist,
) -> None:
    text = (
        "Microsoft is in talks to invest more in OpenAI, people familiar said. "
        "The deal would come years after Microsoft invested $1 billion in OpenAI in 2019."
    )
    (deal,) = [d for d in deals_in(text, watchlist) if d.sentence_index == 0]
    assert deal.amount is None


def test_a_sentence_naming_other_companies_names_back_none_of_the_deals_before() -> None:
    deals = [told("investment", 0, "Amazon will invest in Mistral AI.")]
    sentence = "The deal is worth $3 billion, Acme Robotics said of its own takeover."
    assert with_named_back_sums(deals, 1, sentence, ["Acme Robotics"])[0].amount is None
    given = with_named_back_sums(deals, 1, sentence, ["Acme Robotics", "Amazon"])
    assert given[0].amount is not None


def test_a_name_followed_by_a_clause_of_its_own_is_no_list() -> None:
    text = "After the fund put $3 billion into Acme, Beta raised $1 billion from it."
    named = [("Acme", text.index("Acme")), ("Beta", text.index("Beta"))]
    assert {name: a.usd for name, a in own_sums(text, named).items()} == {
        "Acme": pytest.approx(3 * B)
    }


@pytest.mark.parametrize(("pointer", "owner"), [("latter", "Beta"), ("former", "Acme")])
def test_the_former_and_the_latter_point_at_the_companies_named_before(
    pointer: str, owner: str
) -> None:
    text = f"The fund backs Acme and Beta, leading a $5 billion round for the {pointer}."
    named = [("Acme", text.index("Acme")), ("Beta", text.index("Beta"))]
    assert {name: a.usd for name, a in own_sums(text, named).items()} == {
        owner: pytest.approx(5 * B)
    }


def test_the_reader_gives_the_latter_its_sum(watchlist: Watchlist) -> None:
    text = "SoftBank backed Perplexity and OpenAI, putting $20 million into the former."
    sums = {
        d.parties[-1].name: d.amount.usd if d.amount else None for d in deals_in(text, watchlist)
    }
    assert sums == {"Perplexity": pytest.approx(0.02 * B), "OpenAI": None}


# ---- a headline's sum ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_", "usd"),
    [
        (
            "Nvidia's $5 billion Intel bet\n"
            "Nvidia said on Thursday it will buy shares of Intel, taking a 4% stake in the firm.",
            "investment",
            5 * B,
        ),
        (
            "Microsoft-Nuance: $16bn deal to boost healthcare push\n"
            "Microsoft has agreed to buy Nuance Communications, the companies said.",
            "acquisition",
            16 * B,
        ),
    ],
)
def test_a_headline_gives_its_sum_to_the_deal_the_body_tells_first(
    text: str, type_: str, usd: float, watchlist: Watchlist
) -> None:
    assert the_sum(text, watchlist, type_) == pytest.approx(usd)


@pytest.mark.parametrize(
    "text",
    [
        # the body's first deal is not among the companies the headline names
        "Nvidia's $5 billion Intel bet\nAmazon will invest in Anthropic, the companies said.",
        # a first sentence that ends like one is no headline
        "Analysts expect a $5 billion deal.\nNvidia will invest in Intel, the companies said.",
    ],
)
def test_a_headline_sum_goes_to_no_other_deal(text: str, watchlist: Watchlist) -> None:
    assert all(d.amount is None for d in deals_in(text, watchlist))


def test_a_sum_before_a_round_for_each_company_is_that_companys() -> None:
    text = (
        "In November, OpenAI led a $23.5 million round for Mem and a $5 million round for Harvey."
    )
    named = [("Mem", text.index("Mem")), ("Harvey", text.index("Harvey"))]
    own = own_sums(text, named)
    assert {name: amount.usd for name, amount in own.items()} == {"Mem": 23.5e6, "Harvey": 5e6}
