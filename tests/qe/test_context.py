"""The word-against-its-sentence columns (mtcheck.qe.features.context_columns) on hand-made rows,
and through a real check: the word the re-translation does not support stands out of its sentence.

Expected values are worked out by hand from the rows given.
"""

from __future__ import annotations

import numpy as np
import pytest

from mtcheck.qe.features import CONTEXT, FEATURES, INDEX, context_columns


def _rows(sims: list[float], omits: list[float]) -> np.ndarray:
    x = np.zeros((len(sims), len(FEATURES) - len(CONTEXT)), dtype=np.float32)
    x[:, INDEX["sim"]] = sims
    x[:, INDEX["omit_content"]] = omits
    return x


def test_context_columns_by_hand() -> None:
    # Two sentences, rows interleaved: keys, not order, group them.
    x = _rows([0.9, 0.95, 0.8, 0.5, 0.3, 0.7], [0.0, 0.0, 0.7, 0.0, 0.0, 0.2])
    key = np.array([1, 2, 1, 2, 1, 2])
    out = context_columns(x, key)
    sim_rel, low_share, omit_sent = (out[:, CONTEXT.index(n)] for n in ("sim_rel", "low_share", "omit_sent"))
    # sentence 1: sims 0.9, 0.8, 0.3 -> median 0.8; one of three below 0.6; largest omission 0.7
    assert sim_rel[[0, 2, 4]] == pytest.approx([0.1, 0.0, -0.5], abs=1e-6)
    assert low_share[[0, 2, 4]] == pytest.approx([1 / 3] * 3)
    assert omit_sent[[0, 2, 4]] == pytest.approx([0.7] * 3)
    # sentence 2: sims 0.95, 0.5, 0.7 -> median 0.7; one of three below 0.6; largest omission 0.2
    assert sim_rel[[1, 3, 5]] == pytest.approx([0.25, -0.2, 0.0], abs=1e-6)
    assert low_share[[1, 3, 5]] == pytest.approx([1 / 3] * 3)
    assert omit_sent[[1, 3, 5]] == pytest.approx([0.2] * 3)


def test_context_columns_empty_and_single_word() -> None:
    assert context_columns(_rows([], []), np.array([])).shape == (0, len(CONTEXT))
    out = context_columns(_rows([0.4], [0.0]), np.array([0]))
    assert out[0].tolist() == pytest.approx([0.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def rows_of():
    """Feature rows of a real check (all-MiniLM-L6-v2 from the embeddings extra, no fluency)."""
    from mtcheck.config import Config
    from mtcheck.pipeline import Checker
    from mtcheck.qe.stage import encode_sides, rows_for
    from mtcheck.readers import Article

    checker = Checker(Config(fluency=False, fail_on="never", quality_model="off", embeddings="on"))

    def run(mt: str, ref: str):
        item = checker.prepare_all([Article(id="t", text=mt, reference=ref)]).items[0]
        (mt_side, ref_sides) = encode_sides(
            checker.models.sentence_encoder(), [(item.doc, [item.reference.document])]
        )[0]
        rows = rows_for(mt_side, [(ref_sides[0], item.alignment)], None, [])
        return {w.text.strip(".,"): rows.x[k] for k, w in enumerate(rows.words)}

    return run


@pytest.mark.parametrize(
    ("mt", "ref", "odd"),
    [
        ("The striker signed a contract with the giraffe until the end of next season.",
         "The striker signed a contract with the club until the end of next season.", "giraffe"),
        ("Heavy rain flooded the cathedral roads of the northern province overnight.",
         "Heavy rain flooded the main roads of the northern province overnight.", "cathedral"),
        ("The central bank kept interest rates unchanged at its banana meeting in March.",
         "The central bank kept interest rates unchanged at its policy meeting in March.", "banana"),
    ],
)  # fmt: skip
def test_unsupported_word_stands_out_of_its_sentence(rows_of, mt: str, ref: str, odd: str) -> None:
    words = rows_of(mt, ref)
    rel = {w: float(x[INDEX["sim_rel"]]) for w, x in words.items()}
    assert rel[odd] == min(rel.values())
    assert rel[odd] < -0.2


@pytest.mark.parametrize(
    ("mt", "dropped"),
    [
        ("The council approved the new harbour budget on Tuesday evening.",
         " after a fierce debate about fishing quotas"),
        ("Rescuers reached the stranded climbers before nightfall.",
         " despite avalanche warnings across the valley"),
    ],
)  # fmt: skip
def test_dropped_clause_marks_the_whole_sentence(rows_of, mt: str, dropped: str) -> None:
    same = rows_of(mt, mt)
    longer = rows_of(mt, mt[:-1] + dropped + ".")
    assert all(x[INDEX["omit_sent"]] == 0 for x in same.values())
    assert all(x[INDEX["omit_sent"]] > 0.3 for x in longer.values())


def test_sentence_calibration_reads_sentence_evidence() -> None:
    # A calibration that reads the aligned pair's chrF (and the largest word probability, with a
    # zero coefficient): quality = 100 * sigmoid(-(2 - 4 * chrf)), worked out by hand below.
    from mtcheck.qe.features import WordRows
    from mtcheck.qe.model import QualityModel
    from mtcheck.qe.words import Word

    spec = {"kind": "logistic", "features": ["max", "sent_chrf"], "mean": [0.0, 0.0], "scale": [1.0, 1.0],
            "coef": [0.0, -4.0], "intercept": 2.0}  # fmt: skip
    model = QualityModel(
        {"version": "t", "variants": {"nofluency": {"fluency": False, "sentence": spec}}}, "x"
    )
    words = [Word(0, 0, 3, "One"), Word(0, 4, 7, "two"), Word(1, 8, 13, "three")]
    x = np.zeros((3, len(FEATURES)), dtype=np.float32)
    x[:2, INDEX["sent_chrf"]] = 0.5
    x[2, INDEX["sent_chrf"]] = 1.0
    q = model.sentence_quality(WordRows(words, x), np.array([0.9, 0.1, 0.2]), 3, fluency=False)
    assert q[0] == pytest.approx(50.0)  # z = 2 - 2 = 0
    assert q[1] == pytest.approx(100 / (1 + np.exp(-2.0)))  # z = 2 - 4 = -2
    assert q[2] == pytest.approx(100 / (1 + np.exp(2.0)))  # no words: chrF 0, z = 2
    bad = {**spec, "features": ["max", "colour"]}
    from mtcheck.errors import ModelError

    with pytest.raises(ModelError):
        QualityModel(
            {"version": "t", "variants": {"nofluency": {"fluency": False, "sentence": bad}}}, "x"
        ).sentence_quality(WordRows(words, x), np.array([0.9, 0.1, 0.2]), 2, fluency=False)
