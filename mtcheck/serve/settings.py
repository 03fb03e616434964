"""The service's own settings: where it listens and how much work it accepts at once.

Checking settings (rules, gate, models) stay in :class:`mtcheck.config.Config`, read from
``[tool.mtcheck]`` exactly as the CLI reads them; these are only about serving.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from mtcheck.errors import ConfigError

API_KEY_ENV = "MTCHECK_API_KEY"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class ServeSettings:
    """Limits and addresses of one service process.

    Units: seconds for times, bytes for sizes, articles for queue and batch sizes.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # threads taking micro-batches off the queue (rules and rendering run in parallel)
    queue_size: int = 64  # articles waiting beyond those being checked; more get 429
    max_batch: int = 16  # articles checked together in one model pass at most
    # How long a worker waits after the first article for others to join its batch. Under load the
    # queue fills while a batch runs and batches form without waiting; this only helps requests
    # that arrive a few milliseconds apart.
    batch_window: float = 0.01
    timeout: float = 60.0  # per-request limit, from arrival to answer (queue wait included)
    max_body: int = 4_000_000  # request body, bytes (an article of 2M characters may take 8 MB)
    api_key: str | None = None

    @property
    def drain_timeout(self) -> float:
        """How long SIGTERM waits for requests in flight: each ends within ``timeout`` of arriving."""
        return self.timeout + 10.0

    def validate(self) -> None:
        """Raise ConfigError (one line) for a setting no service could run with."""
        if not 0 < self.port < 65536:
            raise ConfigError(f"--port must lie between 1 and 65535, not {self.port}")
        for name in ("workers", "queue_size", "max_batch", "max_body"):
            if getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, not {getattr(self, name)}")
        if self.timeout <= 0 or self.batch_window < 0:
            raise ConfigError("--timeout must be positive and --batch-window not negative")
        if self.api_key is not None and not self.api_key.strip():
            raise ConfigError("the API key is empty")
        if self.api_key is None and not is_loopback(self.host):
            raise ConfigError(
                f"--host {self.host} is reachable from other machines: set an API key with --api-key "
                f"or the {API_KEY_ENV} environment variable"
            )


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches: 127.0.0.0/8, ::1, localhost."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def api_key_from(flag: str | None) -> str | None:
    """The --api-key flag, else the environment variable, else None."""
    return flag if flag is not None else os.environ.get(API_KEY_ENV) or None
