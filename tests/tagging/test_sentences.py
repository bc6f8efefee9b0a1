"""The sentence splitter: news-text edge cases, offsets into the original text."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from pipeline.tagging.sentences import Sentence, split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Apple Inc. said it would invest. The deal closes soon.",
            ["Apple Inc. said it would invest.", "The deal closes soon."],
            id="inc-mid-sentence",
        ),
        pytest.param(
            "It signed a deal with Apple Inc. The company declined to comment.",
            ["It signed a deal with Apple Inc.", "The company declined to comment."],
            id="inc-ends-sentence",
        ),
        pytest.param(
            "Microsoft Corp. and Samsung Co. Ltd. agreed terms. Shares rose.",
            ["Microsoft Corp. and Samsung Co. Ltd. agreed terms.", "Shares rose."],
            id="corp-co-ltd",
        ),
        pytest.param(
            "The U.S. government and the U.K. regulator met. They agreed.",
            ["The U.S. government and the U.K. regulator met.", "They agreed."],
            id="us-uk-mid-sentence",
        ),
        pytest.param(
            "The plant will be built in the U.S. The company did not say where.",
            ["The plant will be built in the U.S.", "The company did not say where."],
            id="us-ends-sentence",
        ),
        pytest.param(
            "Mr. Altman met Dr. Su on Jan. 5 in Washington. No. 1 on the list was Nvidia.",
            ["Mr. Altman met Dr. Su on Jan. 5 in Washington.", "No. 1 on the list was Nvidia."],
            id="titles-months-numbers",
        ),
        pytest.param(
            "Rivals, e.g. Google, and partners, i.e. Oracle, vs. Amazon. Next one.",
            ["Rivals, e.g. Google, and partners, i.e. Oracle, vs. Amazon.", "Next one."],
            id="eg-ie-vs",
        ),
        pytest.param(
            "It raised $1.25 billion at a 3.5x multiple. Investors cheered.",
            ["It raised $1.25 billion at a 3.5x multiple.", "Investors cheered."],
            id="decimals",
        ),
        pytest.param(
            "Michael J. Fox met J. P. Morgan bankers. They talked.",
            ["Michael J. Fox met J. P. Morgan bankers.", "They talked."],
            id="initials",
        ),
        pytest.param(
            'He said "we are done." Then he left.',
            ['He said "we are done."', "Then he left."],
            id="closing-quote",
        ),
        pytest.param(
            "He said “we are done.” Then he left.",
            ["He said “we are done.”", "Then he left."],
            id="closing-curly-quote",
        ),
        pytest.param(
            "The deal was approved (after a review.) Then it closed.",
            ["The deal was approved (after a review.)", "Then it closed."],
            id="closing-paren",
        ),
        pytest.param(
            '"Why now?" he asked. "Because," she said.',
            ['"Why now?" he asked.', '"Because," she said.'],
            id="question-inside-quote",
        ),
        pytest.param(
            "It cost $1 billion. $2 billion more came later.",
            ["It cost $1 billion.", "$2 billion more came later."],
            id="sentence-starting-with-amount",
        ),
        pytest.param(
            "Revenue rose 20%. 2025 will be harder!",
            ["Revenue rose 20%.", "2025 will be harder!"],
            id="sentence-starting-with-year",
        ),
        pytest.param(
            "It opened at 9 a.m. The shares jumped.",
            ["It opened at 9 a.m.", "The shares jumped."],
            id="am-ends-sentence",
        ),
        pytest.param(
            "It built Colossus in Memphis. xAI said it would double it. iPhone sales rose.",
            ["It built Colossus in Memphis.", "xAI said it would double it.", "iPhone sales rose."],
            id="camel-case-brand-opens-sentence",
        ),
        pytest.param("", [], id="empty"),
        pytest.param("   \n\n  ", [], id="blank"),
    ],
)
def test_splits_news_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_headings_separated_by_blank_lines_are_sentences() -> None:
    text = "Background\n\nThe Genesis of It\n\nIn 2019, Microsoft invested. It grew."
    assert texts(text) == [
        "Background",
        "The Genesis of It",
        "In 2019, Microsoft invested.",
        "It grew.",
    ]


def test_heading_on_its_own_line_is_a_sentence() -> None:
    assert texts("For Microsoft\nMicrosoft is expanding. It said so.") == [
        "For Microsoft",
        "Microsoft is expanding.",
        "It said so.",
    ]


def test_each_bullet_is_its_own_sentence_without_the_marker() -> None:
    text = "Key points:\n  • First point: one. Two.\n  • Second point\n  - Third point\n"
    assert texts(text) == [
        "Key points:",
        "First point: one.",
        "Two.",
        "Second point",
        "Third point",
    ]


def test_title_case_label_before_a_colon_stands_alone() -> None:
    text = "  • Infrastructure Adjustments: Microsoft has announced a slowdown. It said so."
    assert texts(text) == [
        "Infrastructure Adjustments:",
        "Microsoft has announced a slowdown.",
        "It said so.",
    ]
    assert texts("Note: the deal closed.") == ["Note: the deal closed."]


def test_numbered_list_items_are_sentences() -> None:
    assert texts("1. Buy chips\n2) Build data centres") == ["Buy chips", "Build data centres"]


def test_hard_wrapped_lines_continue_the_sentence() -> None:
    text = "Microsoft said on Tuesday that it\nwould invest more. Next."
    assert texts(text) == ["Microsoft said on Tuesday that it\nwould invest more.", "Next."]


def test_offsets_point_into_the_original_text() -> None:
    text = "  Intro\n\n  • Bullet one. Bullet two.\nLast line here.  "
    sentences = split_sentences(text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
    assert all(a.end <= b.start for a, b in pairwise(sentences))


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_sentences_are_consistent(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) > 20
    for sentence in sentences:
        assert isinstance(sentence, Sentence)
        assert text[sentence.start : sentence.end] == sentence.text


def test_seed_evidence_sentences_are_whole() -> None:
    text = (SEEDS / "000_f844235f3c9f1614.txt").read_text(encoding="utf-8")
    found = texts(text)
    assert (
        "In 2019, Microsoft invested $1 billion in OpenAI, marking the beginning of a strategic "
        "alliance that integrated OpenAI's cutting-edge AI models into Microsoft's Azure cloud "
        "platform." in found
    )
    assert (
        "Microsoft has announced a slowdown in some AI data center projects, including a "
        "$1 billion initiative in Ohio." in found
    )
