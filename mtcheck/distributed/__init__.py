"""Check a batch on a Ray cluster (the optional extra ``mtcheck[ray]``).

Nothing here imports ray at module level: ``mtcheck --help`` and the core install never need it.
``run_batch`` imports :mod:`mtcheck.distributed.ray_runner`, which does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mtcheck.settings import RAY_MODES as MODES

if TYPE_CHECKING:
    from mtcheck.config import Config
    from mtcheck.document import InputError, Report
    from mtcheck.pipeline import Progress
    from mtcheck.readers import Article
    from mtcheck.reporting import FindingFilter


def validate_settings(config: Config) -> None:
    """The Ray settings' own checks (:meth:`mtcheck.settings.RaySettings.validate`)."""
    config.ray_settings.validate()


def run_batch(
    config: Config,
    articles: Sequence[Article],
    errors: Sequence[InputError] = (),
    progress: Progress | None = None,
    keep: FindingFilter | None = None,
) -> Report:
    """Check ``articles`` on the Ray cluster ``config.ray``; the same Report as a local run."""
    from mtcheck.distributed.ray_runner import RayRunner

    return RayRunner(config).run(articles, errors, progress, keep)


__all__ = ["MODES", "run_batch", "validate_settings"]
