"""From token surprisal to fluency scores: word grouping, SLOR, calibration, the re-translation."""

from __future__ import annotations

import math

import pytest

from mtcheck import fluency, words
from mtcheck.document import AlignedPair
from mtcheck.segment import segment


def tokens_with_excess(text: str, excess: float | list[float]) -> list[tuple[int, int, float]]:
    units = list(words.TOKEN.finditer(text))
    values = excess if isinstance(excess, list) else [excess] * len(units)
    return [
        (m.start(), m.end(), fluency.unigram_nats(m.group()) + x) for m, x in zip(units, values, strict=True)
    ]


def test_tokens_are_grouped_into_words_without_losing_surprisal() -> None:
    text = "Stoltenberg’s IRIS-T, he said."
    # Sub-word tokens, one of them only the space before a word.
    toks = [(0, 5, 4.0), (5, 13, 3.0), (13, 14, 0.5), (14, 18, 6.0), (18, 20, 2.0), (20, 21, 1.0),
            (22, 24, 1.5), (25, 29, 0.7), (29, 30, 0.2)]  # fmt: skip
    words = fluency.word_surprisals(text, toks)
    assert [w.text for w in words] == ["Stoltenberg’s", "IRIS-T", ",", "he", "said", "."]
    assert [w.lm for w in words] == pytest.approx([7.0, 8.5, 1.0, 1.5, 0.7, 0.2])
    assert sum(w.lm for w in words) == pytest.approx(sum(t[2] for t in toks))


def test_rare_names_are_not_punished_like_garble() -> None:
    # Same LM cost per word; SLOR credits the name for being rare, the common words get no such credit.
    name = fluency.word_surprisals("Stoltenberg", [(0, 11, 14.0)])
    common = fluency.word_surprisals("period", [(0, 6, 14.0)])
    assert fluency.slor(name) > fluency.slor(common) + 3


def test_score_is_monotone_and_calibrated_to_0_100() -> None:
    text = "NATO allies agreed on Wednesday to send more air defence systems to Ukraine."
    scores = []
    for excess in (-6.0, -3.0, 0.0, 3.0, 6.0):
        words = fluency.word_surprisals(text, tokens_with_excess(text, excess))
        scores.append(fluency.to_score(fluency.feature(words)))
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    # At the fitted midpoint the chance of a clean segment is one half.
    assert fluency.to_score(fluency.B) == pytest.approx(50.0)
    assert math.isfinite(fluency.to_score(-1e6)) and fluency.to_score(-1e6) == 0.0


def test_one_garbled_phrase_lowers_a_long_sentence() -> None:
    text = "NATO allies agreed on Wednesday in the sense of to send more air defence systems to Ukraine."
    n = len(list(words.TOKEN.finditer(text)))
    flat = fluency.word_surprisals(text, tokens_with_excess(text, -3.0))
    bumpy = [-3.0] * n
    bumpy[5:9] = [7.0, 6.0, 7.0, 6.0]
    garbled = fluency.word_surprisals(text, tokens_with_excess(text, bumpy))
    assert fluency.feature(garbled) < fluency.feature(flat) - 5


def test_document_result_compares_with_the_aligned_re_translation() -> None:
    mt = segment("Gave details of the organization. The allies met in Brussels.", "mt")
    ref = segment("The organization gave details. The allies met in Brussels.", "ref")
    mt_s = [tokens_with_excess(s.text, 4.0 if i == 0 else -3.0) for i, s in enumerate(mt.sentences)]
    ref_s = [tokens_with_excess(s.text, -3.0) for s in ref.sentences]
    pairs = [AlignedPair((0,), (0,), 0.8), AlignedPair((1,), (1,), 1.0)]
    res = fluency.score_document(mt, mt_s, "m", ref, ref_s, pairs)
    first, second = res.sentences
    assert first.score < second.score
    assert first.reference_score is not None and first.reference_score > first.score
    assert second.reference_score == pytest.approx(second.score)
    # Tokens map to document offsets; the document score is a word-weighted mean of sentence scores.
    assert all(mt.text[t.start : t.end].strip() for t in second.tokens)
    assert min(first.score, second.score) < res.score < max(first.score, second.score)
