"""Model fixtures for backend tests: a tiny local causal LM, and the embedded default converted once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.backends.tiny_causal import build_tiny_causal_lm


@pytest.fixture(scope="session")
def tiny_causal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("tiny-causal"))


@pytest.fixture(scope="session")
def embedded_home(tmp_path_factory: pytest.TempPathFactory):
    """A fresh MTCHECK_HOME holding the embedded default, converted from the wheel's GGUF once (~20 s)."""
    from mtcheck.backends import store

    home = tmp_path_factory.mktemp("mtcheck-home")
    old = os.environ.get("MTCHECK_HOME")
    os.environ["MTCHECK_HOME"] = str(home)
    try:
        store.convert(store.default_card())
        yield home
    finally:
        if old is None:
            os.environ.pop("MTCHECK_HOME", None)
        else:
            os.environ["MTCHECK_HOME"] = old


@pytest.fixture(scope="session")
def embedded_scorer(embedded_home: Path):
    from mtcheck.backends.causal_lm import CausalLMScorer

    return CausalLMScorer.load(None, device="cpu", threads=1)
