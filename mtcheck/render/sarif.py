"""``--format sarif``: SARIF 2.1.0 for code-scanning UIs.

Regions use the analysed text's code points (``columnKind: unicodeCodePoints``), which is the file
itself for plain-text articles; for HTML and Markdown they index the extracted text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mtcheck import __version__
from mtcheck.baseline import fingerprint
from mtcheck.document import DocumentReport, Finding, Report
from mtcheck.render._ci import path_of, suggestion_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rules() -> list[dict]:
    from mtcheck.rules import REGISTRY

    out = []
    for code, rule in sorted(REGISTRY.items()):
        out.append(
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": f"{rule.summary} {rule.why}"},
                "help": {"text": f"{rule.summary}\nWhy: {rule.why}\nFix: {rule.fix}"},
                "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
                "properties": {"category": rule.category, "tags": ["mtcheck", rule.category]},
            }
        )
    return out


def _region(doc: DocumentReport, f: Finding) -> dict:
    end_line, end_col = doc.document.line_col(f.end)
    return {
        "startLine": f.line,
        "startColumn": f.col,
        "endLine": end_line,
        "endColumn": end_col,  # SARIF end columns point just past the region
        "charOffset": f.start,
        "charLength": f.end - f.start,
        "snippet": {"text": f.text},
    }


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
    if f.suggestion is not None:
        end_line, end_col = doc.document.line_col(f.end)
        result["fixes"] = [
            {
                "description": {"text": f"Replace {f.text!r} with {f.suggestion!r}"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri, "index": artifact},
                        "replacements": [
                            {
                                "deletedRegion": {
                                    "startLine": f.line,
                                    "startColumn": f.col,
                                    "endLine": end_line,
                                    "endColumn": end_col,
                                },
                                "insertedContent": {"text": f.suggestion},
                            }
                        ],
                    }
                ],
            }
        ]
    return result


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:@-._~!$&'()*+,;=")


def to_sarif(report: Report, paths: Mapping[str, str] | None = None) -> dict:
    rules = _rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    artifacts, results = [], []
    for doc in report.documents:
        uri = _uri(path_of(doc.document.id, paths))
        artifact = len(artifacts)
        artifacts.append(
            {"location": {"uri": uri}, "length": len(doc.document.text), "roles": ["analysisTarget"]}
        )
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
        "properties": {"signature": report.signature, "verdict": report.verdict},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, paths: Mapping[str, str] | None = None, **_: Any) -> str:
    return json.dumps(to_sarif(report, paths), ensure_ascii=False, indent=2) + "\n"
