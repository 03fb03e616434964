"""sacrebleu adequacy: one code path for pairs and documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from mtcheck.adequacy import document_adequacy, score, score_pair, signature
from mtcheck.align import align_documents
from mtcheck.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def test_pair_scores_equal_sacrebleu_sentence_scores() -> None:
    mt = "He said that through NATO member states are buying 1,000 Patriot missiles."
    ref = "It said that member states are buying 1,000 Patriot missiles through NATO."
    got = score_pair(mt, ref)
    assert got.chrf == pytest.approx(CHRF().sentence_score(mt, [ref]).score)
    assert got.bleu == pytest.approx(BLEU(effective_order=True).sentence_score(mt, [ref]).score)
    assert got.ter == pytest.approx(TER().sentence_score(mt, [ref]).score)


def test_identical_and_empty() -> None:
    same = score_pair("The allies met.", "The allies met.")
    assert (same.chrf, same.bleu, same.ter) == (pytest.approx(100.0), pytest.approx(100.0), 0.0)
    empty = score_pair("The allies met.", "")
    assert (empty.chrf, empty.bleu, empty.ter) == (0.0, 0.0, 100.0)


def test_document_is_the_corpus_of_its_pairs() -> None:
    mt = segment((ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8"))
    ref = segment((ROOT / "examples" / "nato.ref.txt").read_text(encoding="utf-8"))
    pairs = align_documents(mt, ref)
    doc = document_adequacy(mt, ref, pairs)
    hyps = [" ".join(mt.sentences[i].text for i in p.mt) for p in pairs]
    refs = [" ".join(ref.sentences[i].text for i in p.ref) for p in pairs]
    assert doc.chrf == pytest.approx(CHRF().corpus_score(hyps, [refs]).score)
    assert 50 < doc.chrf < 95
    assert document_adequacy(mt, ref, []) == score([mt.text], [ref.text])  # no pairs: the whole texts
    better = document_adequacy(ref, ref, align_documents(ref, ref))
    assert better.chrf == pytest.approx(100.0) and better.chrf > doc.chrf


def test_mismatched_lengths_are_an_error() -> None:
    with pytest.raises(ValueError, match="2 MT segments but 1"):
        score(["a", "b"], ["a"])


def test_signature_pins_metric_settings() -> None:
    sig = signature()
    assert "chrF2" in sig or "nc:6" in sig
    assert "version:" in sig
