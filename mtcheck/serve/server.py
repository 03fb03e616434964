"""Run the app under uvicorn, with a graceful SIGTERM (or Ctrl+C).

On the signal the service starts draining at once (a request that still reaches it gets 503), uvicorn
stops listening, waits up to ``drain_timeout`` (``--timeout`` + 10 s) for every in-flight request to be
answered, then the workers and the model thread stop. The process then exits 0: uvicorn re-raises
the signal it caught once it is done, and the handler installed here lets that end the process normally.
"""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from mtcheck.config import Config
from mtcheck.serve.models import ModelHost
from mtcheck.serve.settings import ServeSettings

log = logging.getLogger("mtcheck.serve")


def configure_logging() -> None:
    """Service and access lines on stderr, one per event."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger("mtcheck.serve")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False


def serve(config: Config, settings: ServeSettings, models: ModelHost) -> None:
    """Serve until SIGTERM or SIGINT; ``models`` are already loaded."""
    import uvicorn

    from mtcheck.serve.app import create_app

    app = create_app(config, settings, models)
    service = app.state.service

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            service.drain()
            super().handle_exit(sig, frame)

    uv_config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,  # ours (mtcheck.serve.access) never logs a query string
        log_level="warning",
        timeout_graceful_shutdown=settings.drain_timeout,
        server_header=False,
    )
    stopped: list[int] = []
    # Uvicorn restores these after its shutdown and raises the caught signal again: record it
    # instead of dying by it, so that a graceful stop exits 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: stopped.append(number))
    log.info(
        "mtcheck: serving on http://%s:%d (%d worker(s))",
        _url_host(settings.host),
        settings.port,
        settings.workers,
    )
    Server(uv_config).run()
    if stopped:
        log.info("mtcheck: stopped (%s)", signal.Signals(stopped[0]).name)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
