"""Long work shows progress on a terminal and stays quiet in CI and pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app
from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

ROOT = Path(__file__).resolve().parent.parent


def test_fluency_stage_reports_progress_up_to_its_total(tmp_path: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    model = build_tiny_causal_lm(tmp_path / "tiny")
    calls: list[tuple[str, int, int]] = []
    config = Config(fluency_model=str(model), threads=1, batch_size=2)
    articles = [
        Article(f"a{i}", "the allies said that nato will send more air defence. " * (i + 1)) for i in range(3)
    ]
    Checker(config, lambda stage, done, total: calls.append((stage, done, total))).run(articles)
    assert calls and {c[0] for c in calls} == {"fluency"}
    dones = [c[1] for c in calls]
    assert dones == sorted(dones) and dones[-1] == calls[-1][2] >= 6


def test_no_progress_output_off_a_terminal(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The ministers met on Tuesday.", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(article), "--no-fluency"])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(("ci", "shown"), [("", True), ("true", False)])
def test_progress_on_a_terminal_only_outside_ci(  # util-linux `script` gives the command a terminal
    tmp_path: Path, ci: str, shown: bool
) -> None:
    articles = tmp_path / "feed"
    articles.mkdir()
    for i in range(3):
        (articles / f"s{i}.txt").write_text("The ministers met on Tuesday.", encoding="utf-8")
    mtcheck = Path(sys.executable).with_name("mtcheck")
    command = f"{mtcheck} batch {articles} --no-fluency -f json -o {tmp_path / 'r.json'}"
    env = {**os.environ, "CI": ci, "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.run(
        ["script", "-qec", command, "/dev/null"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("articles" in proc.stdout) == shown
