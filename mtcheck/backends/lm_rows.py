"""How texts become scored rows and rows become (start, end, nats) tokens; shared by every LM runtime.

The torch scorer (:mod:`mtcheck.backends.causal_lm`) and the CTranslate2 one
(:mod:`mtcheck.backends.ct2_lm`) tokenise the same way, cut the same windows and trim the same
offsets, so the two runtimes differ only in the arithmetic. Pure Python: imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Longest piece of one text scored as a row; longer texts continue in a fresh row (rare: these
# are sentences, and it keeps one runaway "sentence" from blowing up a batch's attention).
WINDOW = 512


@dataclass
class Row:
    """One scored row: a window of one text's tokens (the prefix token is added by the scorer)."""

    text: int  # index of the input text
    ids: list[int]
    offsets: list[tuple[int, int]]  # character offsets into that text, one per token


def windows(encodings: Iterable[tuple[Sequence[int], Sequence[Sequence[int]]]]) -> list[Row]:
    """Rows of at most ``WINDOW`` tokens from each text's (token ids, offsets), in text order.

    A text without tokens gives no row (it scores as an empty list).
    """
    rows = []
    for t, (ids, offsets) in enumerate(encodings):
        for w in range(0, len(ids), WINDOW):
            rows.append(Row(t, list(ids[w : w + WINDOW]), [tuple(o) for o in offsets[w : w + WINDOW]]))
    return rows


def assemble(
    texts: Sequence[str], rows: Sequence[Row], nats: Sequence[Sequence[float]]
) -> list[list[tuple[int, int, float]]]:
    """For each text, (start, end, nats) per token in order, offsets trimmed of whitespace.

    ``nats[k]`` holds one value per token of ``rows[k]``.
    """
    out: list[list[tuple[int, int, float]]] = [[] for _ in texts]
    for row, values in zip(rows, nats, strict=True):
        text = texts[row.text]
        for (start, end), value in zip(row.offsets, values, strict=True):
            start, end = trim(text, start, end)
            out[row.text].append((start, end, value))
    return out


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` without leading or trailing whitespace (byte-level BPE tokens carry a space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
