"""SARIF 2.1.0 output: valid against the official schema, regions agree with the offsets."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from mtcheck.document import Applicability, Edit, Fix, InputError
from mtcheck.render import render
from mtcheck.rules import REGISTRY
from tests.render.reports import made_report, nato_report

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture(scope="module")
def nato():
    return nato_report()


def test_valid_against_sarif_schema(nato):
    nato.errors.append(InputError("broken.txt", "not valid UTF-8", None))
    log = json.loads(render(nato, "sarif"))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].startswith("broken.txt")
    nato.errors.clear()


def test_schema_rejects_a_broken_log(nato):
    # The validation above means something: the same log with a bad level fails it.
    log = json.loads(render(nato, "sarif"))
    log["runs"][0]["results"][0]["level"] = "severe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)


def test_results_match_findings(nato):
    doc = nato.documents[0]
    run = json.loads(render(nato, "sarif", paths={"nato.en.txt": "examples/nato.en.txt"}))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(REGISTRY)
    assert len(run["results"]) == len(doc.findings)
    for result, f in zip(run["results"], doc.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == f.code
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity.value]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "examples/nato.en.txt"
        region = loc["region"]
        text = doc.document.text
        assert text[region["charOffset"] : region["charOffset"] + region["charLength"]] == f.text
        lines = text.split("\n")
        start_line, start_col = region["startLine"], region["startColumn"]
        end_line, end_col = region["endLine"], region["endColumn"]
        # Columns are 1-based code points; the end column points just past the region.
        if start_line == end_line:
            assert lines[start_line - 1][start_col - 1 : end_col - 1] == f.text
        assert (start_line, start_col) == doc.document.line_col(f.start)
    assert run["columnKind"] == "unicodeCodePoints"


def test_info_maps_to_note_and_fix_is_offered():
    report = made_report(
        "Alpha beta.\nGamma delta.", [("delta", "MT301", "info", "number")], suggestion="Delta"
    )
    finding = report.documents[0].findings[0]
    # SARIF offers the finding's structured fix (safe or unsafe), not a bare suggestion.
    finding.fix = Fix(Applicability.SAFE, (Edit(finding.start, finding.start + 1, "D"),))
    result = json.loads(render(report, "sarif"))["runs"][0]["results"][0]
    assert result["level"] == "note"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 7, 12)
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "D"
    deleted = replacement["deletedRegion"]
    assert (deleted["startLine"], deleted["startColumn"], deleted["endColumn"]) == (2, 7, 8)
    assert result["fixes"][0]["properties"]["applicability"] == "safe"
