"""Several re-translations of one article: how their evidence combines.

A user may give more than one re-translation (``--reference`` repeated, the JSONL ``references``
key). Each is segmented and aligned with the MT on its own; then:

- a divergence finding (a rule that needs a re-translation, MT6xx) stands only when *every*
  re-translation raises it (same code, overlapping span): the MT is supported when *any*
  re-translation supports it, so a paraphrase one engine happens to share is no error;
- adequacy uses, for each MT sentence, the best-matching re-translation (highest pair chrF):
  per-sentence chrF for the scores, and the document's chrF/BLEU/TER over those best pairs.

The first re-translation stays *the* reference of the report (``reference``, ``alignment``); the
others are listed with their own alignments under ``references`` (mtcheck.document.DocumentReport).
"""

from __future__ import annotations

from collections.abc import Sequence

from mtcheck.document import Adequacy, AlignedPair, Document, Finding


def best_pairs(alignments: Sequence[Sequence[AlignedPair]]) -> list[tuple[int, AlignedPair]]:
    """(re-translation index, pair) of the best-matching re-translation for every MT sentence.

    ``alignments[k]``: the MT aligned with re-translation ``k``. For each MT sentence the pair that
    holds it with the highest chrF (then similarity; ties go to the earlier re-translation) is kept;
    a pair is listed once even when it holds several MT sentences. A re-translation-only pair (the
    MT lacks those sentences) is kept only from the re-translation chosen for the MT sentence
    before it, so an omission counts when the best-matching neighbour has the missing text.
    Order: MT order. With one alignment, that alignment itself (pairs with an MT side and the
    omissions it holds).
    """
    if len(alignments) == 1:
        return [(0, p) for p in alignments[0]]
    best: dict[int, tuple[float, float, int, int]] = {}  # mt sentence -> (chrf, sim, -k, pair index)
    for k, alignment in enumerate(alignments):
        for j, pair in enumerate(alignment):
            if not pair.ref:
                score = (-1.0, -1.0, -k, j)
            else:
                score = (pair.chrf if pair.chrf is not None else 0.0, pair.similarity, -k, j)
            for i in pair.mt:
                if i not in best or score[:3] > best[i][:3]:
                    best[i] = score
    out: list[tuple[int, AlignedPair]] = []
    seen: set[tuple[int, int]] = set()
    for i in sorted(best):
        k, j = -best[i][2], best[i][3]
        if (k, j) in seen:
            continue
        seen.add((k, j))
        out.append((k, alignments[k][j]))
        # Omissions in re-translation k right after the chosen pair (before its next MT pair).
        for later in range(j + 1, len(alignments[k])):
            pair = alignments[k][later]
            if pair.mt:
                break
            if (k, later) not in seen:
                seen.add((k, later))
                out.append((k, pair))
    return out


def scoring_alignment(alignments: Sequence[Sequence[AlignedPair]]) -> list[AlignedPair]:
    """The best pair per MT sentence (:func:`best_pairs`), for per-sentence scores (chrF, hazard).

    Only the pairs' MT indices and scores are meaningful here: their ``ref`` indices index different
    re-translations.
    """
    return [p for _, p in best_pairs(alignments)]


def document_adequacy(
    mt_doc: Document, refs: Sequence[Document], alignments: Sequence[Sequence[AlignedPair]]
) -> Adequacy:
    """Document chrF/BLEU/TER (sacrebleu, as :func:`mtcheck.adequacy.document_adequacy`) over the
    best-matching re-translation pair of every MT sentence."""
    from mtcheck import adequacy

    if len(refs) == 1:
        return adequacy.document_adequacy(mt_doc, refs[0], alignments[0])
    texts = [adequacy.pair_texts(p, mt_doc, refs[k]) for k, p in best_pairs(alignments)]
    if not texts:
        return adequacy.score([mt_doc.text], [refs[0].text])
    return adequacy.score([m for m, _ in texts], [r for _, r in texts])


def agreed(first: Sequence[Finding], others: Sequence[Sequence[Finding]], codes: set[str]) -> list[Finding]:
    """``first``'s findings, less those of ``codes`` (rules that read a re-translation) that some
    other re-translation's run does not raise too (same code, overlapping span)."""

    def raised(f: Finding, run: Sequence[Finding]) -> bool:
        return any(g.code == f.code and g.start < f.end and f.start < g.end for g in run)

    return [f for f in first if f.code not in codes or all(raised(f, run) for run in others)]
