"""The interfaces the pipeline talks to; implementations live beside this file.

:mod:`mtcheck.models` builds implementations from the model settings; a test or a server may hand
``Checker`` any object with these attributes instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

# (done, total) after each batch of a model pass, in rows (sentences or text windows).
BatchProgress = Callable[[int, int], None]


class Translator(Protocol):
    """Re-translates source-language sentences into English, one output per input, in order."""

    name: str  # pins the engine, model and revision; goes into the report signature
    origin: str  # "model" | "apertium" | "file"

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]: ...


class FluencyScorer(Protocol):
    """Per-token surprisal under a causal LM."""

    name: str  # pins the model (and revision); goes into the report signature

    def surprisals(
        self, texts: Sequence[str], progress: BatchProgress | None = None
    ) -> list[list[tuple[int, int, float]]]:
        """For each text, (start, end, nats) per scored token, offsets into that text."""
        ...


class SentenceEncoder(Protocol):
    """Unit-length English sentence vectors for the alignment."""

    name: str  # pins the model; goes into the report signature

    def encode(self, texts: list[str]) -> Any:
        """A float tensor (len(texts), dim) of unit vectors (torch or anything with ``@`` and
        slicing), row k for ``texts[k]``."""
        ...
