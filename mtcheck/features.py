"""Which model features can run here: the ``models`` extra's stack, looked up without importing it.

The core install (``pip install mtcheck``: rules, readers, chrF alignment, every report format) has
no torch. Model features follow one pattern, the one ``embeddings`` set: ``auto`` (the default) runs
a feature when its stack is installed and otherwise says once, on stderr through the ``mtcheck``
logger, what is off and what turns it on; ``on`` makes a missing stack a :class:`ModelError` (one
line, exit 2); ``off`` never runs it. What ran is recorded in the report signature (``lm:none`` when
fluency did not run).

Whether the stack is installed is asked of :mod:`mtcheck.backends.stack` (``find_spec`` only), so
deciding costs no import of torch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mtcheck.backends.stack import MODELS_EXTRA, missing, require_models
from mtcheck.settings import fluency_mode

if TYPE_CHECKING:
    from mtcheck.config import Config

MODES = ("auto", "on", "off")

log = logging.getLogger("mtcheck")
_said: set[str] = set()


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
