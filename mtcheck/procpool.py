"""Run a batch's chunks in forked worker processes and hand the results back in input order.

For rules-only batches (:meth:`mtcheck.pipeline.Checker.run`): segmentation and the rules are pure
Python, so threads would share one core under the GIL; processes use every core. The job is set here
before the workers fork, so they inherit it (the Checker with its loaded rules, gazetteers and compiled
patterns, and the articles) instead of receiving it pickled; only ``(start, end)`` goes to a worker
and only the chunk's result comes back.

Where ``fork`` is not available (Windows, macOS: :func:`fork_available`) the batch stays in one
process; where the pool cannot start (no semaphores, process limits) the chunks run here, one after
another: same results, one core.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from mtcheck.errors import MtcheckError

T = TypeVar("T")
Job = Callable[[int, int], Any]

# Most articles per chunk: small enough that the progress bar moves and the last chunks even out the
# workers' loads (a rules-only article takes ~5-15 ms here), large enough that a chunk's pickled
# result and the queue's round trip (~0.3 ms) stay a small part of it.
MAX_CHUNK = 8
# Default worker count: one per CPU this process may run on, at most this many (each worker is a
# copy-on-write fork of the parent: ~100 MB it may come to own as it touches pages).
MAX_DEFAULT_WORKERS = 8

# The job of the pool that is starting: read by the forked workers (see the module docstring).
_JOB: Job | None = None
# Test hook: the process id that computed each chunk of the last pooled run, in chunk order.
last_pids: list[int] = []


def fork_available() -> bool:
    """Whether worker processes can be forked here (the only start method that inherits the job).

    Not on macOS, where Python itself no longer forks by default (system frameworks may crash in a
    forked child), nor on Windows, which cannot fork.
    """
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def default_workers() -> int:
    """One worker per CPU of this process's affinity (cgroup/taskset aware), 1 to MAX_DEFAULT_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def chunks(total: int, workers: int, first: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` ranges covering ``first..total`` in order: about four per worker, at most
    MAX_CHUNK items each, so that no worker is left with a long last chunk while the others idle."""
    rest = total - first
    if rest <= 0:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(rest / (4 * max(1, workers)))))
    return [(k, min(k + size, total)) for k in range(first, total, size)]


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool, the workers must not each
    # print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(start: int, end: int) -> tuple[int, Any]:
    assert _JOB is not None, "the job is set before the workers fork"
    return os.getpid(), _JOB(start, end)


def run_ordered(job: Job, total: int, workers: int, warm: int = 1) -> Iterator[tuple[int, Any]]:
    """Yield ``(items, job(start, end))`` for consecutive chunks of ``range(total)``, in order.

    ``job(0, warm)`` runs here first: it loads whatever the job loads lazily (rule tables,
    gazetteers, pysbd's compiled patterns) once, before the fork, so no worker pays for it again.
    The other chunks run in ``workers`` forked processes. ``job``'s results must pickle.

    Errors: an exception raised by ``job`` in a worker is raised here; a worker that dies (killed,
    out of memory) raises MtcheckError. On any exception, Ctrl-C included, the pool is stopped and
    its workers terminated before it propagates.
    """
    global _JOB
    warm = min(warm, total)
    last_pids.clear()
    if warm:
        last_pids.append(os.getpid())
        yield warm, job(0, warm)
    ranges = chunks(total, workers, warm)
    if not ranges:
        return
    _JOB = job
    pool: ProcessPoolExecutor | None = None
    futures: list[Future] = []
    try:
        try:
            pool = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_sigint
            )
            with warnings.catch_warnings():
                # Python 3.12+ warns on fork() with other threads running (here: a progress bar's
                # refresh thread). The workers touch nothing those threads hold: they compute and return.
                warnings.filterwarnings("ignore", r".*fork\(\) may lead to deadlocks", DeprecationWarning)
                # The workers fork at the first submit. Frozen objects are left out of the workers' garbage
                # collections, which would otherwise write to (and so copy) every page of the parent's heap.
                gc.freeze()
                try:
                    futures = [pool.submit(_run_chunk, start, end) for start, end in ranges]
                finally:
                    gc.unfreeze()
        except (OSError, ValueError, NotImplementedError):
            # No pool on this system (e.g. no /dev/shm for its semaphores): same chunks, here.
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
            for start, end in ranges:
                last_pids.append(os.getpid())
                yield end - start, job(start, end)
            return
        for (start, end), future in zip(ranges, futures, strict=True):
            try:
                pid, result = future.result()
            except BrokenProcessPool:
                raise MtcheckError(
                    "a worker process of the batch died (out of memory?); rerun with --threads 1"
                ) from None
            last_pids.append(pid)
            yield end - start, result
    finally:
        _JOB = None
        if pool is not None:
            _stop(pool, futures)


def _stop(pool: ProcessPoolExecutor, futures: list[Future]) -> None:
    """Shut the pool down now: nothing queued starts, and a worker still busy (an interrupted or failed
    run) is terminated rather than waited for."""
    if any(not f.done() for f in futures):
        # The executor has no public way to end running tasks before Python 3.14 (terminate_workers).
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            if proc.is_alive():
                proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
