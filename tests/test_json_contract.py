"""The JSON report is a contract (DESIGN.md): validate its shape and its semantics."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "report.schema.json").read_text(encoding="utf-8"))


def check_report(report: dict) -> None:
    jsonschema.validate(report, SCHEMA)
    counts = {"error": 0, "warning": 0, "info": 0}
    for doc in report["documents"]:
        text = doc["text"]
        lines = text.split("\n")
        for f in doc["findings"]:
            counts[f["severity"]] += 1
            assert 0 <= f["start"] < f["end"] <= len(text)
            assert text[f["start"] : f["end"]] == f["text"] == f["text"].strip()
            assert lines[f["line"] - 1][f["col"] - 1 :].startswith(f["text"].split("\n")[0])
        for s in doc["sentences"]:
            assert 0 <= s["start"] < s["end"] <= len(text)
        assert [s["index"] for s in doc["sentences"]] == list(range(len(doc["sentences"])))
        assert [s["index"] for s in doc["sentence_scores"]] == list(range(len(doc["sentences"])))
        if doc["reference"] is None:
            assert doc["alignment"] == [] and doc["scores"]["adequacy"] is None
        if report["signature"].split("|")[2] == "lm:none":
            assert doc["scores"]["fluency"] is None
    assert report["summary"]["findings"] == counts
    assert report["summary"]["documents"] == len(report["documents"])


@pytest.mark.parametrize("extra", [[], ["--select", "MT1,MT2"], ["--fail-on", "never"]])
def test_check_json_matches_contract(extra: list[str]) -> None:
    result = CliRunner().invoke(
        app, ["check", str(ROOT / "examples" / "nato.en.txt"), "--no-fluency", "-f", "json", *extra]
    )
    report = json.loads(result.stdout)
    check_report(report)
    assert report["signature"].startswith("mtcheck:0.1.0|mt:none|lm:none|select:")
    # The first five parts keep their order (the schema's pattern); settings added later follow them.
    assert report["signature"].split("|")[4] == "fail-on:" + ("never" if "never" in extra else "error")
    assert result.exit_code == (0 if report["summary"]["verdict"] == "pass" else 1)
