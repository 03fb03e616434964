"""Shards of a batch and how their results are put back together; pure Python, no ray.

A shard is a contiguous run of the input, so concatenating shard results in the order of their
first article gives documents and input errors in input order, exactly as a local run lists them,
however the shards were split, retried or finished out of order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mtcheck.document import InputError, Report
from mtcheck.readers import Article
from mtcheck.reporting import FindingFilter, Judged, build_report
from mtcheck.settings import RuleSettings
from mtcheck.signature import ModelsUsed


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
    """What a worker sends back for one shard: checked articles, not yet scored (the driver scores
    them once, through the one report path, after a baseline has filtered them)."""

    judged: list[Judged]
    errors: list[InputError]
    used: ModelsUsed = field(default_factory=ModelsUsed)  # the models its model stage used
    version: str = ""
    worker: str = ""  # node and pid, for the run's statistics
    timings: dict[str, float] = field(default_factory=dict)


def split(articles: Sequence[Article], size: int) -> list[Shard]:
    return [Shard(i, list(articles[i : i + size])) for i in range(0, len(articles), size)]


def failed_article(article: Article, reason: str) -> InputError:
    """An article that failed on every try, reported like any bad article of the batch."""
    return InputError(article.id, reason, getattr(article, "line", None))


def assemble(
    settings: RuleSettings,
    results: Iterable[tuple[int, ShardResult]],
    errors: Sequence[InputError] = (),
    keep: FindingFilter | None = None,
) -> Report:
    """One Report from shard results keyed by their first article, through the same report path as
    ``Checker.run``: articles and input errors in input order, the models used merged."""
    judged: list[Judged] = []
    failed = list(errors)
    used = ModelsUsed()
    for _, result in sorted(results, key=lambda pair: pair[0]):
        judged.extend(result.judged)
        failed.extend(result.errors)
        used = used.merged(result.used)
    return build_report(judged, failed, settings, used, keep)
