"""What runs on a Ray worker: check one shard with a Checker that lives as long as the worker.

Plain Python (ray_runner wraps these with ``ray.remote``), so the worker side can be read and
tested without a cluster. A model worker keeps its Checker, and so its loaded translator and
fluency model, across every shard it is given: weights are loaded once per worker, never per task.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

from mtcheck import __version__
from mtcheck.config import Config
from mtcheck.distributed.shards import ShardResult
from mtcheck.pipeline import Checker, PreparedBatch
from mtcheck.readers import Article

# Test-only fault hooks, for the fault tests; nothing else should set them. Each makes a worker
# process exit abruptly, as a crash or an out-of-memory kill would:
# - CRASH_ENV="PATH:N": the worker that first claims PATH (created exclusively, so exactly one
#   worker in the cluster) dies as it starts its N-th shard;
# - CRASH_ON_ENV="ID": every worker dies as it starts a shard holding the article ID.
CRASH_ENV = "MTCHECK_RAY_CRASH"
CRASH_ON_ENV = "MTCHECK_RAY_CRASH_ON"
_calls = 0  # shards this process has started as plain tasks


@dataclass
class PreparedShard:
    """A shard after the model stages, before the rules: what a model worker hands a rules task."""

    batch: PreparedBatch  # its articles, input errors and the models used, as the model stage returned
    worker: str
    prepare_s: float


def prepare_shard(checker: Checker, articles: Sequence[Article]) -> PreparedShard:
    """The model stages of a shard; input problems become errors, as in a local batch."""
    started = time.perf_counter()
    batch = checker.prepare_all(list(articles))
    return PreparedShard(batch, _worker_id(), time.perf_counter() - started)


def judge_shard(checker: Checker, prepared: PreparedShard) -> ShardResult:
    """The rules over a prepared shard; needs no model, so it may run on any worker."""
    started = time.perf_counter()
    batch = prepared.batch
    return ShardResult(
        judged=[checker.judge(item) for item in batch.items],
        errors=batch.failed,
        used=batch.used,
        version=__version__,
        worker=prepared.worker if prepared.worker == _worker_id() else f"{prepared.worker}+{_worker_id()}",
        timings={"prepare_s": prepared.prepare_s, "judge_s": time.perf_counter() - started},
    )


def check_shard(checker: Checker, articles: Sequence[Article]) -> ShardResult:
    """All stages of a shard on this worker."""
    return judge_shard(checker, prepare_shard(checker, articles))


def judge_task(config: Config, prepared: PreparedShard) -> ShardResult:
    """A plain task's work after a model worker's: the rules on a CPU worker."""
    return judge_shard(Checker(config), prepared)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def check_rules_only(config: Config, articles: Sequence[Article]) -> ShardResult:
    """A plain task's work: no model stage, so a fresh Checker costs nothing."""
    global _calls
    _calls += 1
    _maybe_crash(articles, _calls)
    return check_shard(Checker(config), articles)


def _maybe_crash(articles: Sequence[Article], calls: int) -> None:
    poison = os.environ.get(CRASH_ON_ENV)
    if poison and any(a.id == poison for a in articles):
        os._exit(1)
    hook = os.environ.get(CRASH_ENV)
    if not hook:
        return
    path, _, nth = hook.rpartition(":")
    if calls != int(nth):
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os._exit(1)


class ModelWorker:
    """A Ray actor holding one Checker: the model stages' weights stay loaded between shards."""

    def __init__(self, config: Config) -> None:
        if config.threads is None:
            # One torch thread per CPU Ray granted this actor, not per CPU of the node.
            config = config.merged(threads=max(1, int(config.ray_cpus)))
        self.checker = Checker(config)
        self.calls = 0  # per actor: Ray may hand an actor a process that ran tasks before
        self.warm = False

    def _warm_up(self) -> None:
        """Make sure packaged weights are converted into this node's model store, by one worker.

        Several actors on one node would otherwise convert the same GGUF at once; with the lock the
        first converts and the others load its copy.
        """
        config = self.checker.config
        from mtcheck.features import fluency_enabled

        if fluency_enabled(config):
            from filelock import FileLock

            from mtcheck.backends import store

            folder = store.store_dir()
            folder.mkdir(parents=True, exist_ok=True)
            with FileLock(str(folder / ".ray-convert.lock")):
                store.resolve(config.fluency_model)
        self.warm = True

    def check(self, articles: Sequence[Article]) -> ShardResult:
        """Every stage of a shard, rules included, here."""
        return judge_shard(self.checker, self.prepare(articles))

    def prepare(self, articles: Sequence[Article]) -> PreparedShard:
        """The model stages only; a rules task takes it from there (``ray_split``)."""
        self.calls += 1
        _maybe_crash(articles, self.calls)
        if not self.warm:
            self._warm_up()
        return prepare_shard(self.checker, articles)
