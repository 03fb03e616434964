"""A tiny Gemma-architecture model saved once per session, loaded through from_pretrained by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.source.tiny_gemma import build_tiny_gemma


@pytest.fixture(scope="session")
def tiny_gemma_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gemma(tmp_path_factory.mktemp("tiny-gemma"))


@pytest.fixture(scope="session")
def tiny_scorer(tiny_gemma_dir: Path):
    from mtcheck.backends.source_lm import SourceAwareScorer

    return SourceAwareScorer.load(str(tiny_gemma_dir), device="cpu", threads=1)
