"""The quality-model stage of a check: encode words of a batch at once, then score each article.

:func:`encode_sides` is the model work (one batched MiniLM pass over every MT and re-translation
sentence of the run); :func:`assess` is pure arithmetic per article once the rule findings exist,
since rule findings are features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mtcheck.document import AlignedPair, Document, Finding, FluencyResult, Severity
from mtcheck.qe.features import Side, WordRows, word_rows
from mtcheck.qe.words import sentence_words


def encode_sides(embedder: Any, docs: Sequence[tuple[Document, Sequence[Document]]]) -> list:
    """For each (MT document, re-translations), (MT Side, [re-translation Sides]), encoded in one pass."""
    from mtcheck.qe.encode import word_vectors

    all_docs = [d for mt, refs in docs for d in (mt, *refs)]
    words = [sentence_words(d) for d in all_docs]
    texts = [s.text for d in all_docs for s in d.sentences]
    spans = [
        [(w.start - s.start, w.end - s.start) for w in ws]
        for d, dws in zip(all_docs, words, strict=True)
        for s, ws in zip(d.sentences, dws, strict=True)
    ]
    vecs = iter(word_vectors(embedder, texts, spans))
    sides = [Side(d, ws, [next(vecs) for _ in d.sentences]) for d, ws in zip(all_docs, words, strict=True)]
    out, k = [], 0
    for _mt, refs in docs:
        out.append((sides[k], sides[k + 1 : k + 1 + len(refs)]))
        k += 1 + len(refs)
    return out


def _hit_finding(doc: Document, rows: WordRows, hit: Any, severity: Severity) -> Finding:
    from mtcheck.qe.findings import trim

    start, end = trim(doc.text, rows.words[hit.first].start, rows.words[hit.last].end)
    if end <= start:  # a word of only punctuation: keep it whole
        start, end = rows.words[hit.first].start, rows.words[hit.last].end
    line, col = doc.line_col(start)
    names = {"MT611": "swapped-term", "MT612": "polarity", "MT613": "dropped-clause"}
    return Finding(
        code=hit.code,
        name=names[hit.code],
        category=hit.category,
        severity=severity,
        start=start,
        end=end,
        text=doc.text[start:end],
        message=hit.message,
        suggestion=hit.suggestion,
        line=line,
        col=col,
        evidence=hit.evidence,
    )


def rows_for(
    mt: Side,
    refs: Sequence[tuple[Side, Sequence[AlignedPair]]],
    fluency: FluencyResult | None,
    findings: Sequence[Finding],
    source: Any = None,
) -> WordRows:
    return word_rows(mt, refs, fluency, findings, source)


@dataclass
class Assessment:
    """The model's output for one article."""

    rows: WordRows
    probs: np.ndarray  # chance an expert marks each word, 0..1
    findings: list[Finding]
    sentence_quality: dict[int, float]  # sentence index -> 0..100


def assess(
    model: Any,
    mt: Side,
    refs: Sequence[tuple[Side, Sequence[AlignedPair]]],
    fluency: FluencyResult | None,
    rule_findings: Sequence[Finding],
    setting: str = "balanced",
    severity: Severity = Severity.WARNING,
    source: Any = None,
) -> Assessment:
    """Word probabilities, MT610 findings and sentence quality for one article; ``source`` its
    ``SourceScores`` when the source-aware pass ran (read by a ``fluency+source`` variant)."""
    from mtcheck.qe.evidence import hard_evidence
    from mtcheck.qe.findings import make_findings

    rows = rows_for(mt, refs, fluency, rule_findings, source)
    flu, src = fluency is not None, source is not None
    probs = model.word_probs(rows.x, flu, src)
    learned = make_findings(
        mt.doc, [r.doc for r, _ in refs], rows, probs, model.threshold(setting, flu, src), severity
    )
    # Certain evidence of a changed meaning is an error, whatever the model's findings are set to.
    certain = [_hit_finding(mt.doc, rows, h, Severity.ERROR) for h in hard_evidence(mt, refs)]
    # A learned finding on the same words as a certain one says less: keep the certain one.
    findings = certain + [f for f in learned if not any(f.start < c.end and c.start < f.end for c in certain)]
    quality = model.sentence_quality(rows, probs, len(mt.doc.sentences), flu, src)
    # The model never saw certain evidence (too rare in its data): each certain hit costs what a rule
    # finding of its severity costs in mtcheck.scoring (an error alone leaves a sentence 70%).
    from mtcheck.scoring import CLEAN_GIVEN_FINDING

    for f in certain:
        sent = mt.doc.sentence_at(f.start)
        if sent is not None and sent.index in quality:
            quality[sent.index] *= CLEAN_GIVEN_FINDING[f.severity]
    return Assessment(rows, probs, findings, quality)


# Rules the model supersedes: MT605 (sentence-level divergence) is one of its inputs, and its
# findings land on an expert-marked error barely more often than a random span (issue 14).
SUPERSEDED = ("MT605",)


def enabled(config: Any) -> bool:
    """Whether a run uses the quality model: ``on``, or ``auto`` with the embeddings extra installed."""
    if config.quality_model == "off":
        return False
    if config.quality_model == "on":
        return True
    from mtcheck.backends.embeddings import available

    if config.embeddings == "off" or not available():
        return False
    try:
        from mtcheck.qe.model import load

        load()
    except Exception:  # a missing or stale model file leaves auto off; `on` reports it
        return False
    return True


def _selected(code: str, config: Any) -> bool:
    """ruff-style selection as in mtcheck.engine: the longer of a matching select and ignore wins."""

    def longest(prefixes: Sequence[str]) -> int:
        norm = ["MT" if p.strip().upper() == "ALL" else p.strip().upper() for p in prefixes]
        return max((len(p) for p in norm if code.startswith(p)), default=-1)

    return longest(config.select) > longest(config.ignore)


def _severity(code: str, config: Any) -> Severity | None:
    """A severity override from the settings (a code or its longest matching prefix), as in the engine."""
    matches = [(len(p), v) for p, v in config.severity.items() if code.startswith(p.upper())]
    return Severity.parse(max(matches)[1]) if matches else None


def apply_model(item: Any, findings: Sequence[Finding], scores: Sequence[Any], config: Any) -> tuple:
    """Findings and sentence scores of one prepared article with the quality model applied.

    Returns (findings: rule findings without ``SUPERSEDED`` plus MT610, sentence scores whose
    quality comes from the model, the model's signature ``qe-word-v2@<file sha256[:12]>``).
    """
    from dataclasses import replace

    from mtcheck.qe.model import load

    model = load()
    mt, refs = item.words
    severity = Severity.WARNING
    result = assess(
        model,
        mt,
        list(zip(refs, item.alignments, strict=True)),  # each re-translation with its own alignment
        item.fluency,
        findings,
        config.quality_findings,
        severity,
        getattr(item, "source_scores", None),
    )
    kept = [f for f in findings if f.code not in SUPERSEDED]
    for f in result.findings:
        suppressed = any(
            a <= f.start < b and (c is None or any(f.code.startswith(x) for x in c))
            for a, b, c in item.doc.suppressions
        )
        if _selected(f.code, config) and not suppressed:
            level = _severity(f.code, config)
            kept.append(f if level is None else replace(f, severity=level))
    kept.sort(key=lambda f: (f.start, f.end, f.code))
    new_scores = [replace(s, quality=result.sentence_quality.get(s.index, s.quality)) for s in scores]
    return kept, new_scores, f"{model.version}@{model.digest}"
