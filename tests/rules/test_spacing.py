from __future__ import annotations

import pytest

from tests.helpers import flagged, run_rule


def test_doubled_space() -> None:
    (f,) = run_rule("MT540", "The minister  spoke.")
    assert f.text == "minister  spoke" and f.suggestion == "minister spoke"
    assert flagged("MT540", "The minister spoke.  Then he left.\n  Indented.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("The minister said the the talks failed.", ["the the"]), ("The The talks failed.", ["The The"])],
)
def test_repeated_word(text: str, expected: list[str]) -> None:
    assert flagged("MT541", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He said he had had enough.",
        "She said that that was wrong.",
        "The band Duran Duran played in Walla Walla.",
        "The theme then moved on.",
    ],
)
def test_legitimate_repeats_are_quiet(text: str) -> None:
    assert flagged("MT541", text) == []


def test_space_before_punctuation() -> None:
    (f,) = run_rule("MT542", "Ukraine , the minister said.")
    assert f.text == "Ukraine ," and f.suggestion == "Ukraine,"
    assert flagged("MT542", "Is it over ?") == ["over ?"]
    text = "He came, saw and left. Shares of .NET firms rose. Wait . . . and see. Growth was .5 percent."
    assert flagged("MT542", text) == []
    assert flagged("MT542", "“My father told me, ‘Go,’ ” Germain recalled.") == []


def test_full_width_punctuation() -> None:
    assert flagged("MT543", "He came，saw and left。") == ["，", "。"]
    assert flagged("MT543", "He came, saw and left.") == []
