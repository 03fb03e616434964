"""Whether the ``models`` extra's stack is installed, looked up without importing it.

Only ``importlib.util.find_spec`` is used, so asking costs no import of torch. Backends call
:func:`require_models` before they load a model; ``mtcheck.features`` (which decides, from the
settings, whether a model feature runs) asks :func:`missing` here.
"""

from __future__ import annotations

from importlib.util import find_spec

from mtcheck.errors import ModelError

MODELS_EXTRA = "mtcheck[models]"
# Import names the model features need at run time; converting a packaged GGUF needs CONVERT too.
STACK = ("torch", "transformers", "safetensors")
CONVERT = ("gguf", "accelerate")


def missing(modules: tuple[str, ...] = STACK) -> list[str]:
    """The modules of ``modules`` that are not installed (empty when all are)."""
    return [name for name in modules if find_spec(name) is None]


def require_models(what: str, modules: tuple[str, ...] = STACK) -> None:
    """ModelError naming the extra when the model stack is not installed; ``what`` needs it."""
    gone = missing(modules)
    if gone:
        raise ModelError(
            f"{what} needs the model stack ({', '.join(gone)} not installed): pip install '{MODELS_EXTRA}'"
        )
