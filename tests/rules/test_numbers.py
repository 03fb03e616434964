from __future__ import annotations

import pytest

from tests.helpers import flagged, run_rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Allies plan to provide Billion euros in 2024.", ["Billion"]),
        ("The state paid a Million dollars.", ["Million"]),
        ("They will provide billion euros.", ["billion"]),
    ],
)
def test_lost_magnitude_is_flagged(text: str, expected: list[str]) -> None:
    assert flagged("MT301", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Allies pledged billions of euros.",
        "The firm raised a billion euros.",
        "One billion people live there.",
        "It costs $2.4 billion, or €1 billion.",
        "Billion-dollar deals are rare.",
        "Several million people voted, about 3 million of them abroad.",
        "The Million Dollar Quartet played.",
    ],
)
def test_magnitude_with_its_number_is_quiet(text: str) -> None:
    assert flagged("MT301", text) == []


def test_lost_magnitude_span_is_exact() -> None:
    text = "Allies plan to provide Billion euros."
    (f,) = run_rule("MT301", text)
    assert (f.start, f.end) == (text.index("Billion"), text.index("Billion") + 7)
    assert "provide Billion" in f.message


def test_decimal_comma() -> None:
    (f,) = run_rule("MT302", "Inflation fell to 3,5 percent.")
    assert f.text == "3,5" and f.suggestion == "3.5"
    assert flagged("MT302", "Inflation fell to 3.5 percent; 1,000 people and 2,500 million euros.") == []
    assert flagged("MT302", "In 2023, 5 percent of 1,2 and 3 voted.") == []
