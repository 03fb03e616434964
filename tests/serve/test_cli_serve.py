"""`mtcheck serve` on the command line: registered, lazy, and strict about where it listens."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.serve.live import ROOT


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"]])
def test_help_lists_serve_without_importing_the_service_stack(args: list[str]) -> None:
    code = (
        f"import sys, runpy; sys.argv = ['mtcheck', *{args!r}]\n"
        "try:\n    runpy.run_module('mtcheck', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('fastapi', 'starlette', 'uvicorn', 'torch') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "serve" in proc.stdout and ("--api-key" in proc.stdout) == (args[0] == "serve")


def _serve(*args: str, env: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "MTCHECK_API_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "mtcheck", "serve", *args],
        capture_output=True, text=True, cwd=cwd, env={**base, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )  # fmt: skip


def test_a_public_host_without_a_key_is_refused_in_one_line(tmp_path) -> None:
    done = _serve("--host", "0.0.0.0", "--no-fluency", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "mtcheck: error: --host 0.0.0.0 is reachable from other machines: set an API key with --api-key "
        "or the MTCHECK_API_KEY environment variable"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1, not 0"),
        (["--port", "70000"], "--port must lie between 1 and 65535, not 70000"),
        (["--select", "QQ1"], "unknown rule code or prefix 'QQ1'"),
        (["--fluency-model", "/nonexistent/folder"], "--fluency-model /nonexistent/folder: no such folder"),
    ],
)
def test_bad_settings_end_in_one_line(tmp_path, args: list[str], message: str) -> None:
    done = _serve(*args, cwd=tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("mtcheck: loading")]
    assert len(lines) == 1 and lines[0].startswith("mtcheck: error: ") and message in lines[0], done.stderr
