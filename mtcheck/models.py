"""The one place where settings meet models: a registry from a model spec to a loaded model.

A :class:`ModelRegistry` is built once from :class:`~mtcheck.settings.ModelSettings` and handed to
:class:`~mtcheck.pipeline.Checker` (a server shares one across requests; a Ray worker keeps one for its
life). It loads each model on first use, once: the re-translation engine per source language, the
causal LM that scores fluency, and the sentence encoder of the alignment. Every model gets the same
device, thread count and batch size from the settings; backends take those as plain arguments.

Tests and servers may hand the registry objects that implement the backend protocols
(:mod:`mtcheck.backends.base`) instead; the settings still decide whether a stage runs at all.

Backends are imported inside the methods: importing this module stays free of torch.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from mtcheck.errors import ConfigError, ModelError
from mtcheck.settings import EMBEDDINGS, ModelSettings

if TYPE_CHECKING:
    from mtcheck.backends.base import FluencyScorer, SentenceEncoder, Translator
    from mtcheck.source.stage import SourceScorer

# What ``embeddings = "auto"`` does when the package is installed; set from
# benchmarks/align_accuracy.py (--embeddings both): on only if it does not lower strict pair F1. It
# raised F1 to 1.000 in all six settings (from 0.981-1.000), for ~10x the alignment time (encoding).
AUTO_USES_EMBEDDINGS = True


def resolve_embeddings(mode: str) -> bool:
    """Whether to use sentence embeddings: ``on`` (ModelError when the package is missing),
    ``off``, or ``auto`` (when the package is installed and ``AUTO_USES_EMBEDDINGS``)."""
    if mode not in EMBEDDINGS:
        raise ConfigError(f"embeddings must be one of {', '.join(EMBEDDINGS)}, not {mode!r}")
    if mode == "off":
        return False
    from mtcheck.backends import embeddings

    if mode == "auto":
        return AUTO_USES_EMBEDDINGS and embeddings.available()
    embeddings.model_path()  # ModelError naming the extra when it is not installed
    return True


def load_fluency_scorer(s: ModelSettings) -> FluencyScorer:
    """The fluency LM on the runtime ``model-runtime`` picks (mtcheck.backends.ct2.resolve_runtime).

    Under ``auto`` a model CTranslate2 cannot take (a hub id, a family it cannot convert) is loaded
    with torch instead; an explicit ``ctranslate2`` fails with the reason. The scorer's name tells
    which runtime ran (``@ct2``), so the report signature pins it.
    """
    from mtcheck.backends.ct2 import resolve_runtime

    runtime = resolve_runtime(s.model_runtime, s.device, s.lm_precision)
    if runtime == "ctranslate2":
        from mtcheck.backends.ct2_lm import CT2Scorer

        try:
            return CT2Scorer.load(
                s.fluency_model, s.device, s.threads, s.batch_size, precision=s.lm_precision
            )
        except ModelError:
            if s.model_runtime == "ctranslate2":
                raise
    from mtcheck.backends.causal_lm import CausalLMScorer

    return CausalLMScorer.load(s.fluency_model, s.device, s.threads, s.batch_size, precision=s.lm_precision)


class ModelRegistry:
    """Loaded models of a run, each built once from the settings (or handed in), thread-safe."""

    def __init__(
        self,
        settings: ModelSettings | None = None,
        *,
        translator: Translator | None = None,
        scorer: FluencyScorer | None = None,
        encoder: SentenceEncoder | None = None,
        source: SourceScorer | None = None,
    ) -> None:
        """``translator``, ``scorer``, ``encoder``, ``source``: objects to use instead of loading models
        (the translator for every source language)."""
        self.settings = settings or ModelSettings()
        self._given_translator = translator
        self._translators: dict[str, Translator] = {}
        self._scorer = scorer
        self._encoder = encoder
        self._encoder_resolved = encoder is not None
        self._source = source
        self._lock = threading.RLock()

    def translator(self, src_lang: str) -> Translator:
        """The re-translation engine for a source language, built on first use and kept."""
        if self._given_translator is not None:
            return self._given_translator
        with self._lock:
            found = self._translators.get(src_lang)
            if found is None:
                from mtcheck.backends.retranslate import make_translator

                s = self.settings
                found = self._translators[src_lang] = make_translator(
                    src_lang, engine=s.engine, mt_model=s.mt_model, device=s.device, threads=s.threads,
                    batch_size=s.batch_size, beam_size=s.beam_size, max_length=s.max_length,
                    cache=s.cache, cache_dir=s.cache_dir,
                )  # fmt: skip
            return found

    def fluency_scorer(self) -> FluencyScorer | None:
        """The causal LM that scores fluency; None when fluency is off."""
        if self.settings.fluency == "off":
            return None
        with self._lock:
            if self._scorer is None:
                self._scorer = load_fluency_scorer(self.settings)
            return self._scorer

    @property
    def has_source_scorer(self) -> bool:
        """Whether a source-aware scorer is loaded or was handed in (nothing left to decide)."""
        return self._source is not None

    def source_scorer(self) -> SourceScorer | None:
        """The source-aware scorer (mtcheck.source), loaded on first use; None when ``source-aware``
        is off. Whether ``auto`` may load it is decided by the caller (mtcheck.source.stage.enabled)."""
        if self.settings.source_aware == "off":
            return None
        with self._lock:
            if self._source is None:
                from mtcheck.backends.source_lm import SourceAwareScorer

                s = self.settings
                self._source = SourceAwareScorer.load(
                    s.source_model, s.device, s.threads, precision=s.lm_precision
                )
            return self._source

    def sentence_encoder(self) -> SentenceEncoder | None:
        """The alignment's sentence encoder; None when embeddings are off (or ``auto`` without the
        package). A given encoder is used unless embeddings are ``off``."""
        if self.settings.embeddings == "off":
            return None
        with self._lock:
            if not self._encoder_resolved:
                if resolve_embeddings(self.settings.embeddings):
                    self._encoder = load_sentence_encoder(self.settings)
                self._encoder_resolved = True
            return self._encoder


def load_sentence_encoder(s: ModelSettings) -> SentenceEncoder:
    """The packaged sentence encoder on the runtime ``model-runtime`` picks
    (:func:`mtcheck.backends.ct2.resolve_runtime`, fp32).

    CTranslate2 (:mod:`mtcheck.backends.ct2_embeddings`) converts the model into the store once and
    then never imports torch; under ``auto`` a failed conversion or load falls back to torch, while an
    explicit ``ctranslate2`` reports it. The name says which runtime ran (``@ct2``), so the report
    signature pins it.
    """
    from mtcheck.backends.ct2 import resolve_runtime

    if resolve_runtime(s.model_runtime, s.device, "fp32") == "ctranslate2":
        from mtcheck.backends.ct2_embeddings import CT2SentenceEmbedder

        try:
            return CT2SentenceEmbedder(device=s.device, batch_size=s.batch_size, threads=s.threads)
        except ModelError:
            if s.model_runtime == "ctranslate2":
                raise
    from mtcheck.backends.embeddings import SentenceEmbedder

    return SentenceEmbedder(device=s.device, batch_size=s.batch_size, threads=s.threads)
