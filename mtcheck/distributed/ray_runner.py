"""Schedule a batch's shards on a Ray cluster, retry what a dead worker dropped, reassemble in order.

How the work is laid out, and why:
- the input is cut into contiguous shards of ``ray_shard_size`` articles; a shard is one Ray call;
- when a model stage runs (fluency, re-translation of sources) shards go to a fixed set of actors,
  each holding a :class:`~mtcheck.pipeline.Checker` whose models load once, on its first shard, and
  stay loaded (``ray_cpus``/``ray_gpus`` per actor, so a GPU node takes them); rule-only batches run
  as plain tasks, which need no warm state;
- each actor has one shard in flight, so a worker that dies is blamed for exactly one shard: that
  shard is tried again on a fresh actor, then split in halves to isolate an article that kills its
  worker every time; an article that fails ``ray_retries + 1`` times (or raises inside the pipeline)
  is reported as an input error, like any bad article, and the batch goes on;
- finished shards are kept on the driver as they stream in (``ray.wait``), so nothing done is lost
  to a later failure, and progress counts articles finished anywhere in the cluster;
- shard results are concatenated by input position (:func:`~mtcheck.distributed.shards.assemble`),
  which gives the same Report, byte for byte in JSON, as a local run.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtcheck import __version__
from mtcheck.config import Config
from mtcheck.distributed.shards import Shard, ShardResult, assemble, failed_article, split
from mtcheck.distributed.worker import ModelWorker, check_rules_only
from mtcheck.document import InputError, Report
from mtcheck.errors import ConfigError, MtcheckError
from mtcheck.pipeline import Progress
from mtcheck.readers import Article

# A private cluster needs little shared memory: shards and reports are small. Ray's default (30% of
# RAM) would reserve gigabytes on a shared machine.
LOCAL_OBJECT_STORE = 256 * 1024**2
# Environment a worker needs to find the same model store and offline settings as the driver.
FORWARD_ENV = ("HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("--ray needs Ray: pip install 'mtcheck[ray]'") from None
    return ray


def needs_model(config: Config, articles: Sequence[Article]) -> bool:
    """Whether any stage loads a model: then shards go to actors that keep it loaded."""
    return config.fluency or any(a.source and a.reference is None for a in articles)


def worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("MTCHECK_") or k in FORWARD_ENV}


@dataclass
class RunStats:
    """What happened on the cluster, for benchmarks and tests."""

    mode: str = ""
    workers: int = 0
    shards: int = 0
    retried_shards: int = 0
    replaced_workers: int = 0
    failed_articles: int = 0
    worker_ids: set[str] = field(default_factory=set)


class RayRunner:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.stats = RunStats()

    # --- cluster ------------------------------------------------------------------------------
    def _connect(self, ray: Any) -> bool:
        """Join or start the cluster; True when this call started the connection (and must end it)."""
        if ray.is_initialized():
            return False
        address = (self.config.ray or "local").strip()
        quiet: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
        try:
            if address == "local":
                ray.init(
                    address="local",
                    include_dashboard=False,
                    object_store_memory=LOCAL_OBJECT_STORE,
                    **quiet,
                )
            else:
                ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Ray cluster at {address!r}: {exc}") from None
        return True

    def _slots(self, ray: Any, model: bool, shards: int) -> int:
        resources = ray.cluster_resources()
        cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
        cfg = self.config
        if cpus < cfg.ray_cpus:
            raise ConfigError(f"the Ray cluster has {cpus:g} CPUs; ray-cpus asks for {cfg.ray_cpus:g}")
        if model and cfg.ray_gpus > gpus:
            raise ConfigError(f"the Ray cluster has {gpus:g} GPUs; ray-gpus asks for {cfg.ray_gpus:g}")
        fit = int(cpus // cfg.ray_cpus)
        if model and cfg.ray_gpus > 0:
            fit = min(fit, int(gpus // cfg.ray_gpus))
        wanted = cfg.ray_workers or max(1, fit)
        return max(1, min(wanted, shards))

    # --- driver -------------------------------------------------------------------------------
    def run(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError] = (),
        progress: Progress | None = None,
    ) -> Report:
        ray = _import_ray()
        articles = list(articles)
        if not articles:
            return assemble(self.config, [], errors)
        started_here = self._connect(ray)
        try:
            return self._run(ray, articles, errors, progress)
        finally:
            if started_here:
                ray.shutdown()

    def _run(
        self, ray: Any, articles: list[Article], errors: Sequence[InputError], progress: Progress | None
    ) -> Report:
        cfg = self.config
        model = needs_model(cfg, articles)
        queue: deque[Shard] = deque(split(articles, cfg.ray_shard_size))
        slots = self._slots(ray, model, len(queue))
        # Only when there is something to pass: a runtime env of its own keeps a job off the idle
        # workers Ray started in advance, and each new worker costs a second or two.
        forwarded = worker_env()
        env = {"env_vars": forwarded} if forwarded else None
        self.stats = RunStats(mode="actors" if model else "tasks", workers=slots, shards=len(queue))

        actor_cls = ray.remote(ModelWorker).options(
            num_cpus=cfg.ray_cpus,
            num_gpus=cfg.ray_gpus,
            max_restarts=0,  # a dead actor is replaced by the driver, which also reschedules its shard
            max_task_retries=0,
            runtime_env=env,
        )
        task = ray.remote(check_rules_only).options(num_cpus=cfg.ray_cpus, max_retries=0, runtime_env=env)
        actors: dict[int, Any] = {}
        if model:
            actors = {slot: actor_cls.remote(cfg) for slot in range(slots)}

        free = list(range(slots))
        pending: dict[Any, tuple[Shard, int]] = {}
        done: list[tuple[int, ShardResult]] = []

        def finish(shard: Shard, result: ShardResult) -> None:
            done.append((shard.start, result))
            if progress:
                progress(len(shard.articles))

        try:
            while queue or pending:
                while queue and free:
                    slot, shard = free.pop(0), queue.popleft()
                    ref = (
                        actors[slot].check.remote(shard.articles)
                        if model
                        else task.remote(cfg, shard.articles)
                    )
                    pending[ref] = (shard, slot)
                ready, _ = ray.wait(list(pending), num_returns=1)
                shard, slot = pending.pop(ready[0])
                free.append(slot)
                try:
                    result = ray.get(ready[0])
                except ray.exceptions.RayTaskError as exc:
                    # Python raised inside the pipeline: no retry helps; user errors end the run as
                    # they would locally, anything else is pinned on its article.
                    cause = getattr(exc, "cause", None)
                    if isinstance(cause, MtcheckError):
                        raise cause from None
                    self._failed(
                        shard, queue, finish, f"internal error: {type(cause).__name__}: {cause}", True
                    )
                except ray.exceptions.RayError as exc:
                    if getattr(exc, "actor_init_failed", False):
                        raise ConfigError(f"a Ray worker could not start: {_first_line(exc)}") from None
                    if isinstance(exc, ray.exceptions.RuntimeEnvSetupError):
                        raise ConfigError(f"a Ray worker could not start: {_first_line(exc)}") from None
                    if model:
                        ray.kill(actors[slot], no_restart=True)
                        actors[slot] = actor_cls.remote(cfg)
                        self.stats.replaced_workers += 1
                    self._failed(shard, queue, finish, f"the Ray worker died ({type(exc).__name__})", False)
                else:
                    if result.version != __version__:
                        raise ConfigError(
                            f"Ray worker {result.worker} runs mtcheck {result.version}, this is {__version__}"
                        )
                    self.stats.worker_ids.add(result.worker)
                    finish(shard, result)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            for actor in actors.values():
                ray.kill(actor, no_restart=True)
        return assemble(cfg, done, errors)

    def _failed(
        self, shard: Shard, queue: deque[Shard], finish: Any, reason: str, deterministic: bool
    ) -> None:
        """Retry, split or give up on a shard whose try failed."""
        shard.tries += 1
        retries = self.config.ray_retries
        if retries == 0 or (len(shard.articles) == 1 and (deterministic or shard.tries > retries)):
            tries = f" ({shard.tries} {'try' if shard.tries == 1 else 'tries'})" if not deterministic else ""
            self.stats.failed_articles += len(shard.articles)
            finish(shard, ShardResult([], [failed_article(a, reason + tries) for a in shard.articles]))
            return
        self.stats.retried_shards += 1
        if len(shard.articles) > 1 and (deterministic or shard.tries > 1):
            # Failed again (or raised): halve it, so one article that kills its worker is isolated
            # while the rest of the shard is checked.
            queue.extendleft(reversed(shard.halves()))
        else:
            queue.appendleft(shard)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
