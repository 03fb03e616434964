"""MT1xx quote and bracket rules: exact spans on the example article, hits and misses per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.rules import REGISTRY
from mtcheck.rules.quotes import analyse_quotes
from tests.helpers import context, flagged, run_rule
from tests.rules._clean_tricky import TRICKY_CLEAN

NATO = (Path(__file__).parents[2] / "examples" / "nato.en.txt").read_text(encoding="utf-8")
QUOTE_CODES = sorted(c for c in REGISTRY if REGISTRY[c].category == "quote")


def spans(code: str, text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.text) for f in run_rule(code, text)]


def test_nato_unclosed_quotes_exact_offsets() -> None:
    weapons = NATO.index("“weapons North Korea")
    russia = NATO.index("“Russia’s campaign")
    assert spans("MT101", NATO) == [(weapons, weapons + 1, "“"), (russia, russia + 1, "“")]


def test_nato_prime_after_2024_is_lookalike_and_glued() -> None:
    prime = NATO.index("2024″Nato") + 4
    lookalike = run_rule("MT102", NATO)
    assert [(f.start, f.end, f.suggestion) for f in lookalike] == [(prime, prime + 1, "”")]
    glued = run_rule("MT103", NATO)
    assert [(f.start, f.end, f.text, f.suggestion) for f in glued] == [(prime, prime + 5, "″Nato", "” Nato")]


def test_nato_sentence_punctuation_before_quote_is_left_to_missing_space_rule() -> None:
    gave = NATO.index("Iran.”Gave")
    assert not [f for f in run_rule("MT103", NATO) if gave <= f.start <= gave + 10]


@pytest.mark.parametrize("code", QUOTE_CODES)
def test_tricky_clean_text_is_quiet(code: str) -> None:
    assert flagged(code, TRICKY_CLEAN) == []


# --- MT101 unpaired-quote -----------------------------------------------------------------------


def test_quote_continued_in_next_paragraph_with_opening_quote_is_fine() -> None:
    text = "“We will fight on,” she said. “This is only the start.\n\n“We will win,” she added."
    assert flagged("MT101", text) == []


def test_quote_left_open_before_a_paragraph_without_quote_is_flagged() -> None:
    text = "“We will fight on,” she said. “This is only the start.\n\nThe talks end on Friday."
    found = run_rule("MT101", text)
    assert [(f.start, f.text) for f in found] == [(text.index("“This"), "“")]
    assert "This is only the start" in found[0].message


def test_quote_closed_in_next_paragraph_without_reopening_is_paired() -> None:
    # MT segments often split a quotation over two paragraphs without the reopening mark.
    assert flagged("MT101", "He said: “The plan\n\nworks well,” and left.") == []


def test_unopened_closing_quote_is_flagged() -> None:
    text = "The minister said the plan works.” Officials agreed."
    assert spans("MT101", text) == [(text.index("”"), text.index("”") + 1, "”")]


def test_straight_quotes_pair_and_a_stray_one_is_flagged() -> None:
    assert flagged("MT101", 'He called it "unlawful" and "unfair".') == []
    assert flagged("MT101", 'He called it "unlawful and left.') == ['"']


def test_nested_quotes_and_apostrophes_are_not_quotes() -> None:
    text = "“He told me ‘never again’ in Ukraine’s capital,” said O’Neill of the ’90s."
    assert flagged("MT101", text) == []


def test_inch_mark_closes_only_when_nothing_else_does() -> None:
    assert flagged("MT101", "He bought a 12″ screen.") == []
    assert flagged("MT101", "“Ministers met in 2024″ Nato added.") == []
    # The later ” closes the quotation, so 12″ stays an inch mark.
    assert flagged("MT101", "“A 12″ screen is big,” he said.") == []


# --- MT102 lookalike-quote ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark", "suggestion"),
    [
        ("He called it ''unacceptable'' on Monday.", "''", "“"),
        ("He called it ``unacceptable'' on Monday.", "``", "“"),
        ("The minister said „we will respond“ to it.", "„", "“"),
        ("“We will respond″ the minister said.", "″", "”"),
        ("The ministry called it ״a provocation״ on Monday.", "״", "“"),
    ],
)
def test_lookalike_quotes_get_the_right_curly_quote(text: str, mark: str, suggestion: str) -> None:
    found = run_rule("MT102", text)
    first = found[0]
    assert (first.text, first.suggestion) == (mark, suggestion)
    assert text[first.start : first.end] == mark


def test_prime_used_as_apostrophe_is_flagged() -> None:
    found = run_rule("MT102", "Ukraine′s army held the line.")
    assert [(f.text, f.suggestion) for f in found] == [("′", "’")]


def test_measures_are_not_lookalikes() -> None:
    assert flagged("MT102", "He stood 5′11″ tall at 40°26′46″N, with a 12″ board.") == []


# --- MT103 glued-quote --------------------------------------------------------------------------


def test_closing_quote_glued_to_word() -> None:
    text = "“The plan is dead,”the minister said, adding it was “over”now."
    found = run_rule("MT103", text)
    assert [(f.text, f.suggestion) for f in found] == [("”the", "” the"), ("”now", "” now")]


def test_opening_quote_glued_to_previous_word() -> None:
    found = run_rule("MT103", "The alliance said“we will respond” to it.")
    assert [(f.text, f.suggestion) for f in found] == [("said“", "said “")]


def test_quote_followed_by_punctuation_is_not_glued() -> None:
    assert flagged("MT103", "He called it “nonsense”, then “lies”. “Go,” she said.") == []


# --- MT104 unbalanced-bracket -------------------------------------------------------------------


def test_unclosed_and_unopened_brackets() -> None:
    text = "The alliance (NATO met in Brussels. Ministers left] early."
    found = run_rule("MT104", text)
    assert sorted((f.start, f.text) for f in found) == [(13, "("), (text.index("]"), "]")]


def test_balanced_brackets_list_markers_and_emoticons_are_fine() -> None:
    text = "Options: 1) a delay, 2) a vote or a) nothing (see [sic] below) :) ok."
    assert flagged("MT104", text) == []


def test_bracket_is_not_paired_across_paragraphs() -> None:
    assert flagged("MT104", "The alliance (NATO\n\nmet in Brussels).") == ["(", ")"]


def test_quote_analysis_is_shared_between_rules() -> None:
    ctx = context(NATO)
    first = list(REGISTRY["MT101"]().check(ctx))
    shared = analyse_quotes(ctx)
    # Another quote rule on the same context reads the same analysis object, not a new pairing.
    list(REGISTRY["MT103"]().check(ctx))
    assert analyse_quotes(ctx) is shared and shared.marks
    assert [f.start for f in REGISTRY["MT101"]().check(ctx)] == [f.start for f in first]
