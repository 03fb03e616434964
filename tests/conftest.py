"""Fixtures shared across test folders (backends, fluency, distributed)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def embedded_home(tmp_path_factory: pytest.TempPathFactory):
    """A fresh MTCHECK_HOME holding the embedded default, converted from the wheel's GGUF once (~20 s).

    Here rather than in tests/backends/ so that every folder reuses the one conversion.
    """
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
