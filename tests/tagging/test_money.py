"""The money parser: amounts as news writes them, their USD value, qualifier and kind, and
stake percentages."""

from __future__ import annotations

import re

import pytest

from pipeline.tagging.money import (
    RATES_DATE,
    SUM_PATTERN,
    USD_PER_UNIT,
    find_amounts,
    find_stakes,
)

B, M = 1e9, 1e6

# (sentence, amount as written, currency, value in that currency, qualifier, kind)
ONE_AMOUNT = [
    # forms of writing a sum
    ("Microsoft invested $1 billion in OpenAI.", "$1 billion", "USD", 1 * B, None, "deal"),
    ("The group raised US$10bn from investors.", "US$10bn", "USD", 10 * B, None, "deal"),
    ("Microsoft has put $13B into the lab.", "$13B", "USD", 13 * B, None, "deal"),
    ("It agreed to a $1.25-billion deal.", "$1.25-billion", "USD", 1.25 * B, None, "deal"),
    ("Mistral raised €2 billion from backers.", "€2 billion", "EUR", 2 * B, None, "deal"),
    ("Arm paid £2.5bn for the unit.", "£2.5bn", "GBP", 2.5 * B, None, "deal"),
    (
        "It will pay two billion euros for the stake.",
        "two billion euros",
        "EUR",
        2 * B,
        None,
        "deal",
    ),
    ("The startup raised $500m.", "$500m", "USD", 500 * M, None, "deal"),
    ("The startup raised $500 million.", "$500 million", "USD", 500 * M, None, "deal"),
    ("SoftBank will invest ¥1 trillion in the venture.", "¥1 trillion", "JPY", 1e12, None, "deal"),
    (
        "Reliance will invest Rs 500 crore in the startup.",
        "Rs 500 crore",
        "INR",
        5 * B,
        None,
        "deal",
    ),
    ("Jio raised ₹1,000 crore from the fund.", "₹1,000 crore", "INR", 10 * B, None, "deal"),
    ("The pact is worth Rs 1 lakh crore.", "Rs 1 lakh crore", "INR", 1e12, None, "deal"),
    ("Nvidia is valued at $1.5 trillion.", "$1.5 trillion", "USD", 1.5e12, None, "valuation"),
    ("It paid $5,000,000 for the domain.", "$5,000,000", "USD", 5 * M, None, "deal"),
    (
        "The fund invested half a billion dollars in it.",
        "half a billion dollars",
        "USD",
        500 * M,
        None,
        "deal",
    ),
    ("Alibaba led a 500 million yuan round.", "500 million yuan", "CNY", 500 * M, None, "deal"),
    ("Canada committed C$2 billion to the project.", "C$2 billion", "CAD", 2 * B, None, "deal"),
    ("It raised A$1.5bn in the round.", "A$1.5bn", "AUD", 1.5 * B, None, "deal"),
    (
        "Samsung will invest 1.5 trillion won in the lab.",
        "1.5 trillion won",
        "KRW",
        1.5e12,
        None,
        "deal",
    ),
    (
        "The fund invested SAR 10 billion in the venture.",
        "SAR 10 billion",
        "SAR",
        10 * B,
        None,
        "deal",
    ),
    (
        "The deal is worth 1.2 billion Swiss francs.",
        "1.2 billion Swiss francs",
        "CHF",
        1.2 * B,
        None,
        "deal",
    ),
    # ranges: one amount whose value is the upper end
    ("They will invest $1-2 billion.", "$1-2 billion", "USD", 2 * B, "between", "deal"),
    (
        "Amazon may invest between $10 billion and $20 billion in Anthropic.",
        "between $10 billion and $20 billion",
        "USD",
        20 * B,
        "between",
        "deal",
    ),
    ("The round could reach $10bn-$20bn.", "$10bn-$20bn", "USD", 20 * B, "between", "deal"),
    (
        "It will pay $1 billion to $2 billion.",
        "$1 billion to $2 billion",
        "USD",
        2 * B,
        "between",
        "deal",
    ),
    # qualifiers
    ("It aims to invest up to $500 billion.", "$500 billion", "USD", 500 * B, "up to", "deal"),
    ("It raised more than $1 billion.", "$1 billion", "USD", 1 * B, "more than", "deal"),
    ("It paid over $2bn.", "$2bn", "USD", 2 * B, "over", "deal"),
    ("It raised nearly $700 million.", "$700 million", "USD", 700 * M, "nearly", "deal"),
    ("It paid about $700 million.", "$700 million", "USD", 700 * M, "about", "deal"),
    ("It paid roughly $3bn.", "$3bn", "USD", 3 * B, "roughly", "deal"),
    ("It will invest at least $5 billion.", "$5 billion", "USD", 5 * B, "at least", "deal"),
    ("It could invest as much as $4 billion.", "$4 billion", "USD", 4 * B, "as much as", "deal"),
    # what kind of sum
    (
        "Microsoft's investment in OpenAI was valued at around $13 billion.",
        "$13 billion",
        "USD",
        13 * B,
        "around",
        "deal",
    ),
    (
        "As OpenAI's valuation skyrockets—reportedly reaching $157 billion in a recent funding"
        " round per TechCrunch.",
        "$157 billion",
        "USD",
        157 * B,
        None,
        "valuation",
    ),
    ("The deal values OpenAI at $300 billion.", "$300 billion", "USD", 300 * B, None, "valuation"),
    (
        "OpenAI, now worth $500 billion, hired staff.",
        "$500 billion",
        "USD",
        500 * B,
        None,
        "valuation",
    ),
    (
        "Microsoft's stake in OpenAI is now worth $135 billion.",
        "$135 billion",
        "USD",
        135 * B,
        None,
        "stake_value",
    ),
    (
        "The AI chip market is expected to reach $400 billion by 2030.",
        "$400 billion",
        "USD",
        400 * B,
        None,
        "market_size",
    ),
    (
        "The company has been expanding its data centers, with a $3.3 billion commitment to new"
        " facilities in Wisconsin.",
        "$3.3 billion",
        "USD",
        3.3 * B,
        None,
        "spending",
    ),
    (
        "Microsoft announced a slowdown, including a $1 billion initiative in Ohio.",
        "$1 billion",
        "USD",
        1 * B,
        None,
        "spending",
    ),
    (
        "Amazon will invest $20 billion in Pennsylvania data centers.",
        "$20 billion",
        "USD",
        20 * B,
        None,
        "spending",
    ),
    (
        "Meta expects capex of $70 billion this year.",
        "$70 billion",
        "USD",
        70 * B,
        None,
        "spending",
    ),
    (
        "Global spending on cloud infrastructure services exceeded $70 billion in the quarter.",
        "$70 billion",
        "USD",
        70 * B,
        None,
        "spending",
    ),
    (
        "Nvidia reported revenue of $39.3 billion.",
        "$39.3 billion",
        "USD",
        39.3 * B,
        None,
        "revenue",
    ),
    (
        "OpenAI expects $12.7 billion in revenue this year.",
        "$12.7 billion",
        "USD",
        12.7 * B,
        None,
        "revenue",
    ),
    ("The EU fined Google €2.4 billion.", "€2.4 billion", "EUR", 2.4 * B, None, "other"),
    (
        "OpenAI signed a $300 billion deal with Oracle for data center capacity.",
        "$300 billion",
        "USD",
        300 * B,
        None,
        "deal",
    ),
    (
        "It will pay Oracle about $30 billion a year for data center capacity.",
        "$30 billion",
        "USD",
        30 * B,
        "about",
        "deal",
    ),
    (
        "Nebius will supply GPU capacity worth $17.4 billion.",
        "$17.4 billion",
        "USD",
        17.4 * B,
        None,
        "deal",
    ),
    (
        "Nokia bought Infinera for $2.3 billion to expand its business.",
        "$2.3 billion",
        "USD",
        2.3 * B,
        None,
        "deal",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "text", "currency", "value", "qualifier", "kind"),
    ONE_AMOUNT,
    ids=[case[0][:50] for case in ONE_AMOUNT],
)
def test_find_amounts(
    sentence: str, text: str, currency: str, value: float, qualifier: str | None, kind: str
) -> None:
    (amount,) = find_amounts(sentence)
    assert (amount.text, amount.currency, amount.qualifier, amount.kind) == (
        text,
        currency,
        qualifier,
        kind,
    )
    assert amount.value == pytest.approx(value)
    assert amount.usd == pytest.approx(value * USD_PER_UNIT[currency])


def test_a_valuation_beside_the_sum_raised_is_told_apart() -> None:
    amounts = find_amounts("OpenAI raised $6.6 billion at a $157 billion valuation.")
    assert [(a.text, a.kind) for a in amounts] == [
        ("$6.6 billion", "deal"),
        ("$157 billion", "valuation"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "MAI-1 has a reported parameter count of 500 billion.",
        "In 2019 the companies signed their first deal.",
        "Azure holds a 25% market share.",
        "The fund has 40,000 readers and 500 million users.",
    ],
)
def test_numbers_without_a_currency_are_not_money(sentence: str) -> None:
    assert find_amounts(sentence) == []


def test_non_usd_amounts_are_converted_with_the_rate_table() -> None:
    (amount,) = find_amounts("Mistral raised €600 million.")
    assert amount.usd == pytest.approx(600 * M * USD_PER_UNIT["EUR"])
    (amount,) = find_amounts("It paid £2.5bn.")
    assert amount.usd == pytest.approx(2.5 * B * USD_PER_UNIT["GBP"])


def test_the_rate_table_is_dated_and_covers_the_currencies_news_uses() -> None:
    assert RATES_DATE == "2025-06-30"
    for code in ("EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "KRW", "AED", "SAR"):
        assert USD_PER_UNIT[code] > 0
    assert USD_PER_UNIT["USD"] == 1.0


def test_two_amounts_joined_by_and_are_two_amounts_unless_between() -> None:
    texts = [a.text for a in find_amounts("They invested $5 billion and $10 billion.")]
    assert texts == ["$5 billion", "$10 billion"]


STAKES = [
    ("This initiative aims to invest, with OpenAI holding a 40% stake.", [("OpenAI", 0.40)]),
    ("SoftBank took a 4.9% stake in Ardent Motion.", [("SoftBank", 0.049)]),
    ("Microsoft will acquire a 49% stake in the venture.", [("Microsoft", 0.49)]),
    ("The company took a 10% stake in Intel.", [(None, 0.10)]),
    ("a 40 per cent stake held by Oracle", [("Oracle", 0.40)]),
    ("Nvidia will buy 49% of Acme.", [("Nvidia", 0.49)]),
    ("Microsoft will hold a stake of roughly 27% in OpenAI.", [("Microsoft", 0.27)]),
    ("Microsoft's Azure holds a 25% market share, second only to AWS at 31%.", []),
    ("Revenue rose 78% from a year earlier.", []),
]


@pytest.mark.parametrize(("sentence", "expected"), STAKES, ids=[s[0][:40] for s in STAKES])
def test_find_stakes(sentence: str, expected: list[tuple[str | None, float]]) -> None:
    found = find_stakes(sentence)
    assert [holder for holder, _ in found] == [holder for holder, _ in expected]
    assert [fraction for _, fraction in found] == pytest.approx([f for _, f in expected])


# ---- sums as outlets outside the US write them, and the kind around them ------------------

WRITTEN_FORMS = [
    # a currency code after the number, and Indian outlets' short crore
    ("The lab raised 1.5 billion USD from its backers.", "1.5 billion USD", 1.5 * B),
    ("The lab raised Rs 1,200 cr from its backers.", "Rs 1,200 cr", 12e9 * USD_PER_UNIT["INR"]),
    # a decimal comma before a scale word is a fraction, not thousands
    ("Rival bidders offered $12,5-billion for the chipmaker.", "$12,5-billion", 12.5 * B),
    ("The lab raised $2,75bn from its backers.", "$2,75bn", 2.75 * B),
    # the thousands comma still reads as before
    ("The founders paid $1,500 million for the rights.", "$1,500 million", 1.5 * B),
    # a plural scale word, with a decimal comma or without
    ("The studio raised €2,5 millions from two funds.", "€2,5 millions", 2.5 * M * 1.17),
    ("The lab raised $3 billions from sovereign funds.", "$3 billions", 3 * B),
    ("The app maker raised 4,5 million euros in seed money.", "4,5 million euros", 4.5 * M * 1.17),
]


@pytest.mark.parametrize(
    ("sentence", "text", "usd"), WRITTEN_FORMS, ids=[c[1] for c in WRITTEN_FORMS]
)
def test_sums_as_outlets_outside_the_us_write_them(sentence: str, text: str, usd: float) -> None:
    (amount,) = find_amounts(sentence)
    assert amount.text == text
    assert amount.usd == pytest.approx(usd)


EQUIVALENTS = [
    # (sentence, the one sum read, qualifier, kind)
    ("The startup took in €300 million ($350 million) from backers.", "$350 million", None, "deal"),
    ("The robot maker raised about €300 million ($350 million).", "$350 million", "about", "deal"),
    (
        "The group will put £200 million, roughly $270 million, into the lab.",
        "$270 million",
        "roughly",
        "deal",
    ),
    ("They sold the unit for $1 billion (about Rs 8,300 crore).", "$1 billion", None, "deal"),
    ("Bidders priced the firm at ¥150 billion ($1 billion) last year.", "$1 billion", None, "deal"),
    # the dollar figure after ", or" (and a word that says it is about the same)
    ("The unit went for €1.2 billion, or about $1.4 billion.", "$1.4 billion", "about", "deal"),
    ("The insurer paid £500 million, or $640 million, for the lab.", "$640 million", None, "deal"),
    (
        "The holding company is valued at €4 billion ($4.6 billion), its owners said.",
        "$4.6 billion",
        None,
        "valuation",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "text", "qualifier", "kind"), EQUIVALENTS, ids=[c[0][:40] for c in EQUIVALENTS]
)
def test_one_sum_told_in_two_currencies_is_one_sum_in_dollars(
    sentence: str, text: str, qualifier: str | None, kind: str
) -> None:
    (amount,) = find_amounts(sentence)
    assert (amount.text, amount.currency, amount.qualifier, amount.kind) == (
        text,
        "USD",
        qualifier,
        kind,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "SoftBank put in €1 billion and Microsoft $2 billion.",  # two sums, two investors
        "It raised €500 million (a further $900 million came as debt).",  # not the same size
        "Mistral raised €600 million in equity and $100 million in debt.",
        "The fund put $500 million, £400 million and €300 million into three labs.",
    ],
)
def test_sums_that_are_not_one_told_twice_stay_apart(sentence: str) -> None:
    amounts = find_amounts(sentence)
    assert len(amounts) >= 2
    assert len({a.currency for a in amounts}) == len(amounts)


KINDS_IN_CONTEXT = [
    # a company's trade is not a build-out: the money goes to the company
    ("Intel put $1 billion into server software maker Brightline.", "deal"),
    ("The fund invested $400 million in data center operator Tallgrass.", "deal"),
    # a purpose or a return is not what the money is spent on
    ("The lab will pay $8 billion to its cloud provider in return for computing capacity.", "deal"),
    ("They bought the unit for $3 billion in a bid to push into chip markets.", "deal"),
    # prepositions are not modifiers of a noun after the sum
    ("It raised $5 billion through sales of new shares.", "deal"),
    ("The startup closed a funding round totalling about $2 billion.", "deal"),
    # ... while a build-out, a running total and revenue keep their kind
    ("Amazon will invest $20 billion in new server farms and data centres.", "spending"),
    ("Google doubled its investment in the startup to $4 billion.", "total"),
    ("The round would value the startup at about $25 billion.", "valuation"),
    # spent on a named supplier's product: paid to that supplier
    ("The lab will spend $30 billion on Microsoft's cloud services.", "deal"),
    ("The county will spend $2 billion on Ohio's largest data center campus.", "spending"),
    # the price of one share is no deal's sum
    ("The buyer will pay $31 a share in cash.", "other"),
    ("The chipmaker bought common stock at $52.10 per share.", "other"),
    ("The fund bought the shares at $19 apiece.", "other"),
    ("The contract's value is put at up to $9 billion.", "deal"),
    ("The chipmaker booked $3 billion in sales of its accelerators.", "revenue"),
    # an aside in brackets has its own subject: the company is what is valued
    ("It would have been the largest purchase by the group (the target is valued at $9 billion).",
     "valuation"),
    ("The purchase, valued at $3 billion, closed on Friday.", "deal"),
    # a sum up to now, not one deal's
    ("The retailer has now invested $8 billion in the lab after adding $4 billion.", "total"),
    ("The fund has invested $900 million in the robot maker so far.", "total"),
    # one offer or agreement totalling a sum is its size
    ("The buyer launched a tender offer totalling $1.5 billion.", "deal"),
    # a price, not a deal's sum
    ("Subscribers will pay €2 for each article they read.", "other"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "kind"), KINDS_IN_CONTEXT, ids=[c[0][:45] for c in KINDS_IN_CONTEXT]
)
def test_what_kind_of_sum_by_the_words_around_it(sentence: str, kind: str) -> None:
    amounts = find_amounts(sentence)
    assert amounts[0].kind == kind


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("The phone maker will pay ~$1 billion a year for the model.", "about"),
        ("The target is worth ±$25 billion.", "about"),
        ("The fund raised c.$2bn last year.", "about"),
        ("The cloud firm signed a $10bn-plus deal with the lab.", "more than"),
        ("The cloud firm signed a $10bn deal with the lab.", None),
    ],
)
def test_signs_and_suffixes_that_qualify_a_sum(sentence: str, qualifier: str | None) -> None:
    (amount,) = find_amounts(sentence)
    assert amount.qualifier == qualifier


@pytest.mark.parametrize(
    "written",
    [
        "$300mn",
        "€450 million",
        "$1.5tn",
        "USD 100 billion",
        "US$11.5-billion",
        "$17.4B to $19.4B",
        "$10 million to $20 million",
        "half a trillion dollars",
        "Rs 500 crore",
        "$97,4-billion",
        "$13B",
    ],
)
def test_the_embeddable_sum_pattern_reads_what_the_parser_reads(written: str) -> None:
    (amount,) = find_amounts(f"The company raised {written} last week.")
    assert amount.text == written
    match = re.compile(SUM_PATTERN, re.IGNORECASE).match(written)
    assert match is not None and match.group() == written


@pytest.mark.parametrize("written", ["2019 dollars", "500 million users", "in 2024"])
def test_the_embeddable_sum_pattern_reads_no_bare_number(written: str) -> None:
    assert re.compile(SUM_PATTERN, re.IGNORECASE).search(written) is None
