"""The service's one set of models, loaded at start-up and owned by one thread: the seam to Checker.

A service needs its models loaded once and shared by every request: one
:class:`mtcheck.models.ModelRegistry`, handed to each request's Checker.

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
from mtcheck.models import ModelRegistry
from mtcheck.pipeline import Checker, Prepared, PreparedBatch, prepare
from mtcheck.readers import Article
from mtcheck.signature import FILE, ModelsUsed

T = TypeVar("T")

# Checked once at start-up, so that readiness means every lazy table (rules, word lists) is warm.
WARM_UP = "The allies said on Wednesday that NATO will send more air defence systems to Ukraine."


class ModelHost:
    """Loads the configured models once and runs every model stage on its own thread."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="mtcheck-model")
        self.registry = ModelRegistry(config.model_settings)
        self._scorer: Any = None
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
            self._scorer = self.registry.fluency_scorer()
            self.lm_name = None if self._scorer is None else self._scorer.name
        if self.config.src_lang:
            self._translator(self.config.src_lang)
        self.registry.sentence_encoder()
        item = prepare(Article("warm-up", WARM_UP), self.config.input_settings)
        warm = PreparedBatch(self._stages(self.config, [item]), [], ModelsUsed())
        self.checker(self.config).judge_all(warm)
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
        checker = Checker(config, models=self.registry)
        # "auto" scores fluency when this service loaded the model; "off" never does.
        checker.fluency_on = config.fluency != "off" and self._scorer is not None
        return checker

    def used_by(self, item: Prepared) -> ModelsUsed:
        """The models the model stages used for one prepared article, for its report's signature."""
        translators: set[str] = set()
        if item.reference is not None:
            translators.add(FILE if item.reference.origin == FILE else item.reference.name)
        encoder = self.registry.sentence_encoder() if item.alignment else None
        quality = None
        if item.words is not None:
            from mtcheck.qe.model import load

            model = load()
            quality = f"{model.version}@{model.digest}"
        lm = item.fluency.model if item.fluency is not None else None
        source = None
        if item.source_scores is not None:
            from mtcheck.source.scores import MODEL_VERSION

            source = f"{item.source_scores.model}+{MODEL_VERSION}"
        return ModelsUsed.of(
            translators, lm, None if encoder is None else encoder.name, quality,
            settings=self.registry.settings, quality_findings=self.config.quality_findings, source_lm=source,
        )  # fmt: skip

    def stages(self, config: Config, items: Sequence[Prepared]) -> list[Prepared]:
        """Re-translate, align and score fluency for all ``items`` in one pass on the model thread.

        ``config`` gives the model settings (fluency on or off); the items are changed in place.
        """
        return self._on_model_thread(lambda: self._stages(config, items))

    def _stages(self, config: Config, items: Sequence[Prepared]) -> list[Prepared]:
        self.stage_calls += 1
        # engine none (setting or JSONL line): no translator; the source-aware stage scores those.
        todo = [i for i in items if i.article.source and (i.article.engine or config.engine) != "none"]
        for lang in sorted({i.article.src_lang for i in todo if i.article.src_lang}):
            self._translator(lang)
        checker = self.checker(config)
        # The model stages of Checker.prepare_all, in its order (prepare_all also segments, which
        # the service does per request so that one bad article fails alone).
        checker.attach_references(items)
        checker.align(items)
        checker.score_fluency(items)
        checker.encode_words(items)
        checker.score_source(items)
        return list(items)

    def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` (which may call model stages, e.g. `mtcheck fix`'s re-checks) on the model thread."""
        return self._on_model_thread(work)

    def _translator(self, lang: str) -> Translator:
        """The engine for a language, made on first use (on the model thread, which owns it)."""
        return self.registry.translator(lang)

    # --- the thread ---------------------------------------------------------------------------
    def _on_model_thread(self, work: Callable[[], T]) -> T:
        if threading.current_thread().name.startswith("mtcheck-model"):
            return work()
        return self._executor.submit(work).result()

    def close(self) -> None:
        """Finish the model work under way and stop the thread."""
        self._executor.shutdown(wait=True)
