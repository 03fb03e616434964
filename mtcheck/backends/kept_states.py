"""One encoder pass for the alignment and the quality model: sentence vectors that keep their token states.

The alignment needs a unit vector per sentence (all-MiniLM-L6-v2's mean-pooled token states); the
quality model (:mod:`mtcheck.qe.encode`) needs the same token states to pool them per word. Run apart,
every MT and re-translation sentence went through the encoder twice, and the second pass cost as much
as the first (issue 14: +105% on a check without fluency). :class:`KeptStates` wraps the run's encoder
for one batch: ``encode`` computes the token states once, keeps them by exact sentence text and pools
them; ``hidden_states`` then serves a kept sentence from memory and runs the encoder only on the rest.

Memory: the wrapper lives for one batch's alignment stage (the pipeline drops it once the word vectors
are pooled), so it holds what the encoder itself returns for that batch — about 1.5 KB per word piece
(384 float32) — and nothing outlives the batch. numpy is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mtcheck.backends.embeddings import MAX_TOKENS

if TYPE_CHECKING:
    import numpy as np


def mean_pooled(states: Sequence[tuple[np.ndarray, np.ndarray]], dim: int) -> np.ndarray:
    """A float32 array (len(states), dim) of unit sentence vectors: the mean of each text's token states
    (special tokens included, as sentence-transformers pools this model), L2-normalised with
    torch.nn.functional.normalize's eps (1e-12)."""
    import numpy as np

    out = np.zeros((len(states), dim), dtype=np.float32)
    for k, (hidden, _) in enumerate(states):
        pooled = hidden.mean(axis=0)
        out[k] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return out


class KeptStates:
    """A :class:`mtcheck.backends.base.SentenceEncoder` over ``encoder`` that keeps the token states
    behind the sentence vectors it returns, for the same batch's word vectors.

    ``encode(texts)`` equals the CTranslate2 encoder's own ``encode`` bit for bit (the same call of its
    ``hidden_states`` at ``MAX_TOKENS``, pooled the same way) and the torch encoder's to float noise.
    ``hidden_states(texts, max_tokens)`` reuses a kept text when its states were not cut (fewer than
    ``MAX_TOKENS`` word pieces, special tokens included) and fit ``max_tokens``: the encoder would
    compute the same states again. ``forwarded`` counts the texts each call sent to the encoder.
    """

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.name: str = encoder.name
        self.dim: int = encoder.dim
        self._kept: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        """A float32 array (len(texts), dim) of unit vectors, row k for ``texts[k]``; keeps the states."""
        states = self.encoder.hidden_states([t or " " for t in texts], MAX_TOKENS)
        for text, state in zip(texts, states, strict=True):
            if text:
                self._kept.setdefault(text, state)
        return mean_pooled(states, self.dim)

    def hidden_states(
        self, texts: Sequence[str], max_tokens: int = MAX_TOKENS, batch_size: int | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text, (float32 token states (tokens, dim), int character offsets (tokens, 2)); kept
        texts from memory, the rest from one call of the encoder's ``hidden_states``."""
        out: list[Any] = [None] * len(texts)
        missing: list[int] = []
        for k, text in enumerate(texts):
            kept = self._kept.get(text)
            if kept is not None and len(kept[0]) < MAX_TOKENS and len(kept[0]) <= max_tokens:
                out[k] = kept
            else:
                missing.append(k)
        if missing:
            found = self.encoder.hidden_states([texts[k] for k in missing], max_tokens, batch_size)
            for k, state in zip(missing, found, strict=True):
                out[k] = state
        return out
