"""Turn per-token surprisal into sentence and document fluency scores (0-100, higher reads better).

A raw LM surprisal punishes rare but correct words: a name like Stoltenberg costs ~15 nats whatever
its context. SLOR (Pauls & Klein 2012; Kann et al. 2018) subtracts what a unigram model would pay for
the same words: ``slor = (unigram nats - LM nats) / words``. Unigram frequencies come from
``wordfreq``. High SLOR means the context made the words more predictable than their base rate, i.e.
fluent text; machine-garbled text scores low because its words do not predict each other.

SLOR alone averages a garbled phrase away in a long sentence, so the feature adds the mean excess
surprisal (LM nats minus unigram nats) of the sentence's worst words (the worst ``TOP_FRACTION``
of its words, at least ``TOP_MIN``).

When the MT sentence has an aligned re-translation, the re-translation's score is computed the same
way and kept beside it (``SentenceFluency.reference_score``): MT901 only flags a sentence that reads
worse than its counterpart, since a counterpart that reads just as badly points at hard content
(lists, headlines), not at a garbled translation.

Scores are ``100 * sigmoid(A * (x - B))`` of the feature ``x``, with constants fitted on data (see
the comment at ``CALIBRATION``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mtcheck import words as _words
from mtcheck.document import (
    AlignedPair,
    Document,
    FluencyResult,
    Sentence,
    SentenceFluency,
    TokenSurprisal,
)

# wordfreq knows no punctuation; rough per-token rates in English news.
PUNCT_FREQ = {".": 0.04, ",": 0.05, '"': 0.005, "“": 0.004, "”": 0.004, "'": 0.003, "’": 0.003,
              "(": 0.002, ")": 0.002, "-": 0.002, "–": 0.001, "—": 0.001, ":": 0.002, ";": 0.0005,
              "?": 0.001, "!": 0.0005}  # fmt: skip
UNSEEN_FREQ = 1e-8  # floor for words wordfreq does not know (names, typos)
ODD_CHAR_FREQ = 1e-5  # any other single symbol

# CALIBRATION: fitted by `benchmarks/fluency_mqm.py --fit` on /work/shared/data/mqm_dev.jsonl (600 zh->en
# news segments, 3 MQM raters each), SmolLM2-135M. Label: the segment has no Fluency/* or Style/* error
# of Major severity (530 clean, 70 not). Logistic regression of the label on the segment's feature gives
# A (slope per nat) and B (the feature value where a segment is as likely clean as not), so a score is
# the estimated chance (in %) that a rater finds no major fluency/style error. TOP_FRACTION, TOP_MIN and
# TOP_WEIGHT were chosen on the same data by ROC AUC within length buckets (see the README).
# Comparing with the re-translation *inside* the score was tried: with the human reference as
# re-translation, SLOR minus reference SLOR had AUC 0.53 and the fitted weight was negative, so the
# comparison is used as a gate in MT901 instead.
A = 0.1674
B = -13.0587
TOP_FRACTION = 0.1
TOP_MIN = 2
TOP_WEIGHT = 1.0
# MT902: a word is "surprising" when the LM pays this many nats more than the unigram model would.
WORD_EXCESS = 5.0


@dataclass(frozen=True)
class WordSurprisal:
    """One word (or symbol) with the LM's and the unigram model's cost of it, in nats."""

    start: int
    end: int
    text: str
    lm: float
    unigram: float

    @property
    def excess(self) -> float:
        return self.lm - self.unigram


@lru_cache(maxsize=65536)
def unigram_nats(unit: str) -> float:
    """-ln p(unit) under wordfreq's English unigram model, floored for unknown words."""
    if len(unit) == 1 and not unit.isalnum():
        return -math.log(PUNCT_FREQ.get(unit, ODD_CHAR_FREQ))
    from wordfreq import word_frequency

    return -math.log(max(word_frequency(unit, "en"), UNSEEN_FREQ))


def word_surprisals(
    text: str,
    tokens: Sequence[tuple[int, int, float]],
    base: int = 0,
    units: Sequence[_words.Token] | None = None,
) -> list[WordSurprisal]:
    """Group the LM's sub-word token surprisals onto the words of ``text`` (the shared tokens of
    :mod:`mtcheck.words`: a word, or one punctuation mark); ``tokens`` offsets are relative to ``base``.

    ``units``: those tokens, offsets plus ``base``, when the caller has them (``Document.sentence_tokens``);
    else ``text`` is tokenised here the same way. A token belongs to the word it starts in, or else to
    the next word (a token that is only the space before a word counts for that word), so no
    surprisal is lost.
    """
    if units is None:
        units = _words.tokens(text, base)
    if not units:
        return []
    lm = [0.0] * len(units)
    u = 0
    for start, _end, nats in sorted((t[0] + base, t[1] + base, t[2]) for t in tokens):
        while u < len(units) - 1 and units[u][1] <= start:
            u += 1
        lm[u] += nats
    return [WordSurprisal(s, e, w, lm[i], unigram_nats(w)) for i, (s, e, w) in enumerate(units)]


def slor(words: Sequence[WordSurprisal]) -> float:
    if not words:
        return 0.0
    return sum(w.unigram - w.lm for w in words) / len(words)


def feature(words: Sequence[WordSurprisal]) -> float:
    """The calibrated feature (higher reads better): SLOR minus the mean excess of the worst words."""
    if not words:
        return 0.0
    k = max(TOP_MIN, round(TOP_FRACTION * len(words)))
    worst = sorted((w.excess for w in words), reverse=True)[:k]
    return slor(words) - TOP_WEIGHT * sum(worst) / len(worst)


def to_score(x: float) -> float:
    z = A * (x - B)
    return 100.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


@dataclass
class _Stats:
    words: list[WordSurprisal]
    tokens: list[TokenSurprisal]
    slor: float
    mean: float

    @property
    def score(self) -> float:
        return to_score(feature(self.words)) if self.words else 100.0


def _one(doc: Document, sent: Sentence, toks: Sequence[tuple[int, int, float]]) -> _Stats:
    units = word_surprisals(sent.text, toks, sent.start, doc.sentence_tokens(sent.index))
    mean = sum(t[2] for t in toks) / len(toks) if toks else 0.0
    tokens = [TokenSurprisal(sent.start + s, sent.start + e, v) for s, e, v in toks]
    return _Stats(units, tokens, slor(units), mean)


def _stats(doc: Document, surprisals: Sequence[Sequence[tuple[int, int, float]]]) -> list[_Stats]:
    return [_one(doc, sent, toks) for sent, toks in zip(doc.sentences, surprisals, strict=True)]


def _ref_score(pair: AlignedPair, ref: list[_Stats | None]) -> float | None:
    if any(ref[i] is None for i in pair.ref):
        return None  # a counterpart sentence that was not scored (see score_document)
    words = [w for i in pair.ref for w in ref[i].words]  # type: ignore[union-attr]
    return to_score(feature(words)) if words else None


def score_document(
    doc: Document,
    surprisals: Sequence[Sequence[tuple[int, int, float]]],
    model: str,
    reference: Document | None = None,
    ref_surprisals: Sequence[Sequence[tuple[int, int, float]] | None] | None = None,
    alignment: Sequence[AlignedPair] = (),
) -> FluencyResult:
    """Fluency of every sentence from its tokens' surprisal (offsets relative to each sentence).

    ``ref_surprisals`` may hold None for re-translation sentences that were not scored; an MT
    sentence aligned with one of them gets no ``reference_score``.
    """
    stats = _stats(doc, surprisals)
    ref_of: dict[int, float] = {}
    if reference is not None and ref_surprisals is not None:
        ref_stats = [
            None if toks is None else _one(reference, sent, toks)
            for sent, toks in zip(reference.sentences, ref_surprisals, strict=True)
        ]
        for pair in alignment:
            value = _ref_score(pair, ref_stats) if pair.ref else None
            for i in pair.mt:
                if value is not None:
                    ref_of[i] = value
    sentences = []
    for sent, st in zip(doc.sentences, stats, strict=True):
        sentences.append(
            SentenceFluency(sent.index, st.score, st.mean, st.tokens, st.slor, ref_of.get(sent.index))
        )
    # Document: word-weighted mean, so a long garbled sentence weighs more than a short dateline.
    weights = [max(1, len(st.words)) for st in stats]
    total = sum(w * s.score for w, s in zip(weights, sentences, strict=True))
    return FluencyResult(model, sentences, total / sum(weights) if sentences else 100.0)


def sentence_words(doc: Document, fluency: SentenceFluency) -> list[WordSurprisal]:
    """The words of a scored sentence with their surprisal (offsets into the document)."""
    sent = doc.sentences[fluency.index]
    toks = [(t.start - sent.start, t.end - sent.start, t.surprisal) for t in fluency.tokens]
    return word_surprisals(sent.text, toks, sent.start, doc.sentence_tokens(sent.index))
