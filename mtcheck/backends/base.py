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
    """Unit-length English sentence vectors for the alignment, and the token states behind them.

    Implementations: :class:`mtcheck.backends.embeddings.SentenceEmbedder` (torch) and
    :class:`mtcheck.backends.ct2_embeddings.CT2SentenceEmbedder` (CTranslate2). Both return numpy, so
    the alignment and the quality model never need torch.
    """

    name: str  # pins the model; goes into the report signature
    dim: int  # length of a vector (and of a token's hidden state)

    def encode(self, texts: list[str]) -> Any:
        """A float32 numpy array (len(texts), dim) of unit vectors, row k for ``texts[k]``."""
        ...

    def hidden_states(
        self, texts: Sequence[str], max_tokens: int = ..., batch_size: int | None = None
    ) -> list[tuple[Any, Any]]:
        """Per text, (float32 last hidden states (tokens, dim), int character offsets (tokens, 2)),
        special tokens included with offsets (0, 0), at most ``max_tokens`` tokens."""
        ...
