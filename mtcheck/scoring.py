"""Quality scores (0-100, higher is better) for sentences and documents, and the gate verdict.

Rule findings lower a sentence's quality by a fixed penalty per severity. Where adequacy (chrF
against the aligned re-translation) or fluency is available it is blended in with fixed weights,
so that a document with no findings can still score low when it diverges or reads badly.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtcheck.document import (
    AlignedPair,
    Document,
    Finding,
    FluencyResult,
    SentenceScore,
    Severity,
)

PENALTY = {Severity.ERROR: 30.0, Severity.WARNING: 12.0, Severity.INFO: 3.0}
# Weight of each available signal in a sentence's quality; missing signals drop out.
WEIGHTS = {"rules": 0.5, "adequacy": 0.3, "fluency": 0.2}


def _sentence_chrf(alignment: Sequence[AlignedPair]) -> dict[int, float]:
    out: dict[int, float] = {}
    for pair in alignment:
        for i in pair.mt:
            # An MT sentence with no counterpart has no adequacy evidence of its own: 0 would
            # punish additions twice (the MT6xx finding already does).
            if pair.ref and pair.chrf is not None:
                out[i] = pair.chrf
    return out


def sentence_scores(
    doc: Document,
    findings: Sequence[Finding],
    alignment: Sequence[AlignedPair] = (),
    fluency: FluencyResult | None = None,
) -> list[SentenceScore]:
    penalties = [0.0] * len(doc.sentences)
    for f in findings:
        sent = doc.sentence_at(f.start)
        if sent is not None:
            penalties[sent.index] += PENALTY[f.severity]
    chrf = _sentence_chrf(alignment)
    scores = []
    for sent in doc.sentences:
        parts = {"rules": max(0.0, 100.0 - penalties[sent.index])}
        if sent.index in chrf:
            parts["adequacy"] = chrf[sent.index]
        flu = fluency.for_sentence(sent.index) if fluency else None
        if flu is not None:
            parts["fluency"] = flu.score
        total = sum(WEIGHTS[k] for k in parts)
        quality = sum(WEIGHTS[k] * v for k, v in parts.items()) / total
        scores.append(
            SentenceScore(
                sent.index, quality, fluency=None if flu is None else flu.score, chrf=chrf.get(sent.index)
            )
        )
    return scores


def document_quality(doc: Document, scores: Sequence[SentenceScore], findings: Sequence[Finding]) -> float:
    """Length-weighted mean of sentence quality; findings outside any sentence still cost."""
    if not scores:
        return max(0.0, 100.0 - sum(PENALTY[f.severity] for f in findings))
    weights = [max(1, len(doc.sentences[s.index].text)) for s in scores]
    return sum(w * s.quality for w, s in zip(weights, scores, strict=True)) / sum(weights)


def verdict(findings: Sequence[Finding], quality: float, fail_on: str, min_score: float | None) -> str:
    if min_score is not None and quality < min_score:
        return "fail"
    if fail_on == "never":
        return "pass"
    threshold = Severity(fail_on).rank
    return "fail" if any(f.severity.rank >= threshold for f in findings) else "pass"
