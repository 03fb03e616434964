"""With ``pipeline.PIPELINED`` (off by default), a batch with fluency on runs the rules of one shard (in
a second thread) while the models work on the next (in the caller's thread): ``Checker._run_pipelined``.
The same report as one pass over every article, in article order.

Wiring tests: the scorer is a small object implementing the FluencyScorer protocol (a word's surprisal
is its unigram cost plus an excess that is high in garbled sentences), deterministic and independent of
which texts share a call, so the pipelined and the one-pass reports must be byte-identical.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from mtcheck import fluency, pipeline, words
from mtcheck.config import Config
from mtcheck.models import ModelRegistry
from mtcheck.pipeline import Checker
from mtcheck.readers import Article
from mtcheck.render import render

GARBLED = ("the sense of the cooperative", "to who the", "details of the transatlantic of")

# Stories of our own; every third article garbled in one place, one with a re-translation file.
STORIES = [
    ("Farmers in the valley began the harvest early this year. Prices for apples rose by a fifth.",
     "Growers expressed themselves in the sense of the cooperative. Storage halls are full."),
    ("The harbour authority closed the northern pier after the storm. Ferries ran late on Monday.",
     "Passengers were told to who the tickets would be refunded. The pier reopens next week."),
    ("The city council approved a new budget for schools. Teachers welcomed the decision.",
     "The mayor gave details of the transatlantic of the plan. A vote follows in spring."),
]  # fmt: skip


def _articles(n: int) -> list[Article]:
    out = []
    for i in range(n):
        clean, garbled = STORIES[i % len(STORIES)]
        text = f"{clean}\n\n{garbled if i % 3 == 0 else clean}"
        ref = f"{clean}\n\n{clean}" if i % 2 == 0 else None
        out.append(Article(f"story-{i:03d}", text, reference=ref))
    out.insert(n // 2, Article("empty-one", "   "))  # an input error in the middle keeps its place
    return out


class WordCostScorer:
    """Surprisal = the word's unigram cost + 6 nats in a garbled sentence, - 3 nats elsewhere; records
    the thread each call ran in."""

    name = "word-cost"

    def __init__(self) -> None:
        self.threads: list[str] = []
        self.texts = 0

    def surprisals(self, texts: Sequence[str], progress=None) -> list[list[tuple[int, int, float]]]:
        self.threads.append(threading.current_thread().name)
        self.texts += len(texts)
        out = []
        for text in texts:
            excess = 6.0 if any(g in text for g in GARBLED) else -3.0
            cost = fluency.unigram_nats
            out.append([(m.start(), m.end(), cost(m.group()) + excess) for m in words.TOKEN.finditer(text)])
        return out


def _run(articles: list[Article]) -> tuple[str, WordCostScorer]:
    config = Config(fluency=True, embeddings="off")
    scorer = WordCostScorer()
    report = Checker(config, models=ModelRegistry(config.model_settings, scorer=scorer)).run(articles)
    return render(report, "json"), scorer


@pytest.fixture
def pipelined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "PIPELINED", True)


def test_batches_are_not_pipelined_by_default() -> None:
    articles = _articles(3 * pipeline.PIPELINE_SHARD + 5)
    _, scorer = _run(articles)
    # One pass: MT sentences, then re-translation counterparts, each scored once for the whole batch.
    assert scorer.threads == [threading.main_thread().name] * 2
    config = Config(fluency=True, embeddings="off")
    checker = Checker(config, models=ModelRegistry(config.model_settings, scorer=WordCostScorer()))
    assert set(_judge_threads(checker, articles)) == {threading.main_thread().name}


@pytest.mark.usefixtures("pipelined")
def test_a_pipelined_batch_reports_exactly_what_one_pass_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = _articles(3 * pipeline.PIPELINE_SHARD + 5)
    pipelined, scorer = _run(articles)
    # Four shards, each scored in the caller's thread (where the models live): MT sentences, then
    # re-translation counterparts.
    assert scorer.threads == [threading.main_thread().name] * 2 * 4
    monkeypatch.setattr(pipeline, "PIPELINE_SHARD", 10_000)
    one_pass, serial = _run(articles)
    assert serial.threads == [threading.main_thread().name] * 2
    assert serial.texts == scorer.texts
    assert pipelined == one_pass
    # Not trivially equal: garbled articles are flagged, the empty one is an error, order is kept.
    assert '"MT901"' in pipelined and "empty-one" in pipelined
    assert pipelined.index("story-000") < pipelined.index("story-020") < pipelined.index("story-052")


def _judge_threads(checker: Checker, articles: list[Article]) -> list[str]:
    """The thread each article's rules ran in."""
    seen: list[str] = []
    judge = checker.judge
    checker.judge = lambda item: seen.append(threading.current_thread().name) or judge(item)
    checker.run(articles)
    return seen


@pytest.mark.usefixtures("pipelined")
def test_the_rules_run_beside_the_models_and_only_when_worth_it() -> None:
    config = Config(fluency=True, embeddings="off")
    checker = Checker(config, models=ModelRegistry(config.model_settings, scorer=WordCostScorer()))
    threads = _judge_threads(checker, _articles(2 * pipeline.PIPELINE_SHARD))
    assert len(threads) == 2 * pipeline.PIPELINE_SHARD and all(t.startswith("mtcheck-rules") for t in threads)
    # One shard, or no model stage to overlap (rules only): one pass, all in the caller's thread.
    threads = _judge_threads(checker, _articles(pipeline.PIPELINE_SHARD - 1))
    assert set(threads) == {threading.main_thread().name}
    rules_only = Checker(Config(fluency=False))
    main = threading.main_thread().name
    assert set(_judge_threads(rules_only, _articles(3 * pipeline.PIPELINE_SHARD))) == {main}


@pytest.mark.usefixtures("pipelined")
def test_an_error_in_a_later_shard_reaches_the_caller() -> None:
    class Broken(WordCostScorer):
        def surprisals(self, texts, progress=None):
            if self.threads:
                raise RuntimeError("the model broke on the second call")
            return super().surprisals(texts, progress)

    config = Config(fluency=True, embeddings="off")
    checker = Checker(config, models=ModelRegistry(config.model_settings, scorer=Broken()))
    with pytest.raises(RuntimeError, match="second call"):
        checker.run(_articles(2 * pipeline.PIPELINE_SHARD))
