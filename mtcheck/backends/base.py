"""The interfaces the pipeline talks to; implementations live beside this file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Translator(Protocol):
    """Re-translates source-language sentences into English, one output per input, in order."""

    name: str  # pins the engine, model and revision; goes into the report signature
    origin: str  # "model" | "apertium" | "file"

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]: ...


class FluencyScorer(Protocol):
    """Per-token surprisal under a causal LM."""

    name: str

    def surprisals(self, texts: Sequence[str]) -> list[list[tuple[int, int, float]]]:
        """For each text, (start, end, nats) per scored token, offsets into that text."""
        ...
