"""Model fixtures for backend tests: a tiny local causal LM, and a scorer on the embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends.tiny_causal import build_tiny_causal_lm


@pytest.fixture(scope="session")
def tiny_causal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("tiny-causal"))


# embedded_home (the embedded default converted once) lives in tests/conftest.py, shared by all folders.


@pytest.fixture(scope="session")
def embedded_scorer(embedded_home: Path):
    from mtcheck.backends.causal_lm import CausalLMScorer

    return CausalLMScorer.load(None, device="cpu", threads=1)
