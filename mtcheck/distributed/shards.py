"""Shards of a batch and how their results are put back together; pure Python, no ray.

A shard is a contiguous run of the input, so concatenating shard results in the order of their
first article gives documents and input errors in input order, exactly as a local run lists them,
however the shards were split, retried or finished out of order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mtcheck.config import Config
from mtcheck.document import DocumentReport, InputError, Report
from mtcheck.pipeline import signature
from mtcheck.readers import Article


@dataclass
class Shard:
    start: int  # index of its first article in the input
    articles: list[Article]
    tries: int = 0  # failed tries so far

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, len(self.articles))

    def halves(self) -> list[Shard]:
        """Two shards (for isolating an article that kills its worker); each counts one failed try."""
        mid = len(self.articles) // 2
        return [
            Shard(self.start, self.articles[:mid], tries=1),
            Shard(self.start + mid, self.articles[mid:], tries=1),
        ]


@dataclass
class ShardResult:
    """What a worker sends back for one shard."""

    documents: list[DocumentReport]
    errors: list[InputError]
    translator_name: str | None = None
    lm_name: str | None = None
    version: str = ""
    worker: str = ""  # node and pid, for the run's statistics
    timings: dict[str, float] = field(default_factory=dict)


def split(articles: Sequence[Article], size: int) -> list[Shard]:
    return [Shard(i, list(articles[i : i + size])) for i in range(0, len(articles), size)]


def failed_article(article: Article, reason: str) -> InputError:
    """An article that failed on every try, reported like any bad article of the batch."""
    return InputError(article.id, reason, getattr(article, "line", None))


def assemble(
    config: Config,
    results: Iterable[tuple[int, ShardResult]],
    errors: Sequence[InputError] = (),
) -> Report:
    """One Report from shard results keyed by their first article, as ``Checker.run`` builds it."""
    documents: list[DocumentReport] = []
    failed = list(errors)
    translator_name = lm_name = None
    for _, result in sorted(results, key=lambda pair: pair[0]):
        documents.extend(result.documents)
        failed.extend(result.errors)
        # Checker keeps the first name it meets; shards in input order meet them in the same order.
        translator_name = translator_name or result.translator_name
        lm_name = lm_name or result.lm_name
    overall = "fail" if any(r.verdict == "fail" for r in documents) or (failed and not documents) else "pass"
    return Report(
        signature=signature(config, translator_name, lm_name),
        documents=documents,
        verdict=overall,
        errors=failed,
    )
