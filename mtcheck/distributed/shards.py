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
from mtcheck.scoring import batch_verdict

FILE = "file"  # the origin of a re-translation supplied with the article


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
    # Per document: FILE (a supplied re-translation), a source language (re-translated), or None.
    origins: list[str | None] = field(default_factory=list)
    translator_names: dict[str, str] = field(default_factory=dict)  # source language -> engine name
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
    origins: list[str | None] = []
    names: dict[str, str] = {}
    lm_name = None
    for _, result in sorted(results, key=lambda pair: pair[0]):
        documents.extend(result.documents)
        failed.extend(result.errors)
        origins.extend(result.origins)
        names.update(result.translator_names)
        lm_name = lm_name or result.lm_name
    return Report(
        signature=signature(config, translator_name(origins, names), lm_name),
        documents=documents,
        verdict=batch_verdict(documents, failed),
        errors=failed,
    )


def translator_name(origins: Sequence[str | None], names: dict[str, str]) -> str | None:
    """The name a local ``Checker.run`` of the whole batch would sign with.

    It names "file" when a re-translation was supplied, but the engine of the language it met last
    (languages ordered by first appearance) when it re-translated anything.
    """
    langs = [o for o in dict.fromkeys(origins) if o is not None and o != FILE]
    if langs:
        return names[langs[-1]]
    return FILE if FILE in origins else None
