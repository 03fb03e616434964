"""Device and CPU-thread choice shared by every model backend.

torch is imported lazily inside the functions so that importing this module stays free.
"""

from __future__ import annotations

import os

from mtcheck.errors import ModelError

DEVICES = ("auto", "cpu", "cuda", "mps")


def pick_device(requested: str = "auto") -> str:
    """Resolve ``auto`` to the best available device; refuse a device that is not there."""
    import torch

    requested = (requested or "auto").lower()
    base = requested.split(":", 1)[0]
    if base not in DEVICES:
        raise ModelError(f"unknown device {requested!r} (use {', '.join(DEVICES)})")
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
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // 2)


def set_threads(threads: int | None) -> int:
    """Set torch's intra-op thread count (``None``: :func:`default_threads`); returns the count used."""
    import torch

    count = default_threads() if threads is None else threads
    if count < 1:
        raise ModelError(f"--threads must be at least 1, not {count}")
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count
