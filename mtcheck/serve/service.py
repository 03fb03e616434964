"""Checks micro-batches of requests: the model stages once for the whole batch, then each request's
rules, gate and output format.

Requests in one batch may differ in their rules, gate and format (applied per request after the
model stages) and in whether fluency is scored (the batch is split in two groups for that). An
article that cannot be checked fails alone: when a group's model pass raises, its articles are
checked one by one so that one bad article never fails the others.

States: ``loading`` (models not ready: 503), ``ready``, ``draining`` (SIGTERM: queued and running
requests finish, new ones get 503), ``failed`` (a model could not be loaded: 503 with the reason).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from mtcheck.config import Config
from mtcheck.errors import MtcheckError
from mtcheck.pipeline import Prepared, PreparedBatch, prepare
from mtcheck.readers import Article
from mtcheck.serve.batcher import Batcher, Closed, Job, QueueFull
from mtcheck.serve.errors import ApiError
from mtcheck.serve.models import ModelHost
from mtcheck.serve.settings import ServeSettings

log = logging.getLogger("mtcheck.serve")

MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "sarif": "application/sarif+json",
    "junit": "application/xml",
    "github": "text/plain; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}


@dataclass
class Work:
    """What one request asks for: an article, its settings, and the output format (None: the Report)."""

    article: Article
    config: Config
    fmt: str | None = "json"
    fix: bool = False  # `mtcheck fix` instead of a check: answer the corrected text and the diff
    unsafe_fixes: bool = False


@dataclass
class Answer:
    body: str | None
    verdict: str
    report: object  # the Report, for the page


class Service:
    """The models, the queue and the workers of one service process."""

    def __init__(self, config: Config, settings: ServeSettings, models: ModelHost | None = None) -> None:
        self.config = config
        self.settings = settings
        self.models = models or ModelHost(config)
        self.state = "ready" if self.models.loaded else "loading"
        self.failure: str | None = None
        self.batcher = Batcher(
            self._run_batch, settings.workers, settings.queue_size, settings.max_batch, settings.batch_window
        )

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers; load the models in the background unless they came loaded.

        Until they are, /readyz and /v1/check answer 503 (the CLI loads them before it listens).
        """
        self.batcher.start()
        if self.state == "loading":
            threading.Thread(target=self._load, name="mtcheck-load", daemon=True).start()

    def _load(self) -> None:
        try:
            self.models.load()
        except MtcheckError as exc:
            self.failure = " ".join(str(exc).split())
            self.state = "failed"
            log.error("mtcheck: error: %s", self.failure)
            return
        if self.state == "loading":
            self.state = "ready"
            log.info("mtcheck: models loaded, ready")

    def drain(self) -> None:
        """From now on new requests get 503; queued and running ones are still answered.

        Called from the SIGTERM handler: it takes no lock (the interrupted thread may hold it).
        """
        if self.state != "draining":
            self.state = "draining"
            log.info("mtcheck: shutting down: answering the %d queued or running request(s)", self.pending)

    def close(self) -> None:
        self.drain()
        self.batcher.close(self.settings.drain_timeout)
        self.models.close()

    @property
    def pending(self) -> int:
        return self.batcher.waiting + self.batcher.busy

    @property
    def fluency_available(self) -> bool:
        # While loading, trust the configuration: a request is refused with 503 before it runs anyway.
        return self.models.has_fluency if self.state == "ready" else self.config.fluency != "off"

    # --- requests -----------------------------------------------------------------------------
    def submit(self, work: Work) -> Future:
        """Queue a request; ApiError 503 when not ready or shutting down, 429 when the queue is full."""
        self.refuse_unless_ready()
        job = Job(work)
        try:
            self.batcher.submit(job)
        except QueueFull:
            raise ApiError(
                429,
                f"the queue is full ({self.settings.queue_size} articles waiting); try again later",
                self.batcher.retry_after(),
            ) from None
        except Closed:
            raise ApiError(503, "the service is shutting down", self.batcher.retry_after()) from None
        return job.future

    def refuse_unless_ready(self) -> None:
        if self.state == "loading":
            raise ApiError(503, "the models are still loading; try again shortly", 5)
        if self.state == "failed":
            raise ApiError(503, f"the models could not be loaded: {self.failure}", 60)
        if self.state == "draining":
            raise ApiError(503, "the service is shutting down", self.batcher.retry_after())

    # --- workers ------------------------------------------------------------------------------
    def _run_batch(self, jobs: list[Job]) -> None:
        # A future cancelled while it waited (client gone, time up) is dropped here.
        live = [job for job in jobs if job.future.set_running_or_notify_cancel()]
        for job in [j for j in live if j.payload.fix]:
            self._run_fix(job)
        for fluency in (True, False):
            group = [
                job
                for job in live
                if (job.payload.config.fluency != "off") is fluency and not job.payload.fix
            ]
            if group:
                self._run_group(group)

    def _run_group(self, jobs: Sequence[Job]) -> None:
        ready: list[tuple[Job, Prepared]] = []
        for job in jobs:
            try:
                ready.append((job, prepare(job.payload.article, job.payload.config.input_settings)))
            except MtcheckError as exc:
                _fail(job.future, ApiError(422, str(exc)))
        if not ready:
            return
        try:
            self.models.stages(ready[0][0].payload.config, [item for _, item in ready])
        except Exception as exc:
            if len(ready) > 1:  # find the article that fails; check the others alone
                for job, _ in ready:
                    self._run_group([job])
                return
            _fail(ready[0][0].future, _as_api_error(exc))
            return
        for job, item in ready:
            try:
                job.future.set_result(self._answer(job.payload, item))
            except Exception as exc:
                _fail(job.future, _as_api_error(exc))

    def _run_fix(self, job: Job) -> None:
        """`mtcheck fix` on one article, all on the model thread (each of its passes re-checks the text)."""
        import json

        from mtcheck.fix.output import FixRun

        work: Work = job.payload
        run = FixRun(self.models.checker(work.config), unsafe=work.unsafe_fixes, strict=True)
        try:
            result = self.models.run(lambda: run.fix([work.article], [], {}))[0]
        except Exception as exc:
            _fail(job.future, _as_api_error(exc))
            return
        outcome = result.outcome
        body = {
            "id": result.id,
            "text": result.fixed_text,
            "changed": result.changed,
            "diff": run.diff([result]),
            "applied": [f.to_json() for f in outcome.applied],
            "remaining": [f.to_json() for f in outcome.after.findings],
            "rejected": [f.to_json() for f in outcome.rejected],
        }
        job.future.set_result(Answer(json.dumps(body, ensure_ascii=False), outcome.after.verdict, None))

    def _answer(self, work: Work, item: Prepared) -> Answer:
        """This request's rules and gate over the prepared article, rendered in its format."""
        checker = self.models.checker(work.config)
        report = checker.judge_all(PreparedBatch([item], [], self.models.used_by(item)))
        body = None
        if work.fmt is not None:
            from mtcheck.render import render

            body = render(report, work.fmt, fail_on=work.config.fail_on, paths={})
        return Answer(body, report.verdict, report)


def _fail(future: Future, error: ApiError) -> None:
    if not future.done():
        future.set_exception(error)


def _as_api_error(exc: BaseException) -> ApiError:
    """422 for what the CLI reports as bad input or settings; 500, one line, for anything else."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, MtcheckError):
        return ApiError(422, str(exc))
    # The traceback goes to the server's log (code locations only: messages may quote article text).
    log.error(
        "mtcheck: internal error %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
    )
    return ApiError(500, f"internal error: {type(exc).__name__} (see the service's log)")
