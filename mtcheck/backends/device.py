"""Device and CPU-thread choice shared by every model backend.

torch is imported lazily inside the functions so that importing this module stays free.
"""

from __future__ import annotations

import os

from mtcheck.errors import ModelError

DEVICES = ("auto", "cpu", "cuda", "mps")


def pick_device(requested: str = "auto", runtime: str = "torch") -> str:
    """Resolve ``auto`` to the best available device; refuse a device that is not there.

    ``runtime``: ``torch`` asks torch; ``ctranslate2`` asks CTranslate2 (its CUDA device count) and
    never imports torch, and refuses ``mps`` (CTranslate2 has no Apple GPU backend).
    """
    requested = (requested or "auto").lower()
    base = requested.split(":", 1)[0]
    if base not in DEVICES:
        raise ModelError(f"unknown device {requested!r} (use {', '.join(DEVICES)})")
    if runtime == "ctranslate2":
        from mtcheck.backends.ct2 import cuda_devices

        if base == "auto":
            return "cuda" if cuda_devices() > 0 else "cpu"
        if base == "mps":
            raise ModelError("--device mps: model-runtime ctranslate2 has no Apple GPU backend; use torch")
        if base == "cuda" and cuda_devices() == 0:
            raise ModelError("--device cuda: no CUDA device is available to CTranslate2")
        return requested
    import torch

    if base == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"
    if base == "cuda" and not torch.cuda.is_available():
        raise ModelError("--device cuda: no CUDA device is available to torch")
    if base == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("--device mps: no Apple GPU is available to torch")
    return requested


def default_threads() -> int:
    """Half the logical CPUs (physical cores on SMT machines), at least one.

    On a shared 2-core machine two OpenMP threads collapse small matrix products by ~10x when the
    other core is busy, so one thread is the safe default there; --threads overrides it.
    """
    return max(1, cpu_count() // 2)


# Most CTranslate2 workers the default starts: each busy worker holds one batch's activations (the LM's
# full-vocabulary logits: ~50 MB per 256 tokens), and a batch of articles rarely keeps more busy.
MAX_DEFAULT_WORKERS = 4


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity where the OS tells it), at least one."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus)


def ct2_workers(threads: int | None) -> int:
    """CTranslate2's CPU thread layout: how many single-threaded workers (``inter_threads``) to run.

    ``threads`` (``--threads``) counts workers, each with one intra-op thread. Independent batches
    (the length-sorted sub-batches of a scoring or encoding call) then run side by side, and no
    worker ever waits on another inside a matrix product: the ~10x collapse of two OpenMP threads
    on a busy core (:func:`default_threads`) cannot happen, and on a busy machine a worker that
    loses its core only delays its own batch. ``None``: every CPU of :func:`cpu_count`, at most
    ``MAX_DEFAULT_WORKERS``. ModelError below 1.
    """
    return thread_count(threads if threads is not None else min(cpu_count(), MAX_DEFAULT_WORKERS))


def thread_count(threads: int | None) -> int:
    """The CPU thread count a model uses (``None``: :func:`default_threads`); ModelError below 1.

    For runtimes that take it as an argument (CTranslate2's ``intra_threads``); imports nothing.
    """
    count = default_threads() if threads is None else threads
    if count < 1:
        raise ModelError(f"--threads must be at least 1, not {count}")
    return count


def set_threads(threads: int | None) -> int:
    """Set torch's intra-op thread count (``None``: :func:`default_threads`); returns the count used."""
    import torch

    count = thread_count(threads)
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count
