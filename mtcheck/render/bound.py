"""The report bound: what a rendered report lists, so that no input can flood an editor or a service.

Renderers see a bounded view of the report, never the report itself changed: ``mtcheck fix``, the
baseline and the counts work on every finding. Two limits apply to the view:

- per document, at most ``max_repeats`` findings of one rule are listed; the rest become one
  summary entry at the place of the first one left out, which says how many it stands for and
  where the first few of them are (JSON adds ``"collapsed": {"count": N, "first": [...]}``);
- messages and evidence (which quote article or re-translation text) are cut to ``SNIPPET_CHARS``
  characters, ``…`` marking the cut. A finding's ``text`` and ``suggestion`` are never cut: the
  contract says ``text[start:end] == finding.text``, and a suggestion is an edit to apply as is.

The summary counts and the verdict stay those of the full report.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from mtcheck.config import Config
from mtcheck.document import DocumentReport, Finding, Report, Severity

DEFAULT_MAX_REPEATS: int = Config.report_max_repeats
SNIPPET_CHARS = 300  # characters of a message or evidence shown in a report
FIRST_SHOWN = 5  # positions of collapsed findings named in the summary entry


@dataclass
class CollapsedFindings(Finding):
    """One entry standing for ``count`` findings of one rule; its span is the first one's."""

    count: int = 0
    first: list[Finding] = field(default_factory=list)  # the first FIRST_SHOWN of them

    def to_json(self) -> dict:
        out = super().to_json()
        out["collapsed"] = {
            "count": self.count,
            "first": [{"start": f.start, "end": f.end, "line": f.line, "col": f.col} for f in self.first],
        }
        return out


@dataclass
class BoundedDocumentReport(DocumentReport):
    """A document's report as rendered: findings bounded, counts those of every finding."""

    full_counts: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return dict(self.full_counts)


def snippet(value: str | None, limit: int = SNIPPET_CHARS) -> str | None:
    """``value`` cut to ``limit`` characters, the cut marked with ``…``; None stays None."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def _snipped(f: Finding) -> Finding:
    short = {
        name: snippet(getattr(f, name))
        for name in ("message", "evidence")
        if getattr(f, name) is not None and len(getattr(f, name)) > SNIPPET_CHARS
    }
    return dataclasses.replace(f, **short) if short else f


def _summary(rest: list[Finding], shown: int) -> CollapsedFindings:
    head = rest[0]
    where = ", ".join(f"{f.line}:{f.col}" for f in rest[:FIRST_SHOWN])
    more = ", …" if len(rest) > FIRST_SHOWN else ""
    severity = max((f.severity for f in rest), key=lambda s: s.rank, default=Severity.INFO)
    from mtcheck.engine import MAX_FINDINGS_PER_RULE

    # A rule that reached the engine's cap stopped looking: say so rather than give a false count.
    capped = (
        " (the rule stopped there; there may be more)" if shown + len(rest) >= MAX_FINDINGS_PER_RULE else ""
    )
    message = (
        f"{len(rest):,} more {head.code} findings in this document{capped}, not listed one by one "
        f"after the first {shown:,}; the first of them at line:col {where}{more}"
    )
    values = {f.name: getattr(head, f.name) for f in dataclasses.fields(Finding) if f.init}
    values.update(message=message, suggestion=None, evidence=None, severity=severity)
    if "fix" in values:  # the entry stands for many edits; `fix` applies them from the full report
        values["fix"] = None
    return CollapsedFindings(**values, count=len(rest), first=rest[:FIRST_SHOWN])


def bound_document(doc: DocumentReport, max_repeats: int = DEFAULT_MAX_REPEATS) -> DocumentReport:
    """``doc`` as rendered: at most ``max_repeats`` findings per rule, then one summary entry."""
    per_code = Counter(f.code for f in doc.findings)
    long_text = any(
        v is not None and len(v) > SNIPPET_CHARS for f in doc.findings for v in (f.message, f.evidence)
    )
    if (not per_code or max(per_code.values()) <= max_repeats) and not long_text:
        return doc
    seen: Counter[str] = Counter()
    rest: dict[str, list[Finding]] = {}
    listed: list[Finding | str] = []  # a code marks where its summary entry goes
    for f in doc.findings:
        seen[f.code] += 1
        if seen[f.code] <= max_repeats:
            listed.append(_snipped(f))
        else:
            if f.code not in rest:
                rest[f.code] = []
                listed.append(f.code)
            rest[f.code].append(f)
    findings = [_summary(rest[x], max_repeats) if isinstance(x, str) else x for x in listed]
    values = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.init}
    values.update(findings=findings, full_counts=doc.counts())
    return BoundedDocumentReport(**values)


def bound_report(report: Report, max_repeats: int = DEFAULT_MAX_REPEATS) -> Report:
    """The report every renderer sees: each document bounded; the report itself is not changed."""
    documents = [bound_document(d, max_repeats) for d in report.documents]
    if all(a is b for a, b in zip(documents, report.documents, strict=True)):
        return report
    return dataclasses.replace(report, documents=documents)
