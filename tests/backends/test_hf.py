"""Hub ids: cache first, then a reachability check, so an unavailable model fails at once and clearly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.backends import hf
from mtcheck.cli import app
from mtcheck.errors import ModelError


@pytest.fixture()
def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # .invalid never resolves (RFC 2606): the real connection code runs and fails, no mock involved.
    monkeypatch.setattr(hf, "HUB_HOST", "mtcheck-test.invalid")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    hf._hub_reachable.cache_clear()
    yield
    hf._hub_reachable.cache_clear()


def test_uncached_model_with_unreachable_hub_fails_fast(unreachable_hub: None) -> None:
    start = time.perf_counter()
    with pytest.raises(ModelError, match=r"not in the local Hugging Face cache and mtcheck-test\.invalid"):
        hf.hub_kwargs("mtcheck-test/no-such-model", None, "fluency")
    assert time.perf_counter() - start < 10


def test_offline_mode_reads_the_cache_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hf.hub_kwargs("mtcheck-test/no-such-model", "abc123", "translation") == {
        "revision": "abc123",
        "local_files_only": True,
    }


def test_cli_names_the_missing_hub_model_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    article = tmp_path / "a.txt"
    article.write_text("The ministers met on Tuesday.", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(article), "--fluency-model", "mtcheck-test/no-such-model"])
    assert result.exit_code == 2, result.output
    assert "mtcheck-test/no-such-model" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
