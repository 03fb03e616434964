"""The README keeps up with the code: every rule and output format is listed, set-up matches CI."""

from __future__ import annotations

from pathlib import Path

from mtcheck.render import FORMATS
from mtcheck.rules import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_in_the_rule_table() -> None:
    for code, rule in REGISTRY.items():
        row = f"| {code} | `{rule.name}` | {rule.category} | {rule.severity.value} |"
        assert row in README, f"README rule table lacks or misstates {code}"


def test_every_output_format_is_documented() -> None:
    for fmt in FORMATS:
        assert f"`{fmt}`" in README or f"-f {fmt}" in README or f"--format {fmt}" in README, fmt


def test_test_command_is_the_ci_script() -> None:
    assert "bash .ci/run" in README
    assert (ROOT / ".ci" / "run").is_file()
