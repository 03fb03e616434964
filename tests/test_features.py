"""fluency = auto|on|off: what runs, what is said once on stderr, what is an error.

The light install (no torch at all) is exercised for real in tests/packaging; here the stack is
installed, and the missing piece is the default model: a card whose package nobody installed.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck import features
from mtcheck.backends import store
from mtcheck.cli import app
from mtcheck.config import Config, load_config
from mtcheck.errors import ConfigError, ModelError
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

GHOST = store.ModelCard(id="ghost-lm", role="fluency", source="wheel", package="ghost-lm", module="ghost_lm")
TEXT = "The ministers met in Brussels on Tuesday.\n\nThey agreed to meet again in March.\n"


@pytest.fixture()
def no_default_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An empty store and a default card whose package is not installed: fluency cannot run."""
    monkeypatch.setenv("MTCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store, "default_card", lambda: GHOST)
    monkeypatch.setattr(features, "_said", set())


@pytest.mark.parametrize(
    ("value", "mode"), [(True, "on"), (False, "off"), ("auto", "auto"), ("on", "on"), ("off", "off")]
)
def test_fluency_setting_values(value: object, mode: str) -> None:
    assert Config(fluency=value).fluency == mode  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["yes", "", 1, None])
def test_bad_fluency_setting_is_a_config_error(value: object) -> None:
    with pytest.raises(ConfigError, match="fluency must be auto, on or off"):
        Config(fluency=value)  # type: ignore[arg-type]


def test_fluency_from_a_settings_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "mtcheck.toml").write_text("fluency = false\n", encoding="utf-8")
    assert load_config(cwd=tmp_path).fluency == "off"
    (tmp_path / "mtcheck.toml").write_text('fluency = "maybe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="fluency"):
        load_config(cwd=tmp_path)


def test_default_is_auto_and_no_fluency_flag_turns_it_off() -> None:
    from mtcheck.cli.common import build_config

    assert Config().fluency == "auto"
    assert build_config(None, no_fluency=True).fluency == "off"


def test_auto_without_the_model_says_so_once_and_runs_rules(
    no_default_model: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mtcheck")
    first = Checker(Config()).run([Article("a", TEXT)], strict=True)
    second = Checker(Config()).run([Article("b", "the allies said .\n")], strict=True)
    assert "|lm:none|" in str(first.signature) and first.documents[0].fluency is None
    assert second.documents[0].fluency is None
    notices = [r.getMessage() for r in caplog.records if r.name == "mtcheck"]
    assert len(notices) == 1 and "ghost-lm" in notices[0] and "mtcheck models pull" in notices[0]


def test_on_without_the_model_is_a_model_error(no_default_model: None) -> None:
    with pytest.raises(ModelError, match="mtcheck models pull ghost-lm"):
        Checker(Config(fluency="on")).run([Article("a", TEXT)], strict=True)


def test_off_says_nothing(no_default_model: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mtcheck")
    Checker(Config(fluency="off")).run([Article("a", TEXT)], strict=True)
    assert [r for r in caplog.records if r.name == "mtcheck"] == []


def test_cli_notice_is_one_stderr_line(no_default_model: None, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(article)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [
        "mtcheck: fluency is off: model ghost-lm is not in the store; `mtcheck models pull` turns it on"
    ]


def test_auto_with_the_stack_and_model_runs_fluency(embedded_home: Path) -> None:
    from mtcheck.backends import ct2

    report = Checker(Config()).run([Article("a", TEXT)], strict=True)
    # model-runtime auto runs the embedded model on CTranslate2 when it is installed (the models extra).
    lm = "smollm2-135m@ct2" if ct2.available() else "smollm2-135m"
    assert f"|lm:{lm}|" in str(report.signature) and report.documents[0].fluency is not None
