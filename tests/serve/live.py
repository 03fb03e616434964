"""A real `mtcheck serve` process on a loopback port, for the fault and browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``python -m mtcheck serve ARGS`` with its stderr in a file; ``url`` once it listens."""

    def __init__(self, folder: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # No sentence embeddings, no translation cache: the service's own settings file, nothing else.
        config = folder / "mtcheck.toml"
        config.write_text('embeddings = "off"\ncache = false\n', encoding="utf-8")
        self.log_path = folder / "serve.log"
        command = [
            sys.executable,
            "-m",
            "mtcheck",
            "serve",
            "--port",
            str(self.port),
            "--config",
            str(config),
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*command, *args],
            cwd=folder,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        )

    def wait_ready(self, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"mtcheck serve exited {self.process.returncode}: {self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"mtcheck serve not ready after {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
