"""JUnit XML: one test case per article, one failure per finding at or above the gate."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from mtcheck.document import InputError, Report
from mtcheck.render import render
from tests.render.reports import made_report, nato_report


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def test_one_case_per_article_and_failures_at_the_gate():
    nato = nato_report().documents[0]
    clean = made_report("The council met on Tuesday.", [], doc_id="clean.txt").documents[0]
    report = Report(
        nato_report().signature, [nato, clean], "fail", [InputError("bad.jsonl:3", "not valid JSON", 3)]
    )
    root = _parse(render(report, "junit", fail_on="error"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["nato.en.txt", "clean.txt", "bad.jsonl:3"]
    errors = [f for f in nato.findings if f.severity.value == "error"]
    failures = cases[0].findall("failure")
    assert [f.get("type") for f in failures] == [f.code for f in errors]
    assert errors[0].message in failures[0].get("message")
    assert f"{errors[0].line}:{errors[0].col}" in failures[0].text
    assert cases[1].find("failure") is None
    assert "line 3" in cases[2].find("error").get("message")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    # Warnings are below the gate: reported in system-out, not as failures.
    warning = next(f for f in nato.findings if f.severity.value == "warning")
    assert warning.message in cases[0].find("system-out").text


def test_gate_follows_fail_on():
    report = made_report(
        "Alpha beta gamma.",
        [("beta", "MT501", "warning", "structure"), ("gamma", "MT902", "info", "fluency")],
    )
    by_gate = {
        gate: len(list(_parse(render(report, "junit", fail_on=gate)).iter("failure")))
        for gate in ("error", "warning", "info", "never")
    }
    assert by_gate == {"error": 0, "warning": 1, "info": 2, "never": 0}
    # Without an explicit gate the report's signature says which one applied.
    assert len(list(_parse(render(report, "junit")).iter("failure"))) == 0


def test_control_characters_do_not_break_the_xml():
    report = made_report("Alpha \x07beta\x1b gamma.", [("\x07beta\x1b", "MT540", "error", "spacing")])
    root = _parse(render(report, "junit"))
    assert "\ufffdbeta\ufffd" in root.find(".//failure").text
