"""The MLQE-PE prior: its data preparation (benchmarks/qe_mlqe.py), its use inside a model variant
(mtcheck.qe.model), and that a refit of the trees is reproducible (benchmarks/qe_train.py's seed).

Inputs are our own token lists and small hand-written specs; the expected values are worked out
by hand from the spec's coefficients, not from the code under test.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from mtcheck.qe.features import FEATURES
from mtcheck.qe.model import PRIOR, PRIOR_FEATURES, QualityModel, prior_columns

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from qe_mlqe import detokenise, word_labels

# (tokens as MLQE-PE releases them, the text a reader would write)
DETOK = [
    (["The", "bridge", "(", "built", "in", "1932", ")", "is", "closed", "."],
     "The bridge (built in 1932) is closed."),
    (["Turnout", "rose", "to", "61", "%", ",", "officials", "said", "."],
     "Turnout rose to 61%, officials said."),
    (["It", "does", "n't", "matter", "to", "the", "club", "'s", "fans", "."],
     "It doesn't matter to the club's fans."),
    (["He", "called", "it", "&quot;", "a", "mistake", "&quot;", "on", "Monday", "."],
     'He called it "a mistake" on Monday.'),
    (["Profits", "&amp;", "losses", ":", "a", "review", "!"], "Profits & losses: a review!"),
]  # fmt: skip


@pytest.mark.parametrize(("tokens", "text"), DETOK)
def test_detokenise_writes_text_and_keeps_each_token_span(tokens: list[str], text: str) -> None:
    out, spans = detokenise(tokens)
    assert out == text
    assert len(spans) == len(tokens)
    entities = {"&quot;": '"', "&amp;": "&"}
    for tok, (a, b) in zip(tokens, spans, strict=True):
        assert out[a:b] == entities.get(tok, tok)


def test_detokenise_empty() -> None:
    assert detokenise([]) == ("", [])


def test_word_labels_bad_when_any_token_inside_is_bad() -> None:
    text, spans = detokenise(["The", "minister", "'s", "plan", "failed", "."])
    assert text == "The minister's plan failed."
    words = [(0, 3), (4, 14), (15, 19), (20, 27)]  # The / minister's / plan / failed.
    # Only the clitic is BAD: the word that holds it is BAD, the rest OK.
    assert word_labels(words, spans, ["OK", "OK", "BAD", "OK", "OK", "OK"]) == [False, True, False, False]
    # Only the full stop is BAD: it belongs to "failed.".
    assert word_labels(words, spans, ["OK", "OK", "OK", "OK", "OK", "BAD"]) == [False, False, False, True]
    with pytest.raises(ValueError):
        word_labels(words, spans, ["OK"])


def _variant_with_prior(prior_coef: float, prior_intercept: float) -> dict:
    """A variant whose word model reads only the prior's log-odds (coefficient 1, no intercept), and
    whose prior is a logistic regression on ``zipf`` alone."""
    return {
        "fluency": False,
        "columns": [PRIOR],
        "word": {"kind": "logistic", "mean": [0.0], "scale": [1.0], "coef": [1.0], "intercept": 0.0},
        "prior": {
            "columns": ["zipf"],
            "word": {
                "kind": "logistic",
                "mean": [0.0],
                "scale": [1.0],
                "coef": [prior_coef],
                "intercept": prior_intercept,
            },
        },
        "thresholds": {"precise": 0.5, "balanced": 0.5},
    }


def test_prior_log_odds_feed_the_word_model() -> None:
    model = QualityModel({"version": "t", "variants": {"nofluency": _variant_with_prior(-4.0, 1.0)}}, "x")
    x = np.zeros((2, len(FEATURES)), dtype=np.float32)
    x[0, FEATURES.index("zipf")] = 0.25  # a rare word
    x[1, FEATURES.index("zipf")] = 0.75  # a common one
    probs = model.word_probs(x, fluency=False)
    # By hand: sigmoid(-4 * 0.25 + 1) = sigmoid(0) = 0.5; sigmoid(-4 * 0.75 + 1) = sigmoid(-2).
    assert probs[0] == pytest.approx(0.5)
    assert probs[1] == pytest.approx(1 / (1 + math.exp(2.0)))
    # The prior is really read: with its sign flipped the common word becomes the likelier error.
    flipped = QualityModel({"version": "t", "variants": {"nofluency": _variant_with_prior(4.0, -1.0)}}, "x")
    p2 = flipped.word_probs(x, fluency=False)
    assert p2[1] > p2[0]


def test_prior_reads_no_re_translation_column() -> None:
    # MLQE-PE has no re-translation: a prior may only read shape and surprisal columns.
    for fluency in (False, True):
        names = {FEATURES[i] for i in prior_columns(fluency)}
        assert names <= set(PRIOR_FEATURES)
        assert not names & {"sim", "sim_doc", "exact", "omit", "sent_chrf", "flu_ref_diff", "headline"}
        assert ("excess" in names) == fluency


def test_tree_refit_is_reproducible() -> None:
    # Past 10,000 rows HistGradientBoosting early-stops on a random split: the training script's
    # learners are seeded, so two fits on the same rows export the same trees.
    from qe_train import export, make

    rng = np.random.default_rng(7)
    x = rng.normal(size=(12_000, 4))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=12_000)) > 0.8
    first = export(make("trees_small").fit(x, y), "trees_small")
    second = export(make("trees_small").fit(x, y), "trees_small")
    assert first == second
    assert len(first["trees"]) > 1
