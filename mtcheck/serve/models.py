"""The service's one set of models, loaded at start-up and owned by one thread: the seam to Checker.

Today's :class:`mtcheck.pipeline.Checker` loads its models lazily and keeps them on itself; a service
needs them loaded once and shared by every request. This module is the only place that hands loaded
models to a Checker (``_scorer``, ``_translators``), so that a model registry on the Checker side
replaces this one file and nothing else in the service.

Every model stage runs on one dedicated thread, for three reasons:
- the fast tokenizers of transformers fail ("Already borrowed") when two threads use one at once;
- the translation cache is a SQLite connection, usable only from the thread that opened it;
- on CPU one forward pass already spreads over ``threads`` cores: two passes at once only contend.
Worker threads do the rest (segmenting, rules, scores, rendering) in parallel with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from mtcheck.backends.base import Translator
from mtcheck.config import Config
from mtcheck.errors import ConfigError
from mtcheck.pipeline import Checker, Prepared, prepare
from mtcheck.readers import Article

T = TypeVar("T")

# Checked once at start-up, so that readiness means every lazy table (rules, word lists) is warm.
WARM_UP = "The allies said on Wednesday that NATO will send more air defence systems to Ukraine."


class ModelHost:
    """Loads the configured models once and runs every model stage on its own thread."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="mtcheck-model")
        self._scorer: Any = None
        self._translators: dict[str, Translator] = {}
        self.lm_name: str | None = None
        self.stage_calls = 0  # model stages run (one per micro-batch), for /readyz and tests
        self.loaded = False

    # --- start-up -----------------------------------------------------------------------------
    def load(self) -> None:
        """Load the fluency model, the default language's translator and embeddings; warm up.

        Blocks until done; raises ModelError (one line) when a model cannot be loaded.
        """
        self._on_model_thread(self._load)

    def _load(self) -> None:
        from mtcheck.features import fluency_enabled

        if fluency_enabled(self.config):  # auto|on|off; "on" without the model stack: ModelError
            from mtcheck.backends.causal_lm import CausalLMScorer

            c = self.config
            self._scorer = CausalLMScorer.load(c.fluency_model, c.device, c.threads, c.batch_size)
            self.lm_name = self._scorer.name
        if self.config.src_lang:
            self._translator(self.config.src_lang)
        from mtcheck.align import resolve_embeddings

        if resolve_embeddings(self.config.embeddings):
            from mtcheck.backends.embeddings import get_embedder

            get_embedder()
        item = prepare(Article("warm-up", WARM_UP), self.config)
        self.checker(self.config).judge_all([self._stages(self.config, [item])[0]], [])
        self.loaded = True

    @property
    def has_fluency(self) -> bool:
        return self._scorer is not None

    @property
    def scorer(self) -> Any:
        """The loaded fluency scorer (a CausalLMScorer), or None when fluency is off."""
        return self._scorer

    # --- per request --------------------------------------------------------------------------
    def checker(self, config: Config) -> Checker:
        """A Checker for one request's settings (its rules and gate) over the shared models."""
        if config.fluency == "on" and self._scorer is None:
            raise ConfigError("fluency is off on this service (started with --no-fluency)")
        checker = Checker(config)
        # "auto" scores fluency when this service loaded the model; "off" never does.
        use = config.fluency != "off" and self._scorer is not None
        checker.fluency_on = use
        checker._scorer = self._scorer if use else None
        checker.lm_name = self.lm_name if use else None
        checker._translators = self._translators
        return checker

    def stages(self, config: Config, items: Sequence[Prepared]) -> list[Prepared]:
        """Re-translate, align and score fluency for all ``items`` in one pass on the model thread.

        ``config`` gives the model settings (fluency on or off); the items are changed in place.
        """
        return self._on_model_thread(lambda: self._stages(config, items))

    def _stages(self, config: Config, items: Sequence[Prepared]) -> list[Prepared]:
        self.stage_calls += 1
        for lang in sorted({i.article.src_lang for i in items if i.article.source and i.article.src_lang}):
            self._translator(lang)
        checker = self.checker(config)
        # The model stages of Checker.prepare_all, in its order (prepare_all also segments, which
        # the service does per request so that one bad article fails alone).
        checker.attach_references(items)
        checker.align(items)
        checker.score_fluency(items)
        checker.encode_words(items)
        return list(items)

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` (which may call model stages, e.g. `mtcheck fix`'s re-checks) on the model thread."""
        return self._on_model_thread(work)

    def _translator(self, lang: str) -> Translator:
        """The engine for a language, made on first use (on the model thread, which owns it)."""
        if lang not in self._translators:
            from mtcheck.backends.retranslate import make_translator

            self._translators[lang] = make_translator(self.config, lang)
        return self._translators[lang]

    # --- the thread ---------------------------------------------------------------------------
    def _on_model_thread(self, work: Callable[[], T]) -> T:
        if threading.current_thread().name.startswith("mtcheck-model"):
            return work()
        return self._executor.submit(work).result()

    def close(self) -> None:
        """Finish the model work under way and stop the thread."""
        self._executor.shutdown(wait=True)
