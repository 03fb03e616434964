"""The pipeline's fluency stage: which sentences go to the language model, and that it changes no finding.

Wiring tests: the scorer is a small object implementing the FluencyScorer protocol (surprisal = the
word's unigram cost plus a fixed excess, high for the garbled sentences), so what is asserted is the
stage's bookkeeping, not a model.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtcheck import fluency, words
from mtcheck.config import Config
from mtcheck.models import ModelRegistry
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

GARBLE = ("expressed themselves in the sense", "gave details of the transatlantic", "to who the")

MT = (
    "Farmers in the valley began the harvest early this year. "
    "In a new period the growers expressed themselves in the sense of the cooperative. "
    "Prices for apples rose by a fifth at the regional market.\n\n"
    "The minister visited two farms on Tuesday. "
    "She gave details of the transatlantic of the subsidy, officials said. "
    "Storage halls are full, the cooperative reported."
)
REF = (
    "Farmers in the valley started the harvest early this year. "
    "In a new phase the growers spoke out in favour of the cooperative. "
    "Apple prices rose by a fifth at the regional market.\n\n"
    "The minister visited two farms on Tuesday. "
    "She gave details of the subsidy, officials said. "
    "Storage halls are full, the cooperative reported."
)


class WordCostScorer:
    """Surprisal of each word = its unigram cost + 6 nats in a garbled sentence, - 3 nats elsewhere."""

    name = "word-cost"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def surprisals(self, texts: Sequence[str], progress=None) -> list[list[tuple[int, int, float]]]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            excess = 6.0 if any(g in text for g in GARBLE) else -3.0
            out.append(
                [
                    (m.start(), m.end(), fluency.unigram_nats(m.group()) + excess)
                    for m in words.TOKEN.finditer(text)
                ]
            )
        return out


def _checker(threshold: float | None = None) -> tuple[Checker, WordCostScorer]:
    rules = (
        {} if threshold is None else {"MT901": {"threshold": threshold}, "MT902": {"threshold": threshold}}
    )
    config = Config(fluency=True, embeddings="off", rules=rules)
    scorer = WordCostScorer()
    checker = Checker(config, models=ModelRegistry(config.model_settings, scorer=scorer))
    return checker, scorer


def _article(mt: str = MT, ref: str = REF) -> Article:
    return Article("farm", mt, reference=ref)


def test_only_counterparts_of_low_scoring_sentences_are_scored() -> None:
    checker, scorer = _checker()
    report = checker.run([_article()])
    mt_call, ref_call = scorer.calls
    assert len(mt_call) == 6  # every MT sentence
    # Only the re-translations of the two garbled sentences: the clean ones score above MT901's bar.
    assert ref_call == [
        "In a new phase the growers spoke out in favour of the cooperative.",
        "She gave details of the subsidy, officials said.",
    ]
    doc = report.documents[0]
    with_ref = [s.index for s in doc.fluency.sentences if s.reference_score is not None]
    assert with_ref == [1, 4]
    assert {f.code for f in doc.findings if f.start >= doc.document.sentences[1].start} >= {"MT901"}


def test_findings_equal_those_of_scoring_every_counterpart() -> None:
    lazy, _ = _checker()
    lazy_report = lazy.run([_article()])
    # The same run with every counterpart scored: a bound above any score makes every MT sentence a
    # candidate, while the rules keep their default threshold.
    eager, eager_scorer = _checker()
    eager._ref_threshold = lambda: 100.1  # type: ignore[method-assign]
    eager_report = eager.run([_article()])
    assert len(eager_scorer.calls[1]) == 6
    lazy_doc, eager_doc = lazy_report.documents[0], eager_report.documents[0]
    assert any(f.code == "MT901" for f in lazy_doc.findings)
    assert [f.to_json() for f in lazy_doc.findings] == [f.to_json() for f in eager_doc.findings]
    assert [s.score for s in lazy_doc.fluency.sentences] == [s.score for s in eager_doc.fluency.sentences]
    assert lazy_doc.quality == eager_doc.quality


def test_a_raised_rule_threshold_asks_for_more_counterparts() -> None:
    checker, scorer = _checker(threshold=100.1)
    checker.run([_article()])
    assert len(scorer.calls[1]) == 6


def test_no_reference_and_no_fluency_rule_score_no_counterpart() -> None:
    checker, scorer = _checker()
    checker.run([Article("farm", MT)])
    assert len(scorer.calls) == 1  # MT sentences only: nothing to compare with
    off = Config(fluency=True, embeddings="off", ignore=["MT9"])
    quiet = WordCostScorer()
    rules_off = Checker(off, models=ModelRegistry(off.model_settings, scorer=quiet))
    rules_off.run([_article()])
    assert len(quiet.calls) == 1
