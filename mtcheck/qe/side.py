"""What the feature and evidence modules share: a document's words with their vectors, and two
constants of word matching (not fitted; see their comments)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mtcheck.document import Document
from mtcheck.qe.words import Word

# A re-translation word whose best MT cosine is below this counts as unmatched (omission evidence);
# above it, it anchors its unmatched neighbours to an MT position. Not fitted: MiniLM cosines of a
# word to itself in another context lie above 0.8, of unrelated words below 0.4.
ANCHOR = 0.6
CONTENT_ZIPF = 5.5  # a word rarer than this is a content word (the, of, a... lie above 6)


@dataclass
class Side:
    """A document's words (per sentence) and their unit vectors (one array per sentence)."""

    doc: Document
    words: list[list[Word]]
    vectors: list[np.ndarray]

    def flat(self, sentences: Sequence[int]) -> tuple[list[Word], np.ndarray]:
        ws = [w for i in sentences for w in self.words[i]]
        vs = [self.vectors[i] for i in sentences if len(self.words[i])]
        dim = self.vectors[0].shape[1] if self.vectors else 1
        return ws, (np.concatenate(vs) if vs else np.zeros((0, dim), dtype=np.float32))


def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") if word else 0.0
