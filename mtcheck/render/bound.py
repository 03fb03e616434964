"""The report bound: what a rendered report lists, so that no input can flood an editor or a service.

Renderers see a bounded view of the report, never the report itself changed: ``mtcheck fix``, the
baseline and the counts work on every finding. These limits apply to the view, per document:

- at most ``max_repeats`` findings of one rule are listed; the rest become one summary entry at the
  place of the first one left out, which says how many it stands for and where the first few of
  them are (JSON adds ``"collapsed": {"count": N, "first": [...]}``);
- at most ``max(max_repeats, FINDINGS_FLOOR, len(text) // CHARS_PER_FINDING)`` findings are listed
  in all; a finding past that budget joins its rule's summary entry the same way. A listed
  finding costs up to ~1.5 KB (SARIF, HTML), so a text that trips many rules at once could
  otherwise make a report hundreds of times its size;
- at most ``max(SENTENCE_FLOOR, len(text) // CHARS_PER_SENTENCE)`` sentences get records of their
  own (``sentences``, ``sentence_scores``, ``alignment``; the HTML sentence elements and chart bars);
  the rest are summed up in one added key, ``"sentences_collapsed"``. A sentence costs ~130 bytes of
  JSON and ~330 of HTML, so sentence-dense text (one-letter lines: a sentence per two characters)
  made JSON reports 75 and HTML 125 times its size;
- the same holds for each re-translation: at most ``max(SENTENCE_FLOOR, len(its text) //
  CHARS_PER_SENTENCE)`` of its sentences get records (its own ``"sentences_collapsed"`` key), and
  the alignment lists at most as many pairs as the MT and the re-translation together have sentence
  records, so a short MT checked against a huge, sentence-dense re-translation cannot flood it either;
- messages and evidence (which quote article or re-translation text) are cut to ``SNIPPET_CHARS``
  characters, ``…`` marking the cut. A finding's ``text`` and ``suggestion`` are never cut: the
  contract says ``text[start:end] == finding.text``, and a suggestion is an edit to apply as is.

Every record that is listed is exact (a sentence record is one sentence, a finding one finding);
the summary counts and the verdict stay those of the full report. No real article meets these
budgets (``benchmarks/report_bound.py`` measures the most findings of one rule and in all, and the
densest sentences, over the dev and clean corpora).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from mtcheck.config import Config
from mtcheck.document import AlignedPair, DocumentReport, Finding, Reference, Report, Severity

DEFAULT_MAX_REPEATS: int = Config.report_max_repeats
SNIPPET_CHARS = 300  # characters of a message or evidence shown in a report
FIRST_SHOWN = 5  # positions of collapsed findings named in the summary entry
# Characters of text per listed finding / sentence record above the floors: a listed finding costs at
# most ~1.5 KB in any format and a sentence ~330 bytes of HTML (its element and its chart bar), so
# these keep each part near 25 and 14 times the text. Real news averages ~120 characters a sentence.
CHARS_PER_FINDING = 60
CHARS_PER_SENTENCE = 24
FINDINGS_FLOOR = 200  # a document lists this many findings in all, however short it is
SENTENCE_FLOOR = 100  # a text with at most this many sentences lists each of them, however short


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
    listed_sentences: int | None = None  # sentences 0..n-1 have records; None: every sentence
    sentences_collapsed: dict | None = None  # what the sentences past listed_sentences add up to

    def counts(self) -> dict[str, int]:
        return dict(self.full_counts)

    def to_json(self) -> dict:
        if self.listed_sentences is None:
            return super().to_json()
        # The base record of a document whose sentence list stops at the budget: building a dict
        # for each of a million sentences only to drop them cost seconds on sentence-dense text.
        doc = self.document
        short = dataclasses.replace(doc, sentences=doc.sentences[: self.listed_sentences])
        out = DocumentReport.to_json(dataclasses.replace(self, document=short))
        out["sentences_collapsed"] = self.sentences_collapsed
        return out


@dataclass
class BoundedReference(Reference):
    """A re-translation as rendered: sentences ``0..listed-1`` have records, the rest one summary."""

    listed: int = 0

    def to_json(self) -> dict:
        doc = self.document
        out = Reference.to_json(
            dataclasses.replace(
                self, document=dataclasses.replace(doc, sentences=doc.sentences[: self.listed])
            )
        )
        rest = doc.sentences[self.listed :]
        out["sentences_collapsed"] = {
            "count": len(rest),
            "from_index": rest[0].index,
            "start": rest[0].start,
            "end": rest[-1].end,
        }
        return out


def _bound_reference(ref: Reference) -> Reference:
    """``ref`` with at most its sentence budget of sentence records (itself when within it)."""
    budget = max(SENTENCE_FLOOR, len(ref.document.text) // CHARS_PER_SENTENCE)
    if len(ref.document.sentences) <= budget:
        return ref
    return BoundedReference(ref.origin, ref.name, ref.document, listed=budget)


def _pair_budget(doc: DocumentReport, ref: Reference | None, n_sentences: int) -> int:
    """Alignment pairs listed against ``ref``: the MT's sentence records plus the re-translation's."""
    if ref is None:
        return n_sentences
    return n_sentences + max(SENTENCE_FLOOR, len(ref.document.text) // CHARS_PER_SENTENCE)


def finding_budget(doc: DocumentReport, max_repeats: int) -> int:
    """How many findings the rendered ``doc`` lists in all."""
    return max(max_repeats, FINDINGS_FLOOR, len(doc.document.text) // CHARS_PER_FINDING)


def sentence_budget(doc: DocumentReport) -> int:
    """How many sentences of the rendered ``doc`` get records of their own."""
    return max(SENTENCE_FLOOR, len(doc.document.text) // CHARS_PER_SENTENCE)


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
    listed = f"after the first {shown:,}" if shown else "(the report's list of findings is full)"
    message = (
        f"{len(rest):,} more {head.code} findings in this document{capped}, not listed one by one "
        f"{listed}; the first of them at line:col {where}{more}"
    )
    values = {f.name: getattr(head, f.name) for f in dataclasses.fields(Finding) if f.init}
    values.update(message=message, suggestion=None, evidence=None, severity=severity)
    if "fix" in values:  # the entry stands for many edits; `fix` applies them from the full report
        values["fix"] = None
    return CollapsedFindings(**values, count=len(rest), first=rest[:FIRST_SHOWN])


def _collapsed_sentences(doc: DocumentReport, n: int) -> dict:
    """The added ``sentences_collapsed`` entry: sentences ``n`` on, their span and their quality."""
    rest = doc.document.sentences[n:]
    quality = [s.quality for s in doc.sentence_scores if s.index >= n]
    return {
        "count": len(rest),
        "from_index": rest[0].index,
        "start": rest[0].start,
        "end": rest[-1].end,
        "min_quality": round(min(quality), 1) if quality else None,
        "mean_quality": round(sum(quality) / len(quality), 1) if quality else None,
    }


def bound_document(doc: DocumentReport, max_repeats: int = DEFAULT_MAX_REPEATS) -> DocumentReport:
    """``doc`` as rendered: findings and sentence records within the budgets above."""
    per_code = Counter(f.code for f in doc.findings)
    budget = finding_budget(doc, max_repeats)
    n_sentences = sentence_budget(doc)
    long_text = any(
        v is not None and len(v) > SNIPPET_CHARS for f in doc.findings for v in (f.message, f.evidence)
    )
    dense = len(doc.document.sentences) > n_sentences
    refs = [(doc.reference, doc.alignment), *doc.extra_references]
    dense_refs = any(
        ref is not None
        and (_bound_reference(ref) is not ref or len(pairs) > _pair_budget(doc, ref, n_sentences))
        for ref, pairs in refs
    )
    few = not per_code or (max(per_code.values()) <= max_repeats and len(doc.findings) <= budget)
    if few and not long_text and not dense and not dense_refs:
        return doc
    seen: Counter[str] = Counter()  # listed findings per rule
    rest: dict[str, list[Finding]] = {}
    listed: list[Finding | str] = []  # a code marks where its summary entry goes
    total = 0
    for f in doc.findings:
        if f.code not in rest and seen[f.code] < max_repeats and total < budget:
            seen[f.code] += 1
            total += 1
            listed.append(_snipped(f))
        else:
            if f.code not in rest:
                rest[f.code] = []
                listed.append(f.code)
            rest[f.code].append(f)
    findings = [_summary(rest[x], seen[x]) if isinstance(x, str) else x for x in listed]
    values = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.init}
    values.update(findings=findings, full_counts=doc.counts())
    if dense_refs:
        values.update(
            reference=None if doc.reference is None else _bound_reference(doc.reference),
            alignment=_pairs(doc.alignment, _pair_budget(doc, doc.reference, n_sentences)),
            extra_references=[
                (_bound_reference(ref), _pairs(pairs, _pair_budget(doc, ref, n_sentences)))
                for ref, pairs in doc.extra_references
            ],
        )
    if dense:
        values.update(
            sentence_scores=[s for s in doc.sentence_scores if s.index < n_sentences],
            alignment=values["alignment"][:n_sentences],
            extra_references=[(ref, pairs[:n_sentences]) for ref, pairs in values["extra_references"]],
            listed_sentences=n_sentences,
            sentences_collapsed=_collapsed_sentences(doc, n_sentences),
        )
    return BoundedDocumentReport(**values)


def _pairs(pairs: list[AlignedPair], budget: int) -> list[AlignedPair]:
    return pairs if len(pairs) <= budget else pairs[:budget]


def bound_report(report: Report, max_repeats: int = DEFAULT_MAX_REPEATS) -> Report:
    """The report every renderer sees: each document bounded; the report itself is not changed."""
    documents = [bound_document(d, max_repeats) for d in report.documents]
    if all(a is b for a, b in zip(documents, report.documents, strict=True)):
        return report
    return dataclasses.replace(report, documents=documents)
