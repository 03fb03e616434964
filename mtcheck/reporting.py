"""The one report path: checked articles and their findings in, a scored Report with its verdict out.

Local runs (:class:`~mtcheck.pipeline.Checker`), baselines and Ray (the driver assembles shard
results) all end here, so scores, verdicts and the signature are computed in one place, once: a
baseline filters findings *before* scoring, never by scoring a report again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from mtcheck.document import (
    Adequacy,
    AlignedPair,
    Document,
    DocumentReport,
    Finding,
    FluencyResult,
    InputError,
    Reference,
    Report,
    RuleInfo,
)
from mtcheck.scoring import batch_verdict, document_quality, sentence_scores, verdict
from mtcheck.settings import RuleSettings
from mtcheck.signature import ModelsUsed, Signature

# Findings of one document that a filter keeps (a baseline drops the accepted ones), in order.
FindingFilter = Callable[[Document, list[Finding]], list[Finding]]


@dataclass
class Judged:
    """A checked article before scoring: what the stages found out about it and the rules' findings."""

    document: Document
    findings: list[Finding]
    reference: Reference | None = None
    alignment: list[AlignedPair] = field(default_factory=list)
    adequacy: Adequacy | None = None  # document chrF/BLEU/TER against the re-translation
    fluency: FluencyResult | None = None
    # Sentence quality (index -> 0-100) from the word-level quality model, replacing the hazard's.
    sentence_quality: dict[int, float] | None = None
    # Further re-translations with their alignments (mtcheck.multiref), after ``reference``.
    extra: list[tuple[Reference, list[AlignedPair]]] = field(default_factory=list)

    @classmethod
    def of_report(cls, report: DocumentReport) -> Judged:
        return cls(
            report.document, list(report.findings), report.reference, report.alignment, report.adequacy,
            report.fluency,
        )  # fmt: skip


def document_report(judged: Judged, settings: RuleSettings) -> DocumentReport:
    """Sentence scores, document quality and the gate's verdict of one article."""
    findings = judged.findings
    alignment = judged.alignment
    if judged.extra:  # per-sentence scores from the best-matching re-translation of each sentence
        from mtcheck.multiref import scoring_alignment

        alignment = scoring_alignment([judged.alignment] + [a for _, a in judged.extra])
    scores = sentence_scores(judged.document, findings, alignment, judged.fluency)
    if judged.sentence_quality is not None:
        model = judged.sentence_quality
        scores = [replace(s, quality=model.get(s.index, s.quality)) for s in scores]
    quality = document_quality(judged.document, scores, findings)
    return DocumentReport(
        document=judged.document,
        findings=findings,
        quality=quality,
        sentence_scores=scores,
        verdict=verdict(findings, quality, settings.fail_on, settings.min_score),
        reference=judged.reference,
        alignment=judged.alignment,
        adequacy=judged.adequacy,
        fluency=judged.fluency,
        extra_references=judged.extra,
    )


def build_report(
    judged: Iterable[Judged],
    errors: Sequence[InputError],
    settings: RuleSettings,
    used: ModelsUsed,
    keep: FindingFilter | None = None,
) -> Report:
    """The Report of a run: ``keep`` (a baseline) filters each article's findings, then every article
    is scored once; the batch verdict fails on any failed article or any input error."""
    documents = []
    for item in judged:
        if keep is not None:
            item = replace(item, findings=keep(item.document, item.findings))
        documents.append(document_report(item, settings))
    failed = list(errors)
    return Report(
        signature=Signature.of(settings, used),
        documents=documents,
        verdict=batch_verdict(documents, failed),
        errors=failed,
        rules=catalogue(),
    )


def catalogue() -> tuple[RuleInfo, ...]:
    """Every registered rule's description, by code."""
    from mtcheck.rules import REGISTRY

    return tuple(
        RuleInfo(code, r.name, r.category, r.severity, r.summary, r.why, r.fix)
        for code, r in sorted(REGISTRY.items())
    )
