"""The import contracts in pyproject.toml hold, and they catch a rule module that loads a model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the mtcheck package under ``root`` with ``root``'s pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "mtcheck", root / "mtcheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_contracts_hold_and_a_rule_importing_a_backend_breaks_them(tmp_path: Path) -> None:
    assert LINT.is_file(), f"{LINT} is missing: install the dev extra (import-linter)"
    root = _copy(tmp_path)
    clean = _lint(root)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 broken" in clean.stdout

    rule = root / "mtcheck" / "rules" / "numbers.py"
    rule.write_text(rule.read_text(encoding="utf-8") + "\nfrom mtcheck.backends import device  # noqa\n")
    broken = _lint(root)
    assert broken.returncode != 0
    out = broken.stdout
    assert "Rules, renderers, readers and value types load no model BROKEN" in out
    assert "mtcheck.rules.numbers -> mtcheck.backends.device" in out
    # A rule importing a backend also breaks the layers (backends sit above the rules).
    assert "Layers, from the command line down to the value types BROKEN" in out


def test_settings_importing_the_rule_registry_breaks_the_layers(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    settings = root / "mtcheck" / "settings.py"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\nfrom mtcheck.rules import REGISTRY  # noqa\n"
    )
    broken = _lint(root)
    assert broken.returncode != 0
    assert "Layers, from the command line down to the value types BROKEN" in broken.stdout
    assert "mtcheck.settings -> mtcheck.rules" in broken.stdout


def test_the_old_adequacy_align_cycle_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    adequacy = root / "mtcheck" / "adequacy.py"
    extra = "\n\ndef _align():\n    from mtcheck.align import align_documents  # noqa\n"
    adequacy.write_text(adequacy.read_text(encoding="utf-8") + extra)
    broken = _lint(root)
    assert broken.returncode != 0
    assert "No import cycles BROKEN" in broken.stdout


def test_the_contracts_carry_no_exceptions() -> None:
    """Every contract holds as written: no ``ignore_imports`` anywhere, so nothing is waved through."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config["contracts"], "no import contracts in pyproject.toml"
    assert [c["name"] for c in config["contracts"] if c.get("ignore_imports")] == []
    assert "ignore_imports" not in config


def test_a_rule_reaching_the_fix_loop_is_caught(tmp_path: Path) -> None:
    """Rules use the edit helpers (mtcheck.edits); the fix loop above the pipeline is out of reach."""
    root = _copy(tmp_path)
    base = root / "mtcheck" / "rules" / "base.py"
    extra = "\n\ndef _loop():\n    from mtcheck.fix.loop import Fixer  # noqa\n"
    base.write_text(base.read_text(encoding="utf-8") + extra)
    broken = _lint(root)
    assert broken.returncode != 0
    assert "No import cycles BROKEN" in broken.stdout
    assert "Layers, from the command line down to the value types BROKEN" in broken.stdout
    assert "mtcheck.rules.base -> mtcheck.fix.loop" in broken.stdout


def test_a_backend_asking_the_feature_settings_is_caught(tmp_path: Path) -> None:
    """Backends ask mtcheck.backends.stack whether torch is there, never mtcheck.features (settings)."""
    root = _copy(tmp_path)
    retranslate = root / "mtcheck" / "backends" / "retranslate.py"
    extra = "\n\ndef _ask():\n    from mtcheck.features import fluency_enabled  # noqa\n"
    retranslate.write_text(retranslate.read_text(encoding="utf-8") + extra)
    broken = _lint(root)
    assert broken.returncode != 0
    assert "Backends take plain arguments, never settings BROKEN" in broken.stdout
    assert "mtcheck.backends.retranslate -> mtcheck.features" in broken.stdout
