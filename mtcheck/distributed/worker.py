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

from mtcheck import __version__
from mtcheck.config import Config
from mtcheck.distributed.shards import ShardResult
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

# Test-only fault hook: "PATH:N" makes the worker that first claims PATH (created exclusively, so
# exactly one worker in the cluster does) exit abruptly at the start of its N-th shard, as a crash
# or an out-of-memory kill would. The fault test sets it; nothing else should.
CRASH_ENV = "MTCHECK_RAY_CRASH"


def check_shard(checker: Checker, articles: Sequence[Article]) -> ShardResult:
    """Run the stages on a shard; input problems become errors, as in a local batch."""
    started = time.perf_counter()
    report = checker.run(list(articles))
    return ShardResult(
        documents=report.documents,
        errors=report.errors,
        translator_name=checker.translator_name,
        lm_name=checker.lm_name,
        version=__version__,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        timings={"check_s": time.perf_counter() - started},
    )


def check_rules_only(config: Config, articles: Sequence[Article]) -> ShardResult:
    """A plain task's work: no model stage, so a fresh Checker costs nothing."""
    return check_shard(Checker(config), articles)


def _maybe_crash(calls: int) -> None:
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
        self.calls = 0
        self.warm = False

    def _warm_up(self) -> None:
        """Make sure packaged weights are converted into this node's model store, by one worker.

        Several actors on one node would otherwise convert the same GGUF at once; with the lock the
        first converts and the others load its copy.
        """
        config = self.checker.config
        if config.fluency:
            from filelock import FileLock

            from mtcheck.backends import store

            folder = store.store_dir()
            folder.mkdir(parents=True, exist_ok=True)
            with FileLock(str(folder / ".ray-convert.lock")):
                store.resolve(config.fluency_model)
        self.warm = True

    def check(self, articles: Sequence[Article]) -> ShardResult:
        self.calls += 1
        _maybe_crash(self.calls)
        if not self.warm:
            self._warm_up()
        return check_shard(self.checker, articles)
