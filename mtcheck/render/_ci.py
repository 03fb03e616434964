"""Helpers the CI renderers share: the gate's severity and where an article lives on disk."""

from __future__ import annotations

from collections.abc import Mapping

from mtcheck.document import Finding, Report, Severity


def gate(report: Report, fail_on: str | None = None) -> str:
    """The lowest failing severity: from the caller, else the one the report was made with."""
    if fail_on is None:
        fail_on = report.signature.fail_on
    return fail_on if fail_on in ("error", "warning", "info", "never") else "error"


def fails_gate(finding: Finding, fail_on: str) -> bool:
    return fail_on != "never" and finding.severity.rank >= Severity(fail_on).rank


def path_of(doc_id: str, paths: Mapping[str, str] | None) -> str:
    """The file an article came from (for annotations on the changed file), else its id."""
    return (paths or {}).get(doc_id, doc_id)


def suggestion_text(suggestion: str | None) -> str:
    """' Suggestion: …' for a message, or '' when the rule has none; an empty suggestion deletes."""
    if suggestion is None:
        return ""
    return " Suggestion: delete it." if suggestion == "" else f" Suggestion: “{suggestion}”."
