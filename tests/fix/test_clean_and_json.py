"""On clean articles `fix` changes nothing; the JSON report carries each finding's fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

ROOT = Path(__file__).resolve().parents[2]
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_clean_corpus_is_unchanged(path: Path) -> None:
    result = CliRunner().invoke(app, ["fix", str(path), "--no-fluency", "--unsafe-fixes", "--diff"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    fixed = CliRunner().invoke(app, ["fix", str(path), "--no-fluency"]).stdout
    assert fixed == path.read_text(encoding="utf-8")


def test_json_findings_carry_their_fix() -> None:
    nato = ROOT / "examples" / "nato.en.txt"
    report = json.loads(CliRunner().invoke(app, ["check", str(nato), "--no-fluency", "-f", "json"]).stdout)
    doc = report["documents"][0]
    text = doc["text"]
    by_text = {(f["code"], f["text"]): f for f in doc["findings"]}
    acronym = by_text[("MT203", "nato")]["fix"]
    assert acronym == {"applicability": "safe", "edits": [{"start": 159, "end": 163, "replacement": "NATO"}]}
    assert text[159:163] == "nato"
    credit = by_text[("MT520", "(Photo: Europapress)")]["fix"]
    assert credit["applicability"] == "unsafe"
    [edit] = credit["edits"]
    assert text[edit["start"] : edit["end"]] == " (Photo: Europapress)" and edit["replacement"] == ""
    assert by_text[("MT301", "Billion")]["fix"] == {"applicability": "display", "edits": []}
    # Every edit indexes the analysed text, like the finding's own offsets.
    for f in doc["findings"]:
        for e in f.get("fix", {}).get("edits", []):
            assert 0 <= e["start"] <= e["end"] <= len(text)
