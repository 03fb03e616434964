"""Baselines: accept the findings a feed has today and report only new ones from then on.

A finding is named by its fingerprint (:mod:`mtcheck.fingerprint`): what it is, not where it is.
Identical fingerprints in one article are counted, so a second copy of an accepted problem is new.
A baseline is a filter on findings that runs before scoring (:func:`keep_new`, handed to the one report
path in :mod:`mtcheck.reporting`), so a report with a baseline is scored once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path, PurePath

from mtcheck.document import Document, DocumentReport, Finding, Report
from mtcheck.errors import ConfigError, InputFileError
from mtcheck.fingerprint import fingerprint
from mtcheck.reporting import FindingFilter, Judged, build_report
from mtcheck.settings import RuleSettings

SCHEMA = "mtcheck.baseline/1"
Accepted = dict[str, Counter[str]]  # article id -> accepted fingerprints with their counts


def fingerprints(report: DocumentReport) -> list[str]:
    return [fingerprint(report.document, f) for f in report.findings]


__all__ = [
    "SCHEMA", "Accepted", "apply", "create", "dumps", "fingerprint", "fingerprints", "keep_new", "load",
]  # fmt: skip


def create(report: Report) -> dict:
    """The baseline file's content: per article, each fingerprint with how often it occurs."""
    documents: dict[str, dict[str, int]] = {}
    for doc in report.documents:
        counts = documents.setdefault(doc.document.id, {})
        for fp in fingerprints(doc):
            counts[fp] = counts.get(fp, 0) + 1
    return {"schema": SCHEMA, "signature": report.signature.render(), "documents": documents}


def dumps(baseline: dict) -> str:
    return json.dumps(baseline, indent=1, sort_keys=True) + "\n"


def load(path: str | Path) -> dict[str, Counter[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        hint = "create one with `mtcheck baseline create`"
        raise ConfigError(f"{path}: no such baseline file ({hint})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: not a readable baseline ({exc})") from None
    return load_dict(data, str(path))


def load_dict(data: object, path: str = "baseline") -> dict[str, Counter[str]]:
    """Fingerprint counts per article from a parsed baseline file."""
    if (
        not isinstance(data, dict)
        or data.get("schema") != SCHEMA
        or not isinstance(data.get("documents"), dict)
    ):
        raise InputFileError(f"{path}: not an mtcheck baseline (expected schema {SCHEMA})")
    out: dict[str, Counter[str]] = {}
    for doc_id, counts in data["documents"].items():
        if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
            raise InputFileError(f"{path}: bad entry for {doc_id!r}")
        out[doc_id] = Counter(counts)
    return out


def new_findings(doc: Document, findings: list[Finding], accepted: Counter[str]) -> list[Finding]:
    """The findings not covered by ``accepted``, in order; each accepted fingerprint covers as many
    findings as its count."""
    left = Counter(accepted)
    out = []
    for finding in findings:
        fp = fingerprint(doc, finding)
        if left[fp] > 0:
            left[fp] -= 1
        else:
            out.append(finding)
    return out


def keep_new(baseline: Accepted) -> FindingFilter:
    """The report path's finding filter for a loaded baseline."""
    return lambda doc, findings: new_findings(doc, findings, _accepted_for(baseline, doc.id))


def apply(report: Report, baseline: Accepted, settings: RuleSettings) -> Report:
    """An existing report with accepted findings removed, through the one report path.

    A run that knows its baseline up front (``Checker.run(..., keep=keep_new(baseline))``) scores
    once; this is for a report made without it.
    """
    used = report.signature.used
    judged = [Judged.of_report(doc) for doc in report.documents]
    return build_report(judged, report.errors, settings, used, keep_new(baseline))


def _accepted_for(baseline: dict[str, Counter[str]], doc_id: str) -> Counter[str]:
    """The exact id, else the same file name: `check a/x.txt` names it x.txt, `batch a/x.txt` a/x.txt."""
    if doc_id in baseline:
        return baseline[doc_id]
    name = PurePath(doc_id).name
    matches = [counts for key, counts in baseline.items() if PurePath(key).name == name]
    return matches[0] if len(matches) == 1 else Counter()
