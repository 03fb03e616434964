from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import flagged, run_rule

NATO = (Path(__file__).parents[2] / "examples" / "nato.en.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)", "(Photo: Europapress)"),
        ("The allies met. (EFE/Ilya U. Topper)", "(EFE/Ilya U. Topper)"),
        ("The president waves. (AP Photo/Evan Vucci)", "(AP Photo/Evan Vucci)"),
        ("The talks ended.\nPhoto: Reuters", "Photo: Reuters"),
    ],
)
def test_photo_credits(text: str, credit: str) -> None:
    assert flagged("MT520", text) == [credit]


@pytest.mark.parametrize(
    "text",
    [
        "BRUSSELS (AP) — NATO allies met on Wednesday.",
        "The minister spoke to reporters.\n\n(with information from EFE)",
        "He showed a photo of the damage to reporters (AP) on Monday.",
    ],
)
def test_datelines_and_agency_tags_are_legitimate(text: str) -> None:
    assert run_rule("MT520", text) == [] and run_rule("MT521", text) == []


def test_caption_paragraph() -> None:
    text = "NATO met.\n\nJens Stoltenberg, Secretary General of NATO (Photo: Europapress)\n\nHe spoke."
    assert flagged("MT521", text) == ["Jens Stoltenberg, Secretary General of NATO"]
    assert flagged("MT521", "The alliance met on Wednesday. (Photo: Europapress)") == []


def test_metadata() -> None:
    assert flagged("MT522", " date 2024-01-10 NATO said the allies met.") == ["date 2024-01-10"]
    assert flagged("MT522", "Talks ended.\nUpdated: 10/01/2024 10:30") == ["Updated: 10/01/2024 10:30"]
    assert flagged("MT522", "Talks ended.\nTags: NATO, Ukraine") == ["Tags: NATO, Ukraine"]
    assert flagged("MT522", "The report was published on Monday and updated in the 2024-25 season.") == []


def test_widget_text() -> None:
    assert flagged("MT523", "Talks ended.\nRead more: NATO pledges air defense") == [
        "Read more: NATO pledges air defense"
    ]
    assert flagged("MT523", "Talks ended. Share on Facebook") == ["Share on Facebook"]
    assert flagged("MT523", "Click here to subscribe. Talks ended.") == ["Click here to subscribe"]
    assert flagged("MT523", "Readers who want to read more can visit the website. Share the load.") == []


def test_nato_example_leaks() -> None:
    assert [f.text for f in run_rule("MT520", NATO)] == ["(EFE/Ilya U. Topper)", "(Photo: Europapress)"]
    assert [f.text for f in run_rule("MT521", NATO)] == ["Jens Stoltenberg, Secretary General of NATO"]
    assert [f.text for f in run_rule("MT522", NATO)] == ["date 2024-01-10"]
    assert run_rule("MT523", NATO) == []
