"""MT and re-translation words: whitespace tokens with a normalised form and a shape.

A word is a maximal run of non-space characters, as the MQM benchmark (``benchmarks/mqm_eval.py``)
and the WMT word-level QE task count them, so a prediction maps one-to-one onto what is scored. The
text is not split again here: a word is a run of the document's own tokens with no space between
them (``Document.sentence_tokens``, :func:`mtcheck.words.runs`; ``Kyiv,`` is ``Kyiv`` + ``,``).
``core`` strips punctuation at either end (``Kyiv,`` -> ``Kyiv``); ``norm`` is its case-folded form
with curly apostrophes made straight, used for exact matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from mtcheck import words as _words
from mtcheck.document import Document

_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
NEGATIONS = frozenset({"not", "no", "never", "n't", "without", "nor", "neither", "none", "nobody", "nothing"})


@dataclass(frozen=True)
class Word:
    """One word of a sentence; ``start``/``end`` are offsets into the document text."""

    sentence: int
    start: int
    end: int
    text: str

    # Cached: the features read a word's forms many times over (each MT word against every aligned
    # re-translation word's set); cached_property writes to the instance dict, past frozen.
    @cached_property
    def core(self) -> str:
        return _EDGE.sub("", self.text)

    @cached_property
    def norm(self) -> str:
        return self.core.replace("’", "'").casefold()

    @property
    def is_number(self) -> bool:
        return any(c.isdigit() for c in self.text)

    @property
    def is_negation(self) -> bool:
        n = self.norm
        return n in NEGATIONS or n.endswith("n't")


def sentence_words(doc: Document) -> list[list[Word]]:
    """The words of every sentence of ``doc``, in order; a sentence of only spaces has none."""
    text = doc.text
    return [
        [
            Word(sent.index, run[0][0], run[-1][1], text[run[0][0] : run[-1][1]])
            for run in _words.runs(doc.sentence_tokens(sent.index))
        ]
        for sent in doc.sentences
    ]
