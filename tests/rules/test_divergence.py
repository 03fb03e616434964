"""MT6xx divergence rules against a re-translation, including the NATO example end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.rules import REGISTRY
from mtcheck.rules.divergence import amounts
from tests.helpers import context, flagged, run_rule

ROOT = Path(__file__).resolve().parents[2]
MT = (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8")
REF = (ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def nato_findings() -> dict[str, list]:
    ctx = context(MT, REF)
    return {code: list(REGISTRY[code]().check(ctx)) for code in ("MT410", "MT601", "MT602", "MT603", "MT604")}


def test_nato_billion_is_a_number_mismatch_with_the_reference_amount(nato_findings: dict) -> None:
    (hit,) = [f for f in nato_findings["MT601"] if f.text == "Billion"]
    assert MT[hit.start : hit.end] == "Billion"
    assert MT[hit.start : hit.end + len(" euros")] == "Billion euros"
    assert hit.suggestion == "billions of"
    assert "billions of euros" in hit.evidence
    assert "billions of" in hit.message


def test_nato_quiet_on_matching_numbers(nato_findings: dict) -> None:
    texts = [f.text for f in nato_findings["MT601"]]
    assert "1,000" not in texts and "200" not in texts and "2024" not in texts


@pytest.mark.parametrize(("word", "expected"), [("nato", "NATO"), ("iran", "Iran"), ("Nato", "NATO")])
def test_nato_entity_casing_takes_the_reference_spelling(
    nato_findings: dict, word: str, expected: str
) -> None:
    hits = [f for f in nato_findings["MT602"] if f.text == word]
    assert hits, f"{word} not flagged"
    assert all(f.suggestion == expected and expected in f.evidence for f in hits)


def test_nato_he_said_is_a_pronoun_for_an_organisation(nato_findings: dict) -> None:
    start = MT.index("He said that through NATO")
    hits = [f for f in nato_findings["MT410"] if f.start == start]
    assert len(hits) == 1 and hits[0].text == "He" and hits[0].category == "pronoun"
    assert hits[0].suggestion == "It"
    assert hits[0].evidence.startswith("It said")


def test_nato_caption_is_an_addition(nato_findings: dict) -> None:
    texts = [f.text for f in nato_findings["MT603"]]
    assert texts == ["Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)"]
    assert nato_findings["MT604"] == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1,000", "1000"), ("1000", "1000"), ("one thousand", "1000"), ("1.000", "1000"),
        ("2 billion", "2000000000"), ("two billion", "2000000000"), ("billions of", "billions"),
        ("Billion", "1000000000~bare"), ("twenty-five", "25"), ("1.5 million", "1500000"),
    ],
)  # fmt: skip
def test_amount_keys(text: str, key: str) -> None:
    (amount,) = amounts(text)
    assert amount.text == text and amount.key == key


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("32\u00a0000", {"32000"}), ("1\u202f250\u202f000", {"1250000"}), ("2.5m", {"2500000", "2.5"}),
        ("$1.2bn", {"1200000000"}), ("half a million", {"500000"}), ("two and a half million", {"2500000"}),
        ("18:45", {"t18:45"}), ("6:45 p.m.", {"t18:45"}), ("6:45", {"t06:45", "t18:45"}),
        ("8 a.m.", {"t08:00"}),
        ("a dozen", {"12"}), ("3,5", {"3.5", "35"}),
    ],
)  # fmt: skip
def test_amount_readings(text: str, keys: set[str]) -> None:
    (amount,) = amounts(text)
    assert amount.keys == keys


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("18-24", ("18", "24")), ("2-0", ("0", "2")), ("2019/20", ("2019", "2020")),
        ("2019-20", ("2019", "2020")),
    ],
)  # fmt: skip
def test_ranges_keep_their_ends(text: str, parts: tuple[str, str]) -> None:
    (amount,) = amounts(text)
    assert amount.parts == parts


def test_adjacent_numbers_stay_apart() -> None:
    found = amounts("In 2021 14 people, between 2010 and 2014")
    assert [a.key for a in found] == ["2021", "14", "2010", "2014"]


def test_amounts_skip_one_as_a_pronoun() -> None:
    assert amounts("one of the allies said no one knew") == []


@pytest.mark.parametrize(
    ("mt", "ref"),
    [
        ("They bought 1,000 missiles.", "They bought 1,000 missiles."),
        ("They bought 1000 missiles.", "They bought one thousand missiles."),
        ("It costs 2 billion euros.", "It costs 2,000 million euros."),
    ],
)
def test_equal_amounts_stay_quiet(mt: str, ref: str) -> None:
    assert flagged("MT601", mt, ref) == []


def test_different_amount_is_flagged_with_reference_amount() -> None:
    (hit,) = run_rule("MT601", "Allies will provide Billion euros.", "Allies will provide 2 billion euros.")
    assert hit.text == "Billion" and hit.suggestion == "2 billion"


def test_number_moved_to_neighbouring_sentence_is_quiet() -> None:
    mt = "The allies met on Wednesday. They pledged 300 missiles and more aid."
    ref = "The allies met on Wednesday and pledged 300 missiles. They also promised more aid."
    assert flagged("MT601", mt, ref) == []


def test_omission_is_reported_at_nearest_mt_sentence() -> None:
    mt = "The allies met in Brussels on Wednesday.\n\nThey agreed to send more missiles to Ukraine."
    ref = (
        "The allies met in Brussels on Wednesday.\n\nThe meeting was chaired by Jens Stoltenberg.\n\n"
        "They agreed to send more missiles to Ukraine."
    )
    (hit,) = run_rule("MT604", mt, ref)
    assert hit.text == "The allies met in Brussels on Wednesday."
    assert "chaired by Jens Stoltenberg" in hit.message and hit.evidence.startswith("The meeting")


def test_omission_at_start_is_reported_on_first_sentence() -> None:
    mt = "They agreed to send more missiles to Ukraine."
    ref = "The meeting was chaired by Jens Stoltenberg. They agreed to send more missiles to Ukraine."
    (hit,) = run_rule("MT604", mt, ref)
    assert hit.text == mt and "before this one" in hit.message


def test_low_adequacy_marks_divergent_words_with_reference_as_suggestion() -> None:
    found = run_rule(
        "MT605",
        "In a new period the allies expressed themselves in the sense of the council meeting.",
        "The allies met again in the council at ambassador level.",
    )
    by_text = {f.text: f for f in found}
    assert by_text["expressed themselves"].suggestion == "met again"
    assert all(f.evidence == "The allies met again in the council at ambassador level." for f in found)
    assert "the allies" not in by_text


def test_low_adequacy_quiet_on_close_paraphrase() -> None:
    assert (
        flagged("MT605", "The allies met again on Wednesday.", "The allies met again on Wednesday night.")
        == []
    )


def test_rules_need_a_reference() -> None:
    assert flagged("MT601", "They bought Billion missiles.") == []
    assert REGISTRY["MT601"].needs == frozenset({"reference"})


def test_lowercase_generic_title_is_not_an_entity_mismatch() -> None:
    mt = "The press secretary of the province said the director would resign."
    ref = "The Press Secretary of the Province said the Director would resign. The Press Secretary left."
    assert flagged("MT602", mt, ref) == []


def test_lowercased_name_is_still_an_entity_mismatch() -> None:
    mt = "The secretary met officials in beijing on Monday."
    ref = "The Secretary met officials in Beijing on Monday."
    assert flagged("MT602", mt, ref) == ["beijing"]
