"""The example article: mtcheck must flag each of these garbles by exact offsets (issue 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8")


def _at(needle: str, context: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of ``needle`` inside the (unique) ``context`` string of the article."""
    base = TEXT.index(context)
    assert TEXT.count(context) == 1, context
    start = base + context.index(needle)
    return start, start + len(needle)


EXPECTED = [
    ("lowercase sentence start", _at("member", "member countries of nato")),
    ("nato casing", _at("nato", "countries of nato He")),
    ("He after nato", _at("He", "of nato He reaffirmed")),
    ("Billion without number", _at("Billion", "provide Billion euros")),
    ("prime as closing quote", _at("″", "2024″Nato")),
    ("unclosed quote before weapons", _at("“", "“weapons North Korea")),
    ("And mid-sentence", _at("And", "North Korea And iran")),
    ("iran casing", _at("iran", "Korea And iran,")),
    ("photo caption", _at("(Photo: Europapress)", "(Photo: Europapress)")),
    ("missing space", _at("”G", "Iran.”Gave")),
    ("unclosed quote before Russia", _at("“", "“Russia’s campaign")),
    (
        "fragment",
        _at(
            "Gave details of the transatlantic organization.",
            "”Gave details of the transatlantic organization.",
        ),
    ),
]


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    result = CliRunner().invoke(
        app, ["check", str(ROOT / "examples" / "nato.en.txt"), "--no-fluency", "-f", "json"]
    )
    assert result.exit_code == 1
    return json.loads(result.stdout)["documents"][0]["findings"]


@pytest.mark.parametrize(("what", "span"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_flagged(findings: list[dict], what: str, span: tuple[int, int]) -> None:
    start, end = span
    if what == "missing space":
        # The boundary (between ” and G) may be reported as the glued characters or the mark before it.
        boundary = start + 1
        hits = [f for f in findings if f["start"] < boundary <= f["end"] and "space" in f["name"]]
    elif what == "fragment":
        hits = [
            f for f in findings if (f["start"], f["end"]) == (start, end) and f["category"] == "structure"
        ]
    else:
        hits = [
            f
            for f in findings
            if f["start"] <= start and f["end"] >= end and f["end"] - f["start"] <= max(end - start, 25)
        ]
    assert hits, f"{what}: nothing flagged at {start}-{end} ({TEXT[start:end]!r})"
