"""The agreement features (mtcheck.qe.evidence.agreement_columns) on small inputs of our own.

Real MiniLM word vectors and mtcheck's own alignment (the ``embeddings`` extra, installed in CI);
the feature values are read from the rows the word model gets.
"""

from __future__ import annotations

import pytest

from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.qe.features import FEATURES
from mtcheck.qe.stage import encode_sides, rows_for
from mtcheck.readers import Article

PAIRS = {
    "digits_same": ("The plant will cut 2,000 jobs by the end of next year.",
                    "The plant will cut 2000 jobs by the end of next year."),
    "digits_other": ("The plant will cut 2,000 jobs by the end of next year.",
                     "The plant will cut 3,000 jobs by the end of next year."),
    "first_name": ("Volkswagen said on Tuesday that it would close the plant.",
                   "Audi said on Tuesday that it would close the plant."),
    "first_common": ("Officials said on Tuesday that they would close the plant.",
                     "Authorities said on Tuesday that they would close the plant."),
    "negation": ("The court said the new law was valid and could take effect.",
                 "The court said the new law was not valid and could not take effect."),
    "weekday": ("The talks will resume in Vienna on Thursday, the diplomats said.",
                "The talks will resume in Vienna on Monday, the diplomats said."),
}  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, dict[str, float]]]:
    """Per pair: MT word text -> feature name -> value (for the AGREE columns)."""
    checker = Checker(Config(fluency=False, fail_on="never", quality_model="off", embeddings="on"))
    arts = [Article(id=k, text=m, reference=r) for k, (m, r) in PAIRS.items()]
    items = checker.prepare_all(arts).items
    sides = encode_sides(checker.models.sentence_encoder(), [(i.doc, [i.reference.document]) for i in items])
    out = {}
    for item, (mt, refs) in zip(items, sides, strict=True):
        wr = rows_for(mt, [(refs[0], item.alignment)], None, [])
        out[item.article.id] = {
            w.core: {name: float(v) for name, v in zip(FEATURES, x, strict=True)}
            for w, x in zip(wr.words, wr.x, strict=True)
        }
    return out


def test_thousands_separator_is_no_number_swap(rows) -> None:
    assert rows["digits_same"]["2,000"]["class_swap"] == 0.0
    assert rows["digits_other"]["2,000"]["class_swap"] == 1.0


def test_sentence_initial_name_swap_but_not_a_common_noun(rows) -> None:
    assert rows["first_name"]["Volkswagen"]["class_swap"] == 1.0
    assert rows["first_name"]["Volkswagen"]["name_miss"] == 1.0
    assert rows["first_name"]["Volkswagen"]["ev_swap"] == 1.0
    assert rows["first_common"]["Officials"]["class_swap"] == 0.0
    assert rows["first_common"]["Officials"]["name_miss"] == 0.0
    assert rows["first_common"]["Officials"]["ev_swap"] == 0.0


def test_negation_on_one_side_marks_the_pair(rows) -> None:
    assert all(f["neg_pair"] == 1.0 for f in rows["negation"].values())
    assert any(f["ev_polarity"] == 1.0 for f in rows["negation"].values())
    assert all(f["neg_pair"] == 0.0 for f in rows["weekday"].values())


def test_weekday_swap(rows) -> None:
    assert rows["weekday"]["Thursday"]["class_swap"] == 1.0
    assert rows["weekday"]["Vienna"]["class_swap"] == 0.0
