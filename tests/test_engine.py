"""The rule engine: duplicate fixes on one span are merged, suppressions honoured."""

from __future__ import annotations

from mtcheck.document import Finding, Severity
from mtcheck.engine import _merge_same_fix, run_rules, select_rules
from tests.helpers import context

MT = "The allies condemned attacks from Russia and iran on Tuesday."
REF = "The allies condemned attacks from Russia and Iran on Tuesday."


def test_same_span_and_fix_from_two_rules_is_reported_once_at_the_higher_severity() -> None:
    rules = select_rules(["MT202", "MT602"])
    alone = {f.code: f for f in run_rules(context(MT, REF), select_rules(["MT202"]))}
    assert alone["MT202"].suggestion == "Iran" and alone["MT202"].severity.value == "warning"
    found = [f for f in run_rules(context(MT, REF), rules) if f.text == "iran"]
    assert [(f.code, f.severity.value, f.suggestion) for f in found] == [("MT602", "error", "Iran")]


def test_findings_without_a_fix_or_with_different_fixes_are_kept() -> None:
    def finding(code: str, severity: Severity, suggestion: str | None) -> Finding:
        return Finding(code, code.lower(), "structure", severity, 0, 4, "Gave", "m", suggestion)

    found = _merge_same_fix(
        [
            finding("MT503", Severity.WARNING, None),
            finding("MT603", Severity.WARNING, None),
            finding("MT201", Severity.ERROR, "gave"),
            finding("MT204", Severity.WARNING, "GAVE"),
            finding("MT205", Severity.WARNING, "gave"),
        ]
    )
    assert sorted(f.code for f in found) == ["MT201", "MT204", "MT503", "MT603"]


def test_suppressed_span_is_skipped() -> None:
    ctx = context(MT, REF)
    ctx.doc.suppressions = [(0, len(MT), frozenset({"MT6"}))]
    codes = {f.code for f in run_rules(ctx, select_rules(["MT202", "MT602"]))}
    assert codes == {"MT202"}
