"""Baselines: accept the findings a feed has today and report only new ones from then on.

A fingerprint names a finding by what it is, not where it is: the rule code, the flagged text and
the words around it, normalised. Edits elsewhere in the article move offsets but leave fingerprints
alone; editing the flagged words or their neighbours makes the finding new again, as it should.
Identical fingerprints in one article are counted, so a second copy of an accepted problem is new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path, PurePath

from mtcheck.config import Config
from mtcheck.document import Document, DocumentReport, Finding, Report
from mtcheck.errors import ConfigError, InputFileError

SCHEMA = "mtcheck.baseline/1"
CONTEXT_WORDS = 3  # words kept either side of the flagged text
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _paragraph_bounds(doc: Document, offset: int) -> tuple[int, int]:
    """Context stops at paragraph breaks: the next paragraph is another part of the story."""
    lo = doc.text.rfind("\n\n", 0, offset)
    hi = doc.text.find("\n\n", offset)
    return (0 if lo < 0 else lo + 2), (len(doc.text) if hi < 0 else hi)


def fingerprint(doc: Document, finding: Finding) -> str:
    lo, hi = _paragraph_bounds(doc, finding.start)
    before = _words(doc.text[lo : finding.start])[-CONTEXT_WORDS:]
    after = _words(doc.text[finding.end : max(hi, finding.end)])[:CONTEXT_WORDS]
    flagged = " ".join(finding.text.split())
    key = "\x1f".join((finding.code, flagged, " ".join(before), " ".join(after)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def fingerprints(report: DocumentReport) -> list[str]:
    return [fingerprint(report.document, f) for f in report.findings]


def create(report: Report) -> dict:
    """The baseline file's content: per article, each fingerprint with how often it occurs."""
    documents: dict[str, dict[str, int]] = {}
    for doc in report.documents:
        counts = documents.setdefault(doc.document.id, {})
        for fp in fingerprints(doc):
            counts[fp] = counts.get(fp, 0) + 1
    return {"schema": SCHEMA, "signature": report.signature, "documents": documents}


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


def new_findings(report: DocumentReport, accepted: Counter[str]) -> list[Finding]:
    left = Counter(accepted)
    out = []
    for finding, fp in zip(report.findings, fingerprints(report), strict=True):
        if left[fp] > 0:
            left[fp] -= 1
        else:
            out.append(finding)
    return out


def apply(report: Report, baseline: dict[str, Counter[str]], config: Config) -> Report:
    """The report with accepted findings removed; scores and verdicts recomputed from what is left."""
    from mtcheck.scoring import batch_verdict, document_quality, sentence_scores, verdict

    documents = []
    for doc in report.documents:
        findings = new_findings(doc, _accepted_for(baseline, doc.document.id))
        if len(findings) == len(doc.findings):
            documents.append(doc)
            continue
        scores = sentence_scores(doc.document, findings, doc.alignment, doc.fluency)
        quality = document_quality(doc.document, scores, findings)
        documents.append(
            replace(
                doc,
                findings=findings,
                sentence_scores=scores,
                quality=quality,
                verdict=verdict(findings, quality, config.fail_on, config.min_score),
            )
        )
    return replace(report, documents=documents, verdict=batch_verdict(documents, report.errors))


def _accepted_for(baseline: dict[str, Counter[str]], doc_id: str) -> Counter[str]:
    """The exact id, else the same file name: `check a/x.txt` names it x.txt, `batch a/x.txt` a/x.txt."""
    if doc_id in baseline:
        return baseline[doc_id]
    name = PurePath(doc_id).name
    matches = [counts for key, counts in baseline.items() if PurePath(key).name == name]
    return matches[0] if len(matches) == 1 else Counter()
