"""Contextual word vectors from all-MiniLM-L6-v2 for BERTScore-style matching of MT and re-translation.

Each sentence is encoded once; a word's vector is the mean of the last hidden states of the word
pieces that start inside it, L2-normalised, so the cosine of two words is a dot product (as in
BERTScore, Zhang et al. 2020). The encoder is the sentence-embedding model of the ``embeddings``
extra (:mod:`mtcheck.backends.embeddings`), so no further weights ship. It is uncased: casing errors
are left to the rules and to the exact-match features.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# BERT positions; a news sentence is far shorter, a longer one keeps zero vectors past the cut.
MAX_TOKENS = 256


def word_vectors(
    embedder: Any, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 64
) -> list[np.ndarray]:
    """For each text, a float32 array (len(spans[k]), hidden) of unit word vectors.

    ``embedder`` is a sentence encoder with ``dim`` and ``hidden_states`` (token hidden states with
    character offsets: :class:`mtcheck.backends.embeddings.SentenceEmbedder` on torch or
    :class:`mtcheck.backends.ct2_embeddings.CT2SentenceEmbedder` on CTranslate2); ``spans`` are
    character spans of the words relative to each text. A word no piece starts in (cut off past
    ``MAX_TOKENS``) gets a zero vector, which matches nothing.
    """
    dim = embedder.dim
    out: list[np.ndarray] = [np.zeros((len(s), dim), dtype=np.float32) for s in spans]
    ids = [k for k in range(len(texts)) if spans[k]]
    states = embedder.hidden_states([texts[k] for k in ids], max_tokens=MAX_TOKENS, batch_size=batch_size)
    for k, (hidden, offsets) in zip(ids, states, strict=True):
        out[k] = _pool(hidden, offsets, spans[k], dim)
    return out


def _pool(hidden: np.ndarray, offsets: np.ndarray, spans: Sequence[tuple[int, int]], dim: int) -> np.ndarray:
    vecs = np.zeros((len(spans), dim), dtype=np.float32)
    counts = np.zeros(len(spans), dtype=np.float32)
    starts = np.array([s for s, _ in spans])
    for t, (a, b) in enumerate(offsets):
        if b <= a:  # special tokens and padding
            continue
        w = int(np.searchsorted(starts, a, side="right")) - 1
        if w >= 0 and a < spans[w][1]:
            vecs[w] += hidden[t]
            counts[w] += 1
    vecs /= np.maximum(counts, 1.0)[:, None]
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)
