"""The source-aware columns of the word model (mtcheck.qe.features.source_columns) and the
``fluency+source`` variant: used only when both the fluency and the source-aware pass ran.

Scores are real ``SourceScores`` objects built from token log-probs we choose; model specs are
small hand-written ones, so every expected value is worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mtcheck.document import FluencyResult, TokenSurprisal
from mtcheck.qe.features import FEATURES, INDEX, SOURCE, source_columns
from mtcheck.qe.model import QualityModel, columns
from mtcheck.qe.words import Word
from mtcheck.source.scores import SourceScores


def _scores(tokens: list[tuple[int, int, float]]) -> SourceScores:
    return SourceScores("tiny", [TokenSurprisal(a, b, s) for a, b, s in tokens])


def test_source_columns_sum_token_logprobs_per_word() -> None:
    text = "Ferry fares rose sharply"
    words = [
        Word(0, 0, 5, "Ferry"),
        Word(0, 6, 11, "fares"),
        Word(0, 12, 16, "rose"),
        Word(0, 17, 24, "sharply"),
    ]
    assert text[17:24] == "sharply"
    # "fares" is two tokens (fa + res), "sharply" was not scored (outside the scored piece).
    scores = _scores([(0, 5, 2.0), (6, 8, 7.0), (8, 11, 3.0), (12, 16, 0.5)])
    out = source_columns(words, scores)
    lp, has = out[:, SOURCE.index("src_lp")], out[:, SOURCE.index("src_has")]
    # nats of log-prob / 10: -2, -(7 + 3), -0.5; none for the unscored word
    assert lp.tolist() == pytest.approx([-0.2, -1.0, -0.05, 0.0])
    assert has.tolist() == [1.0, 1.0, 1.0, 0.0]


def test_source_columns_zero_without_the_pass() -> None:
    words = [Word(0, 0, 4, "Rain"), Word(0, 5, 10, "fell.")]
    assert not source_columns(words, None).any()
    assert source_columns([], _scores([(0, 4, 1.0)])).shape == (0, len(SOURCE))


def _variant(fluency: bool, coef_src: float, intercept: float) -> dict:
    """A logistic variant over every column it reads (``columns``), all weights 0 but ``src_lp``'s."""
    names = [FEATURES[i] for i in columns(fluency, FEATURES)]
    return {
        "fluency": fluency,
        "columns": list(FEATURES),
        "word": {
            "kind": "logistic",
            "mean": [0.0] * len(names),
            "scale": [1.0] * len(names),
            "coef": [coef_src if n == "src_lp" else 0.0 for n in names],
            "intercept": intercept,
        },
        "thresholds": {"precise": 0.9, "balanced": 0.6},
        # quality from the largest word probability alone: 100 * sigmoid(-(4 * max - 2))
        "sentence": {
            "kind": "logistic",
            "features": ["max"],
            "mean": [0.0],
            "scale": [1.0],
            "coef": [4.0],
            "intercept": -2.0,
        },
    }


MODEL = QualityModel(
    {
        "version": "t",
        "variants": {
            "nofluency": _variant(False, 0.0, -2.0),
            "fluency": _variant(True, 0.0, -1.0),
            "fluency+source": _variant(True, -3.0, 0.0),
        },
    },
    "x",
)


def test_fluency_source_variant_only_with_both_passes() -> None:
    x = np.zeros((2, len(FEATURES)), dtype=np.float32)
    x[0, INDEX["src_lp"]] = -1.0  # an unexpected word given the source: -10 nats
    # both passes: sigmoid(-3 * -1.0) and sigmoid(0)
    assert MODEL.word_probs(x, fluency=True, source=True).tolist() == pytest.approx(
        [1 / (1 + math.exp(-3.0)), 0.5]
    )
    # fluency alone: the fluency variant, sigmoid(-1), the source columns unread
    assert MODEL.word_probs(x, fluency=True).tolist() == pytest.approx([1 / (1 + math.e)] * 2)
    # the source pass without fluency: no such variant, the nofluency one, sigmoid(-2)
    assert MODEL.word_probs(x, fluency=False, source=True).tolist() == pytest.approx(
        [1 / (1 + math.exp(2.0))] * 2
    )
    assert MODEL.threshold("precise", True, True) == 0.9


def test_assess_hands_the_source_scores_to_the_variant() -> None:
    """Through assess with real words and vectors (all-MiniLM-L6-v2 of the embeddings extra)."""
    from mtcheck.config import Config
    from mtcheck.pipeline import Checker
    from mtcheck.qe.stage import assess, encode_sides
    from mtcheck.readers import Article

    mt = "The harbour reopened on Monday after the storm."
    ref = "The port reopened on Monday after the storm."
    checker = Checker(Config(fluency=False, fail_on="never", quality_model="off", embeddings="on"))
    item = checker.prepare_all([Article(id="t", text=mt, reference=ref)]).items[0]
    mt_side, ref_sides = encode_sides(
        checker.models.sentence_encoder(), [(item.doc, [item.reference.document])]
    )[0]
    refs = [(ref_sides[0], item.alignment)]
    fluency = FluencyResult("tiny", [], 90.0)
    start = mt.index("harbour")
    # Only "harbour" scored, at 20 nats: src_lp -2.0 -> sigmoid(6) under the source variant.
    scores = _scores([(start, start + 7, 20.0)])
    with_source = assess(MODEL, mt_side, refs, fluency, [], "balanced", source=scores)
    without = assess(MODEL, mt_side, refs, fluency, [], "balanced")
    k = [w.text for w in with_source.rows.words].index("harbour")
    assert with_source.probs[k] == pytest.approx(1 / (1 + math.exp(-6.0)))
    assert np.delete(with_source.probs, k) == pytest.approx(0.5)
    assert without.probs == pytest.approx(1 / (1 + math.e))
    # The source variant's finding lands on the one word the source makes unlikely.
    assert [f.text for f in with_source.findings if f.code == "MT610"] == ["harbour"]
    assert not [f for f in without.findings if f.code == "MT610"]
    # ... and the sentence's quality falls with it (by hand from the sentence spec above).
    p_max = 1 / (1 + math.exp(-6.0))
    assert with_source.sentence_quality[0] == pytest.approx(100 / (1 + math.exp(4 * p_max - 2)))
    assert without.sentence_quality[0] == pytest.approx(100 / (1 + math.exp(4 / (1 + math.e) - 2)))
