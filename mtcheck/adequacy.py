"""Adequacy of the MT against a re-translation with sacrebleu: chrF, BLEU and TER.

One code path for sentence and document scores, as in sacrebleu: an aligned pair is scored as a
corpus of one segment, a document as the corpus of its aligned pairs. Scoring the document pair by
pair (rather than as one long segment) keeps TER's shift search cheap and lets an unaligned
sentence count against the score: its counterpart is the empty string.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from mtcheck.document import Adequacy, AlignedPair, Document


@lru_cache(maxsize=1)
def _metrics():
    from sacrebleu.metrics import BLEU, CHRF, TER

    # effective_order: BLEU on one short sentence is otherwise 0 whenever no 4-gram matches.
    return CHRF(), BLEU(effective_order=True), TER()


def signature() -> str:
    """sacrebleu's own signatures of the three metrics, for reports that pin their settings."""
    chrf, bleu, ter = _metrics()
    return f"{chrf.get_signature()}|{bleu.get_signature()}|{ter.get_signature()}"


def score(hyps: Sequence[str], refs: Sequence[str]) -> Adequacy:
    """chrF, BLEU and TER (0-100) of MT segments ``hyps`` against re-translation segments ``refs``."""
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} MT segments but {len(refs)} reference segments")
    hyps = [h.strip() for h in hyps]
    refs = [r.strip() for r in refs]
    if not any(hyps) or not any(refs):
        return Adequacy(chrf=0.0, bleu=0.0, ter=100.0)
    chrf, bleu, ter = _metrics()
    return Adequacy(
        chrf=chrf.corpus_score(hyps, [refs]).score,
        bleu=bleu.corpus_score(hyps, [refs]).score,
        ter=ter.corpus_score(hyps, [refs]).score,
    )


def pair_texts(pair: AlignedPair, mt_doc: Document, ref_doc: Document) -> tuple[str, str]:
    """The joined MT and re-translation text of one aligned pair (empty for a missing side)."""
    mt = " ".join(mt_doc.sentences[i].text for i in pair.mt)
    ref = " ".join(ref_doc.sentences[i].text for i in pair.ref)
    return mt, ref


def score_pair(mt: str, ref: str) -> Adequacy:
    """Sentence-level scores of one aligned pair: a corpus of one segment."""
    return score([mt], [ref])


def pair_scores(mt: str, ref: str, ter: bool = False) -> tuple[float, float, float | None]:
    """chrF, BLEU and (on request) TER of one aligned pair, through the same sacrebleu calls.

    TER's shift search costs ~7 ms for a paragraph-long pair, twenty times chrF and BLEU together,
    so alignment leaves it out unless asked; the document TER is always computed.
    """
    if ter:
        full = score_pair(mt, ref)
        return full.chrf, full.bleu, full.ter
    mt, ref = mt.strip(), ref.strip()
    if not mt or not ref:
        return 0.0, 0.0, None
    chrf, bleu, _ = _metrics()
    return chrf.corpus_score([mt], [[ref]]).score, bleu.corpus_score([mt], [[ref]]).score, None


def document_adequacy(mt_doc: Document, ref_doc: Document, alignment: Sequence[AlignedPair]) -> Adequacy:
    """Corpus scores of the document over its aligned pairs (:func:`mtcheck.align.align_documents`);
    the two whole texts when the alignment is empty."""
    texts = [pair_texts(p, mt_doc, ref_doc) for p in alignment]
    if not texts:
        return score([mt_doc.text], [ref_doc.text])
    return score([m for m, _ in texts], [r for _, r in texts])
