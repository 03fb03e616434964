"""Source-aware token log-probs mapped onto MT words and sentences, and the quality they imply.

Units: a token's value is its surprisal in nats (-ln p, >= 0) given the prompt (source) and the MT
before it. A sentence's score is the mean log-prob per token (``-mean nats``, <= 0, higher is better);
a word's is the sum of the log-probs of the tokens that overlap it (``<= 0``).

Quality: :func:`sentence_quality` turns a sentence's mean log-prob and its token count into the
chance, in %, that an expert finds no major error in it, with a logistic model fitted on the MQM dev
data (``benchmarks/source_eval.py``; coefficients, training-data hash and held-out numbers in
``mtcheck/data/source-quality-v1.json``). Rule findings and fluency then multiply in as elsewhere
(:mod:`mtcheck.scoring`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mtcheck.document import Document, SentenceScore, TokenSurprisal

MODEL_VERSION = "source-quality-v1"
MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / f"{MODEL_VERSION}.json"


@dataclass
class SourceScores:
    """One article's source-aware scores: the model's name and every scored MT token."""

    model: str
    tokens: list[TokenSurprisal]  # offsets into the document text, in text order

    def sentence_tokens(self, doc: Document) -> dict[int, list[float]]:
        """Sentence index -> nats of the tokens that start inside it."""
        out: dict[int, list[float]] = {}
        for tok in self.tokens:
            sent = doc.sentence_at(tok.start)
            if sent is not None:
                out.setdefault(sent.index, []).append(tok.surprisal)
        return out

    def sentence_logprobs(self, doc: Document) -> dict[int, tuple[float, int]]:
        """Sentence index -> (mean log-prob per token in nats, <= 0; number of tokens)."""
        return {i: (-sum(v) / len(v), len(v)) for i, v in self.sentence_tokens(doc).items() if v}

    def word_logprobs(self, spans: Sequence[tuple[int, int]]) -> list[float | None]:
        """For each (start, end) word span of the document text: summed log-prob of its tokens, or
        None when no scored token overlaps it (a sentence outside the scored pieces)."""
        import bisect

        starts = [t.start for t in self.tokens]
        out: list[float | None] = []
        for start, end in spans:
            i = max(0, bisect.bisect_right(starts, start) - 1)
            total, seen = 0.0, False
            while i < len(self.tokens) and self.tokens[i].start < end:
                tok = self.tokens[i]
                if tok.end > start and tok.start < end:
                    total -= tok.surprisal
                    seen = True
                i += 1
            out.append(total if seen else None)
        return out


@dataclass(frozen=True)
class QualityModel:
    """Logistic P(no major error | features), features standardised; see MODEL_FILE."""

    version: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def p_clean(self, values: Sequence[float]) -> float:
        z = self.intercept + sum(
            c * (v - m) / s for c, v, m, s in zip(self.coef, values, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> QualityModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return QualityModel(
        data["version"], tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
        tuple(data["coef"]), float(data["intercept"]),
    )  # fmt: skip


def features(mean_logprob: float, tokens: int) -> list[float]:
    """The quality model's inputs: mean log-prob per token and ln(1 + tokens)."""
    return [mean_logprob, math.log1p(tokens)]


def sentence_quality(mean_logprob: float, tokens: int, model: QualityModel | None = None) -> float:
    """0-100: the chance, in %, that an expert finds no major error, from the source-aware score alone."""
    model = model or load_model()
    return 100.0 * model.p_clean(features(mean_logprob, tokens))


def combined_quality(
    doc: Document, scores: SourceScores, base: Sequence[SentenceScore], model: QualityModel | None = None
) -> dict[int, float]:
    """Sentence index -> quality 0-100: the source-aware chance of no major error times the rules' and
    fluency's (``base``, from :func:`mtcheck.scoring.sentence_scores` without a re-translation), both
    read as probabilities of independent ways to fail. A sentence the pass did not score keeps ``base``.
    """
    logprobs = scores.sentence_logprobs(doc)
    out = {}
    for s in base:
        found = logprobs.get(s.index)
        source = 100.0 if found is None else sentence_quality(*found, model=model)
        out[s.index] = source * s.quality / 100.0
    return out
