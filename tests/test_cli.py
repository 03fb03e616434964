"""The CLI end to end with typer's CliRunner: stdout, stderr, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
NATO = str(ROOT / "examples" / "nato.en.txt")
CLEAN = "The ministers met in Brussels on Tuesday.\n\nThey agreed to meet again in March.\n"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_check_fails_gate_on_nato(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", NATO, "--no-fluency"])
    assert result.exit_code == 1, result.output
    assert "nato.en.txt:3:1: MT" in result.stdout
    assert "FAIL" in result.stdout


def test_clean_article_passes(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    path.write_text(CLEAN, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--no-fluency"])
    assert result.exit_code == 0, result.output
    assert "PASS" in result.stdout


def test_fail_on_never_and_min_score(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", NATO, "--no-fluency", "--fail-on", "never"]).exit_code == 0
    path = tmp_path / "clean.txt"
    path.write_text(CLEAN, encoding="utf-8")
    assert runner.invoke(app, ["check", str(path), "--no-fluency", "--min-score", "100.1"]).exit_code == 2
    result = runner.invoke(app, ["check", NATO, "--no-fluency", "--fail-on", "never", "--min-score", "99"])
    assert result.exit_code == 1


def test_json_to_output_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", NATO, "--no-fluency", "-f", "json", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["schema"] == "mtcheck.report/1"
    assert report["summary"]["verdict"] == "fail"


def test_stdin_input(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "-", "--no-fluency", "-f", "json"], input=CLEAN)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["documents"][0]["id"] == "stdin"


def test_select_limits_rules(runner: CliRunner) -> None:
    from mtcheck.rules import REGISTRY

    code = sorted(REGISTRY)[0]
    result = runner.invoke(app, ["check", NATO, "--no-fluency", "-f", "json", "--select", code])
    codes = {f["code"] for f in json.loads(result.stdout)["documents"][0]["findings"]}
    assert codes <= {code}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "/nonexistent.txt", "--no-fluency"], "no such file"),
        (["check", NATO, "--no-fluency", "--select", "MT999"], "unknown rule code"),
        (["check", NATO, "--no-fluency", "--fail-on", "maybe"], "fail-on must be"),
        (["check", NATO, "--no-fluency", "-f", "yaml"], "unknown output format"),
        (["check", NATO, "--no-fluency", "-o", "/nonexistent/dir/r.json"], "does not exist"),
        (["check", NATO, "--no-fluency", "--source", NATO], "--src-lang"),
        (["explain", "MT000"], "unknown rule"),
    ],
)
def test_errors_are_one_line_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_rules_lists_every_rule(runner: CliRunner) -> None:
    from mtcheck.rules import REGISTRY

    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    assert [r["code"] for r in json.loads(result.stdout)] == sorted(REGISTRY)


def test_explain_shows_doc(runner: CliRunner) -> None:
    from mtcheck.rules import REGISTRY

    code = sorted(REGISTRY)[0]
    result = runner.invoke(app, ["explain", code])
    assert result.exit_code == 0
    for part in ("What:", "Why:", "Example:", "Fix:", code):
        assert part in result.stdout
    assert runner.invoke(app, ["explain", REGISTRY[code].name]).exit_code == 0


@pytest.mark.parametrize("args", [["--help"], ["rules"]])
def test_fast_commands_are_instant_and_do_not_import_torch(args: list[str]) -> None:
    code = (
        f"import sys, runpy; sys.argv = ['mtcheck', *{args!r}]\n"
        "try:\n    runpy.run_module('mtcheck', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = [m for m in ('torch', 'transformers', 'sacrebleu', 'ctranslate2') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 1.0, f"mtcheck {' '.join(args)} took {elapsed:.2f}s"


def test_python_dash_m_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mtcheck", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout.startswith("mtcheck ")
