"""``--format sarif``: SARIF 2.1.0 for code-scanning UIs.

Regions use code points (``columnKind: unicodeCodePoints``) of the article's own file: for Markdown
and HTML the reader's offset map carries them from the extracted text back through the markup.
``fixes`` carry the safe and unsafe fixes as replacements in that file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mtcheck import __version__
from mtcheck.document import DocumentReport, Finding, Report, RuleInfo
from mtcheck.fingerprint import fingerprint
from mtcheck.render._ci import path_of, suggestion_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rules(catalogue: tuple[RuleInfo, ...]) -> list[dict]:
    """The run's rule catalogue (``Report.rules``) as SARIF reporting descriptors."""
    out = []
    for rule in catalogue:
        out.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": f"{rule.summary} {rule.why}"},
                "help": {"text": f"{rule.summary}\nWhy: {rule.why}\nFix: {rule.fix}"},
                "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
                "properties": {"category": rule.category, "tags": ["mtcheck", rule.category]},
            }
        )
    return out


def _span(doc: DocumentReport, start: int, end: int) -> tuple[int, int]:
    """The span ``[start, end)`` of the analysed text as offsets of the article's own file."""
    origin = doc.document.origin
    if origin is None:
        return start, end
    lo = origin.offset(start)
    return lo, max(lo, origin.map.end_of(end - 1)) if end > start else lo


def _file_region(doc: DocumentReport, start: int, end: int) -> dict:
    """A SARIF region over offsets of the article's file (code points; end column exclusive)."""
    origin = doc.document.origin
    where = origin.raw_line_col if origin is not None else doc.document.line_col
    line, col = where(start)
    end_line, end_col = where(end)
    return {
        "startLine": line,
        "startColumn": col,
        "endLine": end_line,
        "endColumn": end_col,
        "charOffset": start,
        "charLength": end - start,
    }


def _region(doc: DocumentReport, f: Finding) -> dict:
    # Lines and columns of the article's own file: for Markdown and HTML they count the markup.
    region = _file_region(doc, *_span(doc, f.start, f.end))
    region["snippet"] = {"text": f.text}
    return region


def _fixes(doc: DocumentReport, f: Finding, uri: str, artifact: int) -> list[dict] | None:
    """SARIF ``fixes`` from the finding's safe or unsafe fix, placed in the article's file."""
    fix = f.fix
    if fix is None or not fix.edits or fix.applicability.value == "display":
        return None
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    origin = doc.document.origin
    if origin is not None:
        from mtcheck.edits.source import place

        placed = place(origin, edits)
        if placed.refused:
            return None  # the edit crosses markup: no automatic fix to offer
        edits = placed.edits
    from mtcheck.edits.preview import before_after

    pair = before_after(doc.document.text, f)
    what = f"{pair[0]} → {pair[1]}" if pair else f"replace {f.text!r}"
    return [
        {
            "description": {"text": f"{fix.applicability.value} fix: {what}"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": uri, "index": artifact},
                    "replacements": [
                        {
                            "deletedRegion": _file_region(doc, e.start, e.end),
                            "insertedContent": {"text": e.replacement},
                        }
                        for e in edits
                    ],
                }
            ],
            "properties": {"applicability": fix.applicability.value},
        }
    ]


def _result(doc: DocumentReport, f: Finding, uri: str, index: dict[str, int], artifact: int) -> dict:
    message = f.message + suggestion_text(f.suggestion)
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": LEVEL[f.severity.value],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "index": artifact},
                    "region": _region(doc, f),
                }
            }
        ],
        "partialFingerprints": {"mtcheckFinding/v1": fingerprint(doc.document, f)},
        "properties": {"name": f.name, "category": f.category},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    fixes = _fixes(doc, f, uri, artifact)
    if fixes:
        result["fixes"] = fixes
    return result


def _length(doc: DocumentReport) -> int:
    origin = doc.document.origin
    return len(origin.raw) if origin is not None else len(doc.document.text)


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:@-._~!$&'()*+,;=")


def to_sarif(report: Report, paths: Mapping[str, str] | None = None) -> dict:
    rules = _rules(report.rules)
    index = {r["id"]: i for i, r in enumerate(rules)}
    artifacts, results = [], []
    for doc in report.documents:
        uri = _uri(path_of(doc.document.id, paths))
        artifact = len(artifacts)
        artifacts.append({"location": {"uri": uri}, "length": _length(doc), "roles": ["analysisTarget"]})
        results.extend(_result(doc, f, uri, index, artifact) for f in doc.findings)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{e.id}" + (f" (line {e.line})" if e.line else "") + f": {e.reason}"},
            "descriptor": {"id": "input-error"},
        }
        for e in report.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mtcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"signature": report.signature.render(), "verdict": report.verdict},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, paths: Mapping[str, str] | None = None, **_: Any) -> str:
    return json.dumps(to_sarif(report, paths), ensure_ascii=False, indent=2) + "\n"
