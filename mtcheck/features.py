"""Which model features can run here: the ``models`` extra's stack, looked up without importing it.

The core install (``pip install mtcheck``: rules, readers, chrF alignment, every report format) has
no torch. Model features follow one pattern, the one ``embeddings`` set: ``auto`` (the default) runs
a feature when its stack is installed and otherwise says once, on stderr through the ``mtcheck``
logger, what is off and what turns it on; ``on`` makes a missing stack a :class:`ModelError` (one
line, exit 2); ``off`` never runs it. What ran is recorded in the report signature (``lm:none`` when
fluency did not run).

Only ``importlib.util.find_spec`` is used here, so that deciding costs no import of torch.
"""

from __future__ import annotations

import logging
from importlib.util import find_spec
from typing import TYPE_CHECKING

from mtcheck.errors import ModelError
from mtcheck.settings import fluency_mode

if TYPE_CHECKING:
    from mtcheck.config import Config

MODES = ("auto", "on", "off")
MODELS_EXTRA = "mtcheck[models]"
# Import names the model features need at run time; converting a packaged GGUF needs CONVERT too.
STACK = ("torch", "transformers", "safetensors")
CONVERT = ("gguf", "accelerate")

log = logging.getLogger("mtcheck")
_said: set[str] = set()


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


def notice(message: str) -> None:
    """Say ``message`` once per process (a feature that ``auto`` turned off)."""
    if message not in _said:
        _said.add(message)
        log.warning(message)


def fluency_enabled(config: Config) -> bool:
    """Whether the fluency stage runs under ``config``; ``on`` with no stack raises ModelError.

    ``auto`` also needs the default model to be in the store (or its package installed), since a
    check never downloads; a model given with ``fluency_model`` is left to the loader.
    """
    mode = fluency_mode(config.fluency)
    if mode == "off":
        return False
    if mode == "on":
        require_models('fluency = "on"')
        return True
    gone = missing()
    if gone:
        notice(
            f"fluency is off: the model stack is not installed ({', '.join(gone)}); "
            f"pip install '{MODELS_EXTRA}' turns it on"
        )
        return False
    if config.fluency_model is None:
        from mtcheck.backends import store

        card = store.default_card()
        if not store.available(card):
            notice(f"fluency is off: model {card.id} is not in the store; `mtcheck models pull` turns it on")
            return False
    return True
