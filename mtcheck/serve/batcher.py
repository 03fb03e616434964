"""A bounded queue and a fixed number of workers that take jobs off it in micro-batches.

A worker takes the first waiting job, then every job already waiting (up to ``max_batch``), then
waits up to ``window`` seconds for more; the whole batch goes to ``run`` at once, so requests that
arrive together share one model pass. The queue holds at most ``queue_size`` jobs: ``submit`` then
raises :class:`QueueFull` at once rather than letting latency grow without bound.

Jobs carry a :class:`concurrent.futures.Future`; a job whose future was cancelled while it waited
(the client went away or its time ran out) is dropped when a worker takes it.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


class QueueFull(Exception):
    """The queue holds ``queue_size`` jobs already."""


class Closed(Exception):
    """The batcher no longer takes jobs (the service is shutting down)."""


@dataclass
class Job:
    """One request's work: ``payload`` for the runner, ``future`` for its answer."""

    payload: Any
    future: Future = field(default_factory=Future)
    queued_at: float = field(default_factory=time.monotonic)


@dataclass
class Stats:
    batches: int = 0
    jobs: int = 0
    largest_batch: int = 0
    # Exponentially weighted seconds per job, from which Retry-After is estimated.
    seconds_per_job: float = 0.5

    @property
    def mean_batch(self) -> float:
        return self.jobs / self.batches if self.batches else 0.0


class Batcher:
    """``workers`` threads feeding ``run(jobs)`` with micro-batches from a bounded queue."""

    def __init__(
        self,
        run: Callable[[list[Job]], None],
        workers: int = 1,
        queue_size: int = 64,
        max_batch: int = 16,
        window: float = 0.01,
    ) -> None:
        self._run = run
        self._queue: queue.Queue[Job] = queue.Queue(maxsize=queue_size)
        self._workers = workers
        self._max_batch = max_batch
        self._window = window
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._busy = 0
        self.stats = Stats()

    def start(self) -> None:
        for n in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"mtcheck-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, job: Job) -> None:
        """Queue a job; QueueFull when the queue is full, Closed once ``close`` was called."""
        if self._closing.is_set():
            raise Closed
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            raise QueueFull from None

    @property
    def waiting(self) -> int:
        # Not qsize(): that takes the queue's lock, and this is read from a signal handler (SIGTERM),
        # which may have interrupted the very thread holding it. len() of the deque needs no lock.
        return len(self._queue.queue)

    @property
    def busy(self) -> int:
        """Jobs being checked right now."""
        return self._busy

    def retry_after(self) -> int:
        """Whole seconds until the queue has likely drained: the estimate a 429 or 503 suggests."""
        pending = self.waiting + self.busy
        return max(1, math.ceil(pending * self.stats.seconds_per_job / self._workers))

    def close(self, timeout: float | None = None) -> None:
        """Take no more jobs; let the workers finish every queued one, then stop them."""
        self._closing.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    # --- workers ------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._closing.is_set():
                    return
                continue
            batch = self._gather(first)
            with self._lock:
                self._busy += len(batch)
            started = time.monotonic()
            try:
                self._run(batch)
            finally:
                self._record(len(batch), time.monotonic() - started)

    def _gather(self, first: Job) -> list[Job]:
        batch = [first]
        deadline = time.monotonic() + self._window
        while len(batch) < self._max_batch:
            try:
                # Jobs already waiting join at once; then wait out the rest of the window.
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _record(self, size: int, seconds: float) -> None:
        with self._lock:
            self._busy -= size
            s = self.stats
            s.batches += 1
            s.jobs += size
            s.largest_batch = max(s.largest_batch, size)
            s.seconds_per_job = 0.8 * s.seconds_per_job + 0.2 * (seconds / size)
