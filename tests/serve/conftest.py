"""Services for the tests: the real app over a tiny causal LM built here and loaded through
``from_pretrained`` (tests/backends/tiny_causal.py), driven through Starlette's ASGI test client.

``GatedHost`` is the real model host with a gate in front of its model stage, so that a test can
hold the workers busy (to fill the queue, run out the clock or gather a batch) and then let go.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mtcheck.config import Config
from mtcheck.serve.app import create_app
from mtcheck.serve.models import ModelHost
from mtcheck.serve.settings import ServeSettings
from tests.backends.tiny_causal import build_tiny_causal_lm

ROOT = Path(__file__).resolve().parents[2]
NATO = (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("tiny-lm"))


def service_config(lm: Path | None, **changes: object) -> Config:
    """Fluency from the tiny LM (or off); no sentence embeddings, no translation cache on disk."""
    base = {"fluency": lm is not None, "fluency_model": str(lm) if lm else None, "embeddings": "off"}
    return Config(**{**base, "cache": False, **changes})  # type: ignore[arg-type]


class GatedHost(ModelHost):
    """A ModelHost whose model stage waits until ``gate`` is set; ``entered`` tells a stage started."""

    def __init__(self, config: Config, fail_with: BaseException | None = None) -> None:
        super().__init__(config)
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.fail_with = fail_with

    def _load(self) -> None:
        self.gate.wait(30)
        super()._load()

    def stages(self, config, items):  # type: ignore[no-untyped-def]
        self.entered.set()
        self.gate.wait(30)
        if self.fail_with is not None:
            raise self.fail_with
        return super().stages(config, items)


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """Build a service and enter its test client (lifespan included); all closed at teardown."""
    opened: list[TestClient] = []

    def make(
        config: Config,
        settings: ServeSettings | None = None,
        host: ModelHost | None = None,
        load: bool = True,
    ) -> TestClient:
        if host is not None and load:
            host.load()
        app = create_app(config, settings or ServeSettings(), host)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
