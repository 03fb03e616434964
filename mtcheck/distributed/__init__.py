"""Check a batch on a Ray cluster (the optional extra ``mtcheck[ray]``).

Nothing here imports ray at module level: ``mtcheck --help`` and the core install never need it.
``run_batch`` imports :mod:`mtcheck.distributed.ray_runner`, which does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mtcheck.errors import ConfigError

if TYPE_CHECKING:
    from mtcheck.config import Config
    from mtcheck.document import InputError, Report
    from mtcheck.pipeline import Progress
    from mtcheck.readers import Article

# "local" starts a private cluster in this process; "auto" joins the one `ray start --head` runs here
# (or RAY_ADDRESS); "ray://HOST:PORT" goes through the Ray Client; "HOST:PORT" joins a GCS directly.
MODES = ("local", "auto")


def validate_settings(config: Config) -> None:
    if config.ray is not None:
        address = config.ray.strip()
        if not address:
            raise ConfigError("ray: give local, auto or ray://HOST:PORT")
        if address not in MODES and "://" not in address and ":" not in address:
            raise ConfigError(f"ray must be local, auto, ray://HOST:PORT or HOST:PORT, not {config.ray!r}")
    if config.ray_workers is not None and config.ray_workers < 1:
        raise ConfigError(f"ray-workers must be at least 1, not {config.ray_workers}")
    if config.ray_shard_size is not None and config.ray_shard_size < 1:
        raise ConfigError(f"ray-shard-size must be at least 1, not {config.ray_shard_size}")
    if config.ray_cpus <= 0 or config.ray_gpus < 0:
        raise ConfigError("ray-cpus must be positive and ray-gpus must not be negative")
    if config.ray_retries < 0:
        raise ConfigError(f"ray-retries must not be negative, not {config.ray_retries}")


def run_batch(
    config: Config,
    articles: Sequence[Article],
    errors: Sequence[InputError] = (),
    progress: Progress | None = None,
) -> Report:
    """Check ``articles`` on the Ray cluster ``config.ray``; the same Report as a local run."""
    from mtcheck.distributed.ray_runner import RayRunner

    return RayRunner(config).run(articles, errors, progress)


__all__ = ["MODES", "run_batch", "validate_settings"]
