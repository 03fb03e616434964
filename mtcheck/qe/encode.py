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

    ``embedder`` is a :class:`mtcheck.backends.embeddings.SentenceEmbedder` (its ``tokenizer`` must
    be a fast tokenizer that returns offsets); ``spans`` are character spans of the words relative
    to each text. A word no piece starts in (cut off past ``MAX_TOKENS``) gets a zero vector, which
    matches nothing.
    """
    import torch

    dim = embedder.model.config.hidden_size
    out: list[np.ndarray] = [np.zeros((len(s), dim), dtype=np.float32) for s in spans]
    order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
    with torch.inference_mode():
        for first in range(0, len(order), batch_size):
            ids = [k for k in order[first : first + batch_size] if spans[k]]
            if not ids:
                continue
            batch = embedder.tokenizer(
                [texts[k] for k in ids],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
                return_offsets_mapping=True,
            )
            offsets = batch.pop("offset_mapping").numpy()
            batch = batch.to(embedder.device)
            hidden = embedder.model(**batch).last_hidden_state.float().cpu().numpy()
            for row, k in enumerate(ids):
                out[k] = _pool(hidden[row], offsets[row], spans[k], dim)
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
