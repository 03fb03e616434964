"""The quality model's and fluency's command-line flags: wired to the settings and the signature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

GARBLED = (
    "The minister of the transport yesterday has the railway of north it announces will be closing for "
    "the repairs of many weeks, what the passengers angry make."
)
CLEAN_REF = (
    "The transport minister announced yesterday that the northern railway line will close for several "
    "weeks of repairs, which has angered passengers."
)


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "mt.txt").write_text(GARBLED, encoding="utf-8")
    (tmp_path / "ref.txt").write_text(CLEAN_REF, encoding="utf-8")
    return str(tmp_path / "mt.txt"), str(tmp_path / "ref.txt")


def _run(files: tuple[str, str], *flags: str) -> dict:
    result = CliRunner().invoke(app, ["check", files[0], "-r", files[1], "-f", "json", *flags])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", ["check", "batch"])
def test_help_shows_the_flags(command: str) -> None:
    out = CliRunner().invoke(app, [command, "--help"], terminal_width=200).stdout
    for flag in ("--fluency ", "--quality-model", "--quality-findings"):
        assert flag in out


def test_quality_model_flag_turns_the_model_on_and_off(files: tuple[str, str]) -> None:
    on = _run(files, "--no-fluency", "--quality-model", "on", "--quality-findings", "balanced")
    assert "|qe:qe-word-v2@" in on["signature"]
    assert any(f["code"] == "MT610" for f in on["documents"][0]["findings"])
    off = _run(files, "--no-fluency", "--quality-model", "off")
    assert "|qe:" not in off["signature"]
    assert not any(f["code"].startswith("MT61") for f in off["documents"][0]["findings"])


def test_balanced_findings_flag_more_than_precise(files: tuple[str, str]) -> None:
    def words(setting: str) -> int:
        report = _run(files, "--no-fluency", "--quality-model", "on", "--quality-findings", setting)
        return sum(len(f["text"].split()) for f in report["documents"][0]["findings"] if f["code"] == "MT610")

    assert words("balanced") > words("precise")


def test_fluency_flag_off(files: tuple[str, str]) -> None:
    report = _run(files, "--fluency", "off", "--quality-model", "off")
    assert "|lm:none|" in report["signature"]
    assert report["documents"][0]["scores"]["fluency"] is None


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--quality-model", "maybe", "quality-model must be auto, on or off"),
        ("--quality-findings", "loose", "quality-findings must be precise or balanced"),
        ("--fluency", "sometimes", "fluency must be auto, on or off"),
    ],
)
def test_a_bad_value_is_one_line_error(files: tuple[str, str], flag: str, value: str, message: str) -> None:
    result = CliRunner().invoke(app, ["check", files[0], "-r", files[1], flag, value])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
