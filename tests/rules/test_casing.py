"""MT2xx casing rules: exact spans on the example article, hits and misses per rule, the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.gazetteer import acronyms, is_common_word, proper_nouns
from mtcheck.rules import REGISTRY
from tests.helpers import flagged, run_rule
from tests.rules._clean_tricky import TRICKY_CLEAN

NATO = (Path(__file__).parents[2] / "examples" / "nato.en.txt").read_text(encoding="utf-8")
CASING_CODES = sorted(c for c in REGISTRY if REGISTRY[c].category == "casing")


def found(code: str, text: str) -> list[tuple[int, int, str, str | None]]:
    return [(f.start, f.end, f.text, f.suggestion) for f in run_rule(code, text)]


def at(text: str, needle: str, offset: int = 0) -> int:
    return text.index(needle) + offset


def test_nato_article_casing_findings_exact() -> None:
    member = at(NATO, "member countries")
    assert (member, member + 6, "member", "Member") in found("MT201", NATO)
    nato = at(NATO, "of nato He", 3)
    assert (nato, nato + 4, "nato", "NATO") in found("MT203", NATO)
    iran = at(NATO, "And iran", 4)
    assert found("MT202", NATO) == [(iran, iran + 4, "iran", "Iran")]
    and_ = at(NATO, "Korea And", 6)
    a = at(NATO, "meeting, A forum", 9)
    assert found("MT204", NATO) == [(a, a + 1, "A", "a"), (and_, and_ + 3, "And", "and")]


def test_nato_run_on_pronoun_is_left_to_structure_rules() -> None:
    he = at(NATO, "nato He", 5)
    assert all(start != he for start, *_ in found("MT204", NATO))


@pytest.mark.parametrize("code", CASING_CODES)
def test_tricky_clean_text_is_quiet(code: str) -> None:
    assert flagged(code, TRICKY_CLEAN) == []


# --- gazetteer ----------------------------------------------------------------------------------


def test_gazetteer_knows_places_but_not_common_words() -> None:
    names = proper_nouns()
    assert names["iran"] == "Iran"
    assert names["korea"] == "Korea"
    assert names["russia"] == "Russia"  # Webster's ``russia`` (leather) is obsolete
    for word in ("china", "turkey", "chad", "republic", "islands", "heard", "french"):
        assert word not in names
    assert acronyms()["nato"] == "NATO"
    assert "who" not in acronyms() and "us" not in acronyms()


def test_common_word_test_handles_inflections() -> None:
    assert is_common_word("planned") and is_common_word("reforms") and is_common_word("Running")
    assert not is_common_word("iran") and not is_common_word("stoltenberg")


# --- MT201 lowercase-sentence-start --------------------------------------------------------------


def test_lowercase_start_after_full_stop() -> None:
    text = "The talks ended. the ministers left Brussels."
    assert found("MT201", text) == [(17, 20, "the", "The")]


def test_lowercase_start_inside_quote_is_flagged_on_the_word() -> None:
    text = "The talks ended.\n\n“we will be back,” he said."
    assert [t for _, _, t, _ in found("MT201", text)] == ["we"]


@pytest.mark.parametrize(
    "text",
    [
        "eBay reported profits. iPhone sales fell. mRNA vaccines work.",
        "“Why?” asked the minister. “Because,” he said.",
        "The meeting ended at 5 p.m. local time, e.g. after the vote.",
        "van der Leyen spoke first. de Gaulle was quoted.",
        "Prices rose… and then fell again.",
        "2024 was hard. 3M shares fell.",
        "(with reporting by Reuters)",
        "Visit www.example.com for details. example.com was down.",
    ],
)
def test_lowercase_start_exceptions(text: str) -> None:
    assert flagged("MT201", text) == []


# --- MT202 proper-noun-casing --------------------------------------------------------------------


def test_lowercase_place_names_from_gazetteer() -> None:
    text = "Drones came from iran and north korea, officials in moscow said."
    assert [(t, s) for _, _, t, s in found("MT202", text)] == [
        ("iran", "Iran"),
        ("korea", "Korea"),
        ("moscow", "Moscow"),
    ]


def test_lowercase_name_capitalised_elsewhere_in_article() -> None:
    text = "Allies thanked Jens Stoltenberg. Later, Stoltenberg said stoltenberg would stay."
    assert found("MT202", text) == [
        (text.index("stoltenberg"), text.index("stoltenberg") + 11, "stoltenberg", "Stoltenberg")
    ]


def test_common_words_and_minority_capitals_are_not_names() -> None:
    # china/turkey are words; "Patriot" vs "patriot" are different words; one capital is not enough.
    text = "A china cup and turkey. Patriot missiles for a patriot. The Internet Agency and the internet."
    assert flagged("MT202", text) == []


# --- MT203 acronym-casing ------------------------------------------------------------------------


def test_lowercase_known_acronym() -> None:
    assert found("MT203", "Members of nato and the imf met.") == [
        (11, 15, "nato", "NATO"),
        (24, 27, "imf", "IMF"),
    ]


def test_title_case_acronym_only_when_the_article_uses_capitals() -> None:
    assert flagged("MT203", "Nato allies met; Nato said aid would follow.") == []
    assert flagged("MT203", "NATO allies met; Nato said aid would follow.") == ["Nato"]
    assert flagged("MT203", "The Eu and the Imf met.") == ["Eu", "Imf"]


def test_acronym_from_the_article_itself() -> None:
    text = "ECOWAS leaders met. The ECOWAS summit ended and ecowas envoys left."
    assert flagged("MT203", text) == ["ecowas"]
    # Capitals used once, the other spelling as often: no dominant form, nothing to say.
    assert flagged("MT203", "The APP was listed in mobile app stores.") == []


def test_acronym_lookalike_words_and_datelines_are_fine() -> None:
    text = "BRUSSELS — The WHO said who was infected. US troops told us. Officials in Brussels agreed."
    assert flagged("MT203", text) == []


# --- MT204 capitalised-function-word -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Weapons from North Korea And iran were used.", "And"),
        ("The ambassadors met, A forum for consultation.", "A"),
        ("The talks ended on Monday, He said.", "He"),
        ("Fund assets reached 26 trillion yuan; There are 167 funds.", "There"),
        ("The troops moved In the night to the border.", "In"),
    ],
)
def test_capitalised_function_word_flagged(text: str, word: str) -> None:
    hits = run_rule("MT204", text)
    assert [(h.text, h.suggestion) for h in hits] == [(word, word.lower())]
    assert text[hits[0].start : hits[0].end] == word


@pytest.mark.parametrize(
    "text",
    [
        "The court in The Hague ruled on Bosnia and Herzegovina.",
        "She read The Lord of the Rings and A Tale of Two Cities.",
        "War And Peace Returns To The Stage",
        "Shares of Class A stock rose, and vitamin A sales fell.",
        "He said: The plan works. “The end,” he said.",
        "member countries of nato He reaffirmed the pledge.",
    ],
)
def test_capitalised_function_word_exceptions(text: str) -> None:
    assert flagged("MT204", text) == []


def test_lowercase_start_suggests_the_known_spelling_of_an_acronym_or_name() -> None:
    found = {
        f.text: f.suggestion
        for f in run_rule("MT201", "nato said it would act. iran denied it. member states agreed.")
    }
    assert found == {"nato": "NATO", "iran": "Iran", "member": "Member"}
