"""The word model with two re-translations: a word is supported when either one supports it.

Real shipped model and real MiniLM encoder, as in test_word_model.py. A swapped word that one
re-translation contradicts and another confirms is no finding; when both contradict it, it stays.
"""

from __future__ import annotations

import pytest

from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import Article
from tests.qe.test_word_model import POLARITY, SWAPS, model_findings

CASES = SWAPS + POLARITY


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(Config(fluency=False, fail_on="never", quality_model="on", embeddings="on"))


def _hits(checker: Checker, mt: str, refs: list[str], word: str) -> list[dict]:
    article = Article(id="t", text=mt, reference=refs[0], extra_references=refs[1:])
    doc = checker.run([article], strict=True).to_json()["documents"][0]
    start = mt.index(word)
    return [f for f in model_findings(doc) if f["start"] <= start < f["end"]]


@pytest.mark.parametrize(("mt", "ref", "word"), CASES, ids=[w for *_, w in CASES])
def test_a_confirming_second_re_translation_clears_the_word(
    checker: Checker, mt: str, ref: str, word: str
) -> None:
    assert _hits(checker, mt, [ref], word)  # the contradicting re-translation alone flags it
    assert not _hits(checker, mt, [ref, mt], word)
    assert not _hits(checker, mt, [mt, ref], word)


@pytest.mark.parametrize(("mt", "ref", "word"), CASES, ids=[w for *_, w in CASES])
def test_two_contradicting_re_translations_keep_the_word(
    checker: Checker, mt: str, ref: str, word: str
) -> None:
    # Another wording, same swap; a sentence-initial name (the swapped word itself) keeps its capital.
    first = ref[0] if mt.startswith(word) else ref[0].lower()
    second = "According to officials, " + first + ref[1:]
    assert _hits(checker, mt, [ref, second], word)
