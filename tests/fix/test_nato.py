"""`mtcheck fix` on the example article: what it corrects, exactly, and what it leaves to a person."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app
from mtcheck.config import load_config
from mtcheck.fix.loop import Fixer
from mtcheck.pipeline import Checker
from mtcheck.readers import read_article

ROOT = Path(__file__).resolve().parents[2]
NATO = ROOT / "examples" / "nato.en.txt"


@pytest.fixture(scope="module")
def safe():
    return Fixer(Checker(load_config(None).merged(fluency=False))).fix(read_article(str(NATO)))


@pytest.fixture(scope="module")
def unsafe():
    return Fixer(Checker(load_config(None).merged(fluency=False)), unsafe=True).fix(read_article(str(NATO)))


def _applied(outcome) -> set[tuple[str, str, str]]:
    """(rule, flagged text, suggested text) of every fix the loop applied."""
    return {(f.code, f.text, f.suggestion) for f in outcome.applied}


def test_safe_fixes_correct_the_listed_spans(safe) -> None:
    applied = _applied(safe)
    for expected in [
        ("MT203", "nato", "NATO"),
        ("MT203", "Nato", "NATO"),
        ("MT202", "iran", "Iran"),
        ("MT204", "And", "and"),
        ("MT204", "A", "a"),
        ("MT102", "″", "”"),
        ("MT504", ".”", ".” "),
        ("MT201", "member", "Member"),
    ]:
        assert expected in applied, expected
    text = safe.text
    # The corrected spans, in their sentences.
    assert "Member countries of NATO He reaffirmed" in text
    assert "meeting, a forum for consultation" in text
    assert "capacities in 2024” NATO added." in text
    assert "“weapons North Korea and Iran," in text
    assert "drones from Iran.” Gave details" in text
    for garble in (" nato ", "2024″Nato", "And iran", "Iran.”Gave", ", A forum"):
        assert garble not in text


def test_the_glued_quote_needs_a_second_pass(safe) -> None:
    # ″ -> ” and Nato -> NATO in pass 1; only then is the missing space after ” a fix of its own.
    assert safe.passes == 2
    assert ("MT103", "”NATO", "” NATO") in _applied(safe)


def test_safe_fixes_leave_what_needs_a_person(safe) -> None:
    remaining = Counter(f.code for f in safe.after.findings)
    assert remaining == Counter(
        {
            "MT101": 2,  # two quotations never closed
            "MT301": 1,  # the lost amount: “Billion euros”
            "MT502": 1,  # the paragraph cut off after “Iran,”
            "MT503": 1,  # “Gave details ...”: no subject
            "MT411": 1,  # “He said” after the coalition: unsafe
            "MT520": 2,  # two photo credits: unsafe
            "MT521": 1,  # the photo caption: unsafe
            "MT522": 1,  # the date stamp: unsafe
        }
    )
    kinds = {f.code: f.fix.applicability.value for f in safe.after.findings if f.fix}
    assert {kinds[c] for c in ("MT411", "MT520", "MT521", "MT522")} == {"unsafe"}
    assert {kinds[c] for c in ("MT101", "MT301", "MT502", "MT503")} == {"display"}


def test_unsafe_fixes_remove_the_leaks(unsafe) -> None:
    text = unsafe.text
    assert "(Photo: Europapress)" not in text
    assert "Jens Stoltenberg, Secretary General of NATO" not in text
    assert "(EFE/Ilya U. Topper)" not in text
    assert "date 2024-01-10" not in text.lower()
    assert "It said that through NATO" in text
    # The caption paragraph goes with its blank line; neighbours stay separated by one.
    assert "he will not succeed.”\n\n“Russia’s campaign" in text
    assert "\n\n\n" not in text
    assert {f.code for f in unsafe.after.findings} == {"MT101", "MT301", "MT502", "MT503"}


def test_check_after_fix_agrees(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "nato.fixed.txt"
    result = runner.invoke(app, ["fix", str(NATO), "--no-fluency"])
    assert result.exit_code == 0, result.output
    out.write_text(result.stdout, encoding="utf-8")
    checked = runner.invoke(app, ["check", str(out), "--no-fluency", "-f", "json"])
    import json

    codes = Counter(f["code"] for f in json.loads(checked.stdout)["documents"][0]["findings"])
    assert codes == Counter(
        {"MT101": 2, "MT520": 2, "MT301": 1, "MT502": 1, "MT503": 1, "MT411": 1, "MT521": 1, "MT522": 1}
    )


def test_fix_with_reference_keeps_casing_safe(tmp_path: Path) -> None:
    # With a re-translation, `iran` is also a mismatch with it (MT602, unsafe); the merged finding
    # keeps the surer fix, so safe mode still corrects it.
    article = read_article(str(NATO))
    article.reference = (ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8")
    outcome = Fixer(Checker(load_config(None).merged(fluency=False))).fix(article)
    assert "North Korea and Iran," in outcome.text
    assert "NATO He reaffirmed" in outcome.text
    # Words from the re-translation are unsafe: not taken.
    assert "billions of" not in outcome.text
