"""MT410/MT411: `He said` for an organisation."""

from __future__ import annotations

from tests.helpers import flagged, run_rule


def test_he_said_against_it_said() -> None:
    (hit,) = run_rule(
        "MT410",
        "He said that through NATO, member states are buying 1,000 missiles.",
        "It said that member states are buying 1,000 missiles through NATO.",
    )
    assert hit.text == "He" and hit.suggestion == "It" and hit.evidence.startswith("It said")


def test_his_commitment_against_their_commitment() -> None:
    found = run_rule(
        "MT410",
        "member countries of nato He reaffirmed this Wednesday his commitment to Ukraine.",
        "NATO member countries on Wednesday reaffirmed their commitment to Ukraine.",
    )
    assert [(f.text, f.suggestion) for f in found] == [("He", "They"), ("his", "their")]


def test_his_against_its() -> None:
    found = run_rule("MT410", "The alliance renewed his pledge.", "The alliance renewed its pledge.")
    assert [(f.text, f.suggestion) for f in found] == [("his", "its")]


def test_quiet_when_reference_names_a_person() -> None:
    assert (
        flagged("MT410", "He said the alliance would act.", "Jens Stoltenberg said the alliance would act.")
        == []
    )
    assert flagged("MT410", "He said the alliance would act.", "He said the alliance would act.") == []
    assert (
        flagged("MT410", "Putin is trying, but he will fail.", "Putin is trying, but he will not succeed.")
        == []
    )


def test_quiet_when_reference_has_no_organisation() -> None:
    assert flagged("MT410", "He said it would rain.", "It was said that it would rain.") == []


def test_without_reference_preceding_organisation() -> None:
    text = (
        "“The Allies have already provided Ukraine with air defence,” the coalition said in a statement. "
        "He said that member states are buying 1,000 Patriot missiles."
    )
    (hit,) = run_rule("MT411", text)
    assert hit.text == "He" and hit.suggestion == "It"
    assert "coalition" in hit.message


def test_without_reference_preceding_person_is_quiet() -> None:
    assert (
        flagged("MT411", "Jens Stoltenberg said the alliance would act. He said more aid was coming.") == []
    )
    assert flagged("MT411", "The minister said aid would come. He said more was needed.") == []


def test_mt411_defers_to_mt410_when_a_reference_exists() -> None:
    text = "“We act,” the coalition said. He said that states buy missiles."
    assert flagged("MT411", text) == ["He"]
    assert flagged("MT411", text, text) == []
