from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.config import Config, load_config
from mtcheck.engine import select_rules, validate_rule_settings
from mtcheck.errors import ConfigError
from mtcheck.pipeline import Checker
from mtcheck.rules import REGISTRY


def test_defaults_when_no_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert load_config(cwd=tmp_path) == Config()


def test_pyproject_table_is_read_and_flags_override(tmp_path: Path) -> None:
    code = sorted(REGISTRY)[0]
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mtcheck]\nfail-on = "warning"\nmin-score = 50\nignore = ["{code}"]\n', encoding="utf-8"
    )
    config = load_config(cwd=tmp_path)
    assert config.fail_on == "warning" and config.min_score == 50 and config.ignore == [code]
    assert config.merged(fail_on="never", min_score=None).fail_on == "never"
    assert config.merged(fail_on="never").min_score == 50


def test_mtcheck_toml_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mtcheck]\nfail-on = "warning"\n', encoding="utf-8")
    (tmp_path / "mtcheck.toml").write_text('fail-on = "info"\n', encoding="utf-8")
    assert load_config(cwd=tmp_path).fail_on == "info"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('fail-on = "sometimes"', "fail-on must be"),
        ("colour = true", "unknown setting"),
        ("this is not toml", "invalid TOML"),
    ],
)
def test_bad_config_is_an_error(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "mtcheck.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


@pytest.mark.parametrize(
    "toml",
    ['select = ["MT999"]', 'ignore = ["XX"]', '[severity]\nMT998 = "error"', "[rules.MT997]\nx = 1"],
)
def test_unknown_rule_code_is_an_error_where_the_registry_loads(tmp_path: Path, toml: str) -> None:
    # The settings module knows no rule codes; the engine checks them, once, before any work.
    path = tmp_path / "mtcheck.toml"
    path.write_text(toml, encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError, match="unknown rule code"):
        validate_rule_settings(config.rule_settings)
    with pytest.raises(ConfigError, match="unknown rule code"):
        Checker(config)


def test_unknown_rule_option_is_an_error(tmp_path: Path) -> None:
    code = sorted(REGISTRY)[0]
    path = tmp_path / "mtcheck.toml"
    path.write_text(f"[rules.{code}]\nno_such_option = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown option"):
        validate_rule_settings(load_config(path).rule_settings)


def test_select_and_ignore_by_prefix_most_specific_wins() -> None:
    codes = sorted(REGISTRY)
    family = codes[0][:3]
    in_family = [c for c in codes if c.startswith(family)]
    chosen = [r.code for r in select_rules([family], [in_family[0]])]
    assert in_family[0] not in chosen and set(chosen) == set(in_family[1:])
    chosen = [r.code for r in select_rules(["MT", in_family[0]], [family])]
    assert chosen == [in_family[0]] + [c for c in codes if not c.startswith(family)]


def test_severity_override_by_prefix() -> None:
    code = sorted(REGISTRY)[0]
    rules = select_rules([code], [], {code[:3]: "info"})
    assert rules[0].effective_severity.value == "info"
