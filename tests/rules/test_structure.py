from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import flagged, run_rule

NATO = (Path(__file__).parents[2] / "examples" / "nato.en.txt").read_text(encoding="utf-8")


def test_run_on_sentence() -> None:
    (f,) = run_rule("MT501", "member countries of nato He reaffirmed his commitment.")
    assert f.text == "He" and "nato He" in f.message
    assert flagged("MT501", "The minister said he would resign. He left.") == []
    assert flagged("MT501", "Analysts said. He left, and They Might Be Giants played.") == []


def test_unterminated_paragraph_on_comma() -> None:
    text = "Intro.\n\nNATO condemns weapons from North Korea And iran,\n\nNext paragraph."
    (f,) = run_rule("MT502", text)
    assert f.text == "," and f.start == text.index("iran,") + 4


def test_unterminated_body_paragraph() -> None:
    text = "Intro.\n\nThe minister said the alliance would go on supporting the country for years without"
    assert flagged("MT502", text) == ["without"]


@pytest.mark.parametrize(
    "text",
    [
        "Storm leaves thousands without power along the coast of the state this Sunday\n\nBody text.",
        "Body text.\n\n(with information from EFE)",
        "Body text.\n\nJens Stoltenberg, Secretary General of NATO (Photo: Europapress)",
        "Body.\n\nHe said the alliance would “continue to help Ukraine for as long as it takes.”",
        "Body.\n\nBy Jane Smith",
    ],
)
def test_headlines_credits_and_closed_paragraphs_are_quiet(text: str) -> None:
    assert flagged("MT502", text) == []


def test_subjectless_fragment() -> None:
    assert flagged("MT503", "“We condemn it.”Gave details of the transatlantic organization.") == [
        "Gave details of the transatlantic organization."
    ]
    assert flagged("MT503", "The minister arrived. Added that the talks would go on.") == [
        "Added that the talks would go on."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Founded in 1990, the firm employs 300 people.",
        "Asked about it, he said nothing.",
        "Based in Paris, the group said it would appeal.",
        "United States officials declined to comment.",
        "“Give us the weapons,” he said.",
        "Said to be worth millions, the painting was sold.",
    ],
)
def test_participle_clauses_and_imperatives_are_not_fragments(text: str) -> None:
    assert flagged("MT503", text) == []


def test_missing_space_after_punctuation() -> None:
    text = "It came from Iran.”Gave details."
    (f,) = run_rule("MT504", text)
    assert (f.text, f.start, f.suggestion) == (".”", text.index(".”"), ".” ")
    assert flagged("MT504", "He visited Kiev.Next he went on.") == ["."]
    assert (
        flagged("MT504", "He visited Kiev. Next he went to Amazon.com and www.example.Com, 3.5 percent.")
        == []
    )


def test_nato_example_structure_findings() -> None:
    assert [f.text for f in run_rule("MT501", NATO)] == ["He"]
    assert [f.text for f in run_rule("MT502", NATO)] == [","]
    assert [f.text for f in run_rule("MT503", NATO)] == ["Gave details of the transatlantic organization."]
    (glued,) = run_rule("MT504", NATO)
    assert NATO[glued.start - 4 : glued.end + 4] == "Iran.”Gave"
