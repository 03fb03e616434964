from __future__ import annotations

import itertools

import pytest

from mtcheck.segment import segment, split_paragraphs


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text).sentences]


def test_offsets_are_exact_and_tile_paragraphs() -> None:
    text = "  First one. Second one!\n\nThird para?  Yes.\n"
    doc = segment(text)
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
    assert [p.index for p in doc.paragraphs] == [0, 1]
    assert texts(text) == ["First one.", "Second one!", "Third para?", "Yes."]
    for p in doc.paragraphs:
        sents = doc.paragraph_sentences(p.index)
        assert sents[0].start == p.start and sents[-1].end == p.end
        for a, b in itertools.pairwise(sents):
            assert not text[a.end : b.start].strip()


@pytest.mark.parametrize(
    "text",
    [
        "Lt. Gen. Mykola Oleschuk met U.S. officials on Monday.",
        "The photo was taken by Ilya U. Topper in Istanbul.",
        "Dr. Smith arrived at 10 a.m. on Tuesday and left at noon.",
        "He said “We will win. They will lose.” and left.",
    ],
)
def test_abbreviations_and_quotes_do_not_split(text: str) -> None:
    assert texts(text) == [text]


def test_missing_space_after_full_stop_splits() -> None:
    assert texts("The Allies condemned the attacks from Iran.”Gave details of the meeting.") == [
        "The Allies condemned the attacks from Iran.”",
        "Gave details of the meeting.",
    ]
    assert texts("He was in Kiev.Next day he left.") == ["He was in Kiev.", "Next day he left."]


def test_sentence_starting_lowercase_is_its_own_sentence() -> None:
    assert texts("The meeting ended. member countries of nato He reaffirmed it.") == [
        "The meeting ended.",
        "member countries of nato He reaffirmed it.",
    ]


def test_one_line_per_paragraph_without_blank_lines() -> None:
    assert split_paragraphs("One.\nTwo.\nThree.") == [(0, 4), (5, 9), (10, 16)]


def test_blank_line_paragraphs_keep_soft_wraps_together() -> None:
    text = "A long paragraph\nwrapped here.\n\nNext."
    doc = segment(text)
    assert len(doc.paragraphs) == 2
    assert doc.sentences[0].text == "A long paragraph\nwrapped here."


def test_very_long_paragraph_uses_linear_fallback() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(2000))
    doc = segment(text)
    assert len(doc.sentences) == 2000
    assert doc.sentences[-1].end == len(text)


def test_line_col_is_one_based() -> None:
    doc = segment("ab\ncd")
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(4) == (2, 2)


def test_closing_quote_at_paragraph_end_stays_with_its_sentence() -> None:
    assert texts("He said.”") == ["He said.”"]
    assert texts("He said “we go.”\n\nNext.") == ["He said “we go.”", "Next."]
