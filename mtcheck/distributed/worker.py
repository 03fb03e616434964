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
from mtcheck.distributed.shards import FILE, ShardResult
from mtcheck.document import DocumentReport, InputError
from mtcheck.errors import MtcheckError
from mtcheck.pipeline import Checker, prepare
from mtcheck.readers import Article

# Test-only fault hooks, for the fault tests; nothing else should set them. Each makes a worker
# process exit abruptly, as a crash or an out-of-memory kill would:
# - CRASH_ENV="PATH:N": the worker that first claims PATH (created exclusively, so exactly one
#   worker in the cluster) dies as it starts its N-th shard;
# - CRASH_ON_ENV="ID": every worker dies as it starts a shard holding the article ID.
CRASH_ENV = "MTCHECK_RAY_CRASH"
CRASH_ON_ENV = "MTCHECK_RAY_CRASH_ON"
_calls = 0  # shards this process has started as plain tasks


def check_shard(checker: Checker, articles: Sequence[Article]) -> ShardResult:
    """Run the stages on a shard; input problems become errors, as in a local batch."""
    started = time.perf_counter()
    report = checker.run(list(articles))
    origins = reference_origins(checker.config, articles, report.documents, report.errors)
    langs = {lang for origin in origins if origin and origin != FILE for lang in [origin]}
    return ShardResult(
        documents=report.documents,
        errors=report.errors,
        origins=origins,
        translator_names={lang: checker.translator(lang).name for lang in sorted(langs)},
        # A long-lived Checker keeps the name after its first shard: report it only when this shard
        # scored something, as a local run names the model only when it scored something.
        lm_name=checker.lm_name if report.documents else None,
        version=__version__,
        worker=f"{socket.gethostname()}:{os.getpid()}",
        timings={"check_s": time.perf_counter() - started},
    )


def reference_origins(
    config: Config,
    articles: Sequence[Article],
    documents: Sequence[DocumentReport],
    errors: Sequence[InputError],
) -> list[str | None]:
    """For each document: FILE for a supplied re-translation, the source language for one made
    here, None for none; what the driver needs to name the translator as a local run does.

    Documents and errors both keep article order, so one walk pairs each article with its outcome;
    only an article whose id repeats next to a failed one needs ``prepare`` to tell which it was.
    """
    out: list[str | None] = []
    d = e = 0
    for article in articles:
        is_doc = d < len(documents) and documents[d].document.id == article.id
        is_err = e < len(errors) and errors[e].id == article.id
        if is_doc and is_err:
            try:
                prepare(article, config)
            except MtcheckError:
                is_doc = False
        if not is_doc:
            e += is_err
            continue
        d += 1
        if article.reference is not None:
            out.append(FILE)
        elif article.source is not None and article.source.strip():
            out.append(article.src_lang or config.src_lang)
        else:
            out.append(None)
    return out


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
        _maybe_crash(articles, self.calls)
        if not self.warm:
            self._warm_up()
        return check_shard(self.checker, articles)
