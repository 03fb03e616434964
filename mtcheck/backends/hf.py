"""transformers' own console output: progress bars and load reports would break mtcheck's stderr contract."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def quiet_transformers() -> None:
    """Silence transformers' 'Loading weights' bars and info logs; errors still raise as usual."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
