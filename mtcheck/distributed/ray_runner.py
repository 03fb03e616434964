"""Schedule a batch's shards on a Ray cluster, retry what a dead worker dropped, reassemble in order.

How the work is laid out, and why:
- the input is cut into contiguous shards of ``ray_shard_size`` articles; a shard is one Ray call.
  By default each worker gets two shards, as big as that makes them (8 to 256 articles): a shard is
  one fluency pass, and the pass batches sentences of equal length, so small shards batch poorly
  (120 short articles on one core: 17.3 s as one shard, 23.9 s as shards of 16);
- when a model stage runs (fluency, re-translation of sources) shards go to a fixed set of actors,
  each holding a :class:`~mtcheck.pipeline.Checker` whose models load once, on its first shard, and
  stay loaded (``ray_cpus``/``ray_gpus`` per actor, so a GPU node takes them); rule-only batches run
  as plain tasks, which need no warm state;
- with ``ray_split`` (the default when actors hold GPUs) an actor runs only the model stages and a
  plain CPU task runs the rules on its output, passed between workers without the driver, so the
  GPU moves on to the next shard while the rules of the last one run elsewhere;
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
import math
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtcheck import __version__
from mtcheck.config import Config
from mtcheck.distributed.shards import Shard, ShardResult, assemble, failed_article, split
from mtcheck.distributed.worker import ModelWorker, check_rules_only, judge_task
from mtcheck.document import InputError, Report
from mtcheck.errors import ConfigError, MtcheckError
from mtcheck.pipeline import Progress
from mtcheck.readers import Article
from mtcheck.reporting import FindingFilter

# A private cluster needs little shared memory: shards and reports are small. Ray's default (30% of
# RAM) would reserve gigabytes on a shared machine.
LOCAL_OBJECT_STORE = 256 * 1024**2
MIN_SHARD, MAX_SHARD = 8, 256
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
    from mtcheck.features import fluency_enabled

    return fluency_enabled(config) or any(a.source and a.reference is None for a in articles)


def shard_size(articles: int, workers: int) -> int:
    """Two shards per worker, each of 8 to 256 articles: big enough to batch well, small enough to
    balance the load, show progress and lose little to a worker that dies."""
    return max(MIN_SHARD, min(MAX_SHARD, math.ceil(articles / (2 * workers))))


def worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("MTCHECK_") or k in FORWARD_ENV}


@dataclass
class _Pending:
    """One call in flight: a whole shard ("run"), or its model stage ("prepare") or rules ("judge")."""

    kind: str
    shard: Shard
    slot: int | None  # the worker slot it occupies, freed when it returns
    partner: Any = None  # the other half of a prepare/judge pair


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
                # A private cluster for this one command: keep its traffic on the loopback interface.
                ray.init(
                    address="local",
                    _node_ip_address="127.0.0.1",
                    include_dashboard=False,
                    object_store_memory=LOCAL_OBJECT_STORE,
                    **quiet,
                )
            else:
                ray.init(address=address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Ray cluster at {address!r}: {exc}") from None
        return True

    def _slots(self, ray: Any, model: bool, split_rules: bool, shards: int) -> int:
        """How many workers (actors, or tasks in flight) the cluster's resources can hold at once.

        Never more than fit: a call to an actor that cannot be placed would wait forever. With the
        rules in separate tasks, the actors leave CPUs for those tasks, or nothing could judge.
        """
        resources = ray.cluster_resources()
        cpus, gpus = resources.get("CPU", 0.0), resources.get("GPU", 0.0)
        cfg = self.config
        need = cfg.ray_cpus * (2 if split_rules else 1)
        if cpus < need:
            what = "ray-cpus for a model worker and for a rules task" if split_rules else "ray-cpus"
            raise ConfigError(f"the Ray cluster has {cpus:g} CPUs; {what} asks for {need:g}")
        if model and cfg.ray_gpus > gpus:
            raise ConfigError(f"the Ray cluster has {gpus:g} GPUs; ray-gpus asks for {cfg.ray_gpus:g}")
        fit = int((cpus - (cfg.ray_cpus if split_rules else 0)) // cfg.ray_cpus)
        if model and cfg.ray_gpus > 0:
            fit = min(fit, int(gpus // cfg.ray_gpus))
        wanted = min(cfg.ray_workers or fit, fit)
        return max(1, min(wanted, shards))

    # --- driver -------------------------------------------------------------------------------
    def run(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError] = (),
        progress: Progress | None = None,
        keep: FindingFilter | None = None,
    ) -> Report:
        """The same Report as ``Checker.run``; ``keep`` (a baseline) filters findings before scoring."""
        from mtcheck.engine import validate_rule_settings

        # Settings the workers would refuse are refused here, once, before the cluster starts.
        validate_rule_settings(self.config.rule_settings)
        ray = _import_ray()
        articles = list(articles)
        if not articles:
            return assemble(self.config.rule_settings, [], errors, keep)
        started_here = self._connect(ray)
        try:
            return self._run(ray, articles, errors, progress, keep)
        finally:
            if started_here:
                ray.shutdown()

    def _run(
        self,
        ray: Any,
        articles: list[Article],
        errors: Sequence[InputError],
        progress: Progress | None,
        keep: FindingFilter | None,
    ) -> Report:
        cfg = self.config
        model = needs_model(cfg, articles)
        split_rules = model and (cfg.ray_split if cfg.ray_split is not None else cfg.ray_gpus > 0)
        slots = self._slots(ray, model, split_rules, len(articles))
        queue: deque[Shard] = deque(split(articles, cfg.ray_shard_size or shard_size(len(articles), slots)))
        slots = min(slots, len(queue))
        # Only when there is something to pass: a runtime env of its own keeps a job off the idle
        # workers Ray started in advance, and each new worker costs a second or two.
        forwarded = worker_env()
        env = {"env_vars": forwarded} if forwarded else None
        self.stats = RunStats(mode="actors" if model else "tasks", workers=slots, shards=len(queue))
        if split_rules:
            self.stats.mode = "actors+rule-tasks"

        actor_cls = ray.remote(ModelWorker).options(
            num_cpus=cfg.ray_cpus,
            num_gpus=cfg.ray_gpus,
            max_restarts=0,  # a dead actor is replaced by the driver, which also reschedules its shard
            max_task_retries=0,
            runtime_env=env,
        )
        cpu = {"num_cpus": cfg.ray_cpus, "max_retries": 0, "runtime_env": env}
        rules_task = ray.remote(check_rules_only).options(**cpu)
        judge = ray.remote(judge_task).options(**cpu)
        actors: dict[int, Any] = {}
        if model:
            actors = {slot: actor_cls.remote(cfg) for slot in range(slots)}

        free = list(range(slots))
        pending: dict[Any, _Pending] = {}
        done: list[tuple[int, ShardResult]] = []

        def finish(shard: Shard, result: ShardResult) -> None:
            done.append((shard.start, result))
            if progress:
                progress(len(shard.articles))

        def submit(slot: int, shard: Shard) -> None:
            if not model:
                pending[rules_task.remote(cfg, shard.articles)] = _Pending("run", shard, slot)
            elif not split_rules:
                pending[actors[slot].check.remote(shard.articles)] = _Pending("run", shard, slot)
            else:
                # The rules task gets the prepared shard straight from the model worker's node (the
                # driver never holds it) and runs while that worker starts on its next shard.
                prepared = actors[slot].prepare.remote(shard.articles)
                judged = judge.remote(cfg, prepared)
                pending[prepared] = _Pending("prepare", shard, slot, judged)
                pending[judged] = _Pending("judge", shard, None, prepared)

        try:
            while queue or pending:
                while queue and free:
                    submit(free.pop(0), queue.popleft())
                ready, _ = ray.wait(list(pending), num_returns=1)
                entry = pending.pop(ready[0])
                if entry.slot is not None:
                    free.append(entry.slot)
                try:
                    result = ray.get(ready[0])
                except ray.exceptions.RayError as exc:
                    if entry.kind == "judge" and entry.partner in pending:
                        continue  # its model stage failed too; that failure is handled there
                    if entry.kind == "prepare" and entry.partner in pending:
                        ray.cancel(entry.partner, force=True)
                        del pending[entry.partner]
                    died = self._classify(ray, exc)
                    if died and entry.kind != "judge" and model and entry.slot is not None:
                        ray.kill(actors[entry.slot], no_restart=True)
                        actors[entry.slot] = actor_cls.remote(cfg)
                        self.stats.replaced_workers += 1
                    reason = (
                        f"the Ray worker died ({type(exc).__name__})"
                        if died
                        else f"internal error: {type(exc.cause).__name__}: {exc.cause}"
                    )
                    self._failed(entry.shard, queue, finish, reason, not died)
                    continue
                if entry.kind == "prepare":
                    continue  # the model worker is free again; its rules task is still running
                if result.version != __version__:
                    raise ConfigError(
                        f"Ray worker {result.worker} runs mtcheck {result.version}, this is {__version__}"
                    )
                self.stats.worker_ids.add(result.worker)
                finish(entry.shard, result)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
            for actor in actors.values():
                ray.kill(actor, no_restart=True)
        return assemble(cfg.rule_settings, done, errors, keep)

    @staticmethod
    def _classify(ray: Any, exc: Exception) -> bool:
        """True when the worker died (worth a retry); raises what must end the run as it would locally."""
        if isinstance(exc, ray.exceptions.RayTaskError):
            # Python raised inside the pipeline: no retry helps; user errors end the run as they
            # would locally, anything else is pinned on its article.
            if isinstance(exc.cause, MtcheckError):
                raise exc.cause from None
            return False
        if getattr(exc, "actor_init_failed", False) or isinstance(exc, ray.exceptions.RuntimeEnvSetupError):
            raise ConfigError(f"a Ray worker could not start: {_first_line(exc)}") from None
        return True

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
