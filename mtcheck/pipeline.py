"""Run the stages for one article or a batch: segment, re-translate, align, score fluency, rules, gate.

Model work is done up front for the whole batch (one translation pass, one fluency pass), so that
rules stay pure functions of precomputed data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtcheck import __version__
from mtcheck.backends.base import Translator
from mtcheck.config import Config
from mtcheck.document import (
    AlignedPair,
    Document,
    DocumentReport,
    FluencyResult,
    InputError,
    Reference,
    Report,
)
from mtcheck.errors import ConfigError, InputFileError, MtcheckError
from mtcheck.readers import Article
from mtcheck.segment import segment

Progress = Callable[[int], None]
# (stage, done, total) while a model stage runs, e.g. ("fluency", 96, 400) in scored rows.
StageProgress = Callable[[str, int, int], None]


@dataclass
class Prepared:
    """One article on its way through the stages."""

    article: Article
    doc: Document
    reference: Reference | None = None
    alignment: list[AlignedPair] = field(default_factory=list)
    fluency: FluencyResult | None = None
    words: Any = None  # (MT Side, [re-translation Sides]) for the quality model, mtcheck.qe.stage


def signature(config: Config, translator_name: str | None, lm_name: str | None, qe: str | None = None) -> str:
    """Pins what produced a report, in the spirit of sacrebleu's signature string."""
    select = ",".join(config.select) + (f"-{','.join(config.ignore)}" if config.ignore else "")
    out = (
        f"mtcheck:{__version__}|mt:{translator_name or 'none'}|lm:{lm_name or 'none'}"
        f"|select:{select}|fail-on:{config.fail_on}"
    )
    return out + (f"|qe:{qe}" if qe else "")


def prepare(article: Article, config: Config) -> Prepared:
    if len(article.text) > config.max_chars:
        raise InputFileError(
            f"{article.id}: {len(article.text):,} characters is over --max-chars {config.max_chars:,}"
        )
    if not article.text.strip():
        raise InputFileError(f"{article.id}: the article is empty")
    doc = segment(article.text, article.id)
    doc.suppressions = list(article.suppressions)
    doc.origin = article.origin
    return Prepared(article, doc)


class Checker:
    """Holds the configuration and the lazily loaded models for a run of one or many articles."""

    def __init__(self, config: Config, stage_progress: StageProgress | None = None) -> None:
        from mtcheck.engine import select_rules
        from mtcheck.features import fluency_enabled

        self.config = config
        self.rules = select_rules(config.select, config.ignore, config.severity)
        self.stage_progress = stage_progress
        self._translators: dict | None = None
        self._scorer = None
        # Decided up front, so that fluency = "on" without the model stack fails before any work.
        self.fluency_on = fluency_enabled(config)
        self.translator_name: str | None = None
        self.lm_name: str | None = None
        self.qe_name: str | None = None

    # --- stages -------------------------------------------------------------------------------
    def attach_references(self, items: Sequence[Prepared]) -> None:
        """Segment supplied re-translations; re-translate sources where only a source is given."""
        by_lang: dict[str, list[Prepared]] = {}
        for item in items:
            if item.article.reference is not None:
                ref_doc = segment(item.article.reference, f"{item.article.id}:reference")
                item.reference = Reference("file", item.article.id, ref_doc)
                self.translator_name = self.translator_name or "file"
            elif item.article.source is not None and item.article.source.strip():
                lang = item.article.src_lang or self.config.src_lang
                if not lang:
                    raise ConfigError(f"{item.article.id}: a source text needs --src-lang (e.g. es)")
                by_lang.setdefault(lang, []).append(item)
        for lang, group in by_lang.items():
            from mtcheck.backends.retranslate import retranslate_many

            translator = self.translator(lang)
            # One call per language for the whole batch: the engine batches and caches across articles.
            texts = retranslate_many(translator, [item.article.source or "" for item in group], lang)
            for item, text in zip(group, texts, strict=True):
                ref_doc = segment(text, f"{item.article.id}:reference")
                item.reference = Reference(translator.origin, translator.name, ref_doc)
            self.translator_name = translator.name

    def translator(self, src_lang: str) -> Translator:
        """The re-translation engine for a source language, built once per Checker and reused."""
        if self._translators is None:
            self._translators = {}
        if src_lang not in self._translators:
            from mtcheck.backends.retranslate import make_translator

            self._translators[src_lang] = make_translator(self.config, src_lang)
        return self._translators[src_lang]

    def align(self, items: Sequence[Prepared]) -> None:
        """Align MT sentences with re-translation sentences and score adequacy per pair.

        With sentence embeddings, every article's sentences are encoded in one batched pass first.
        """
        pairs = [item for item in items if item.reference is not None]
        if not pairs:
            return
        from mtcheck.align import align_documents, embed_pairs, resolve_embeddings

        vectors: list = [None] * len(pairs)
        if resolve_embeddings(self.config.embeddings):
            vectors = embed_pairs([(item.doc, item.reference.document) for item in pairs])  # type: ignore[union-attr]
        for item, vecs in zip(pairs, vectors, strict=True):
            item.alignment = align_documents(
                item.doc, item.reference.document, embeddings=self.config.embeddings, vectors=vecs
            )

    def score_fluency(self, items: Sequence[Prepared]) -> None:
        """Per-sentence fluency from the causal LM, one batched pass over all articles.

        Re-translation sentences go through the same pass, so that each MT sentence can be compared
        with its aligned counterpart.
        """
        if not self.fluency_on or not items:
            return
        from mtcheck.fluency import score_document

        if self._scorer is None:
            from mtcheck.backends.causal_lm import CausalLMScorer

            self._scorer = CausalLMScorer.load(
                self.config.fluency_model,
                self.config.device,
                self.config.threads,
                self.config.batch_size,
                precision=self.config.lm_precision,
            )
            self.lm_name = self._scorer.name
        report = self.stage_progress
        on_batch = None if report is None else (lambda done, total: report("fluency", done, total))
        scored = iter(self._scorer.surprisals([s.text for it in items for s in it.doc.sentences], on_batch))
        mt = [[next(scored) for _ in item.doc.sentences] for item in items]
        # Re-translation sentences are scored only where a rule reads their score: as counterparts of
        # MT sentences below the flagging threshold (MT901/MT902 ignore it above). Same findings,
        # about half the language-model work when a re-translation is given.
        bound = self._ref_threshold()
        wanted: list[list[int]] = []
        for item, surps in zip(items, mt, strict=True):
            if item.reference is None:
                wanted.append([])
                continue
            low = {s.index for s in score_document(item.doc, surps, "").sentences if s.score < bound}
            wanted.append(sorted({j for p in item.alignment if low.intersection(p.mt) for j in p.ref}))
        ref_texts = [
            item.reference.document.sentences[j].text  # type: ignore[union-attr]
            for item, js in zip(items, wanted, strict=True)
            for j in js
        ]
        ref_scored = iter(self._scorer.surprisals(ref_texts, on_batch) if ref_texts else [])
        for item, surps, js in zip(items, mt, wanted, strict=True):
            ref_doc = item.reference.document if item.reference else None
            ref = None
            if ref_doc is not None:
                ref = [None] * len(ref_doc.sentences)
                for j in js:
                    ref[j] = next(ref_scored)
            item.fluency = score_document(item.doc, surps, self.lm_name or "", ref_doc, ref, item.alignment)

    def _ref_threshold(self) -> float:
        """Highest sentence-score threshold of the selected rules that compare with the re-translation."""
        bound = -1.0
        for rule in self.rules:
            if "fluency" in rule.needs and "threshold" in rule.options:
                value = self.config.rules.get(rule.code, {}).get("threshold", rule.options["threshold"])
                bound = max(bound, float(value))
        return bound

    def encode_words(self, items: Sequence[Prepared]) -> None:
        """Word vectors for the quality model (mtcheck.qe), one batched pass over every article."""
        from mtcheck.qe.stage import enabled

        todo = [item for item in items if item.reference is not None]
        if not todo or not enabled(self.config):
            return
        from mtcheck.backends.embeddings import get_embedder
        from mtcheck.qe.stage import encode_sides

        sides = encode_sides(get_embedder(), [(i.doc, [i.reference.document]) for i in todo])  # type: ignore[union-attr]
        for item, side in zip(todo, sides, strict=True):
            item.words = side

    def judge(self, item: Prepared) -> DocumentReport:
        from mtcheck.engine import run_rules
        from mtcheck.rules import RuleContext
        from mtcheck.scoring import document_quality, sentence_scores, verdict

        ctx = RuleContext(
            doc=item.doc,
            reference=item.reference.document if item.reference else None,
            alignment=item.alignment,
            fluency=item.fluency,
            src_lang=item.article.src_lang or self.config.src_lang,
            options=self.config.rules,
        )
        findings = run_rules(ctx, self.rules)
        scores = sentence_scores(item.doc, findings, item.alignment, item.fluency)
        if item.words is not None:
            from mtcheck.qe.stage import apply_model

            findings, scores, self.qe_name = apply_model(item, findings, scores, self.config)
        quality = document_quality(item.doc, scores, findings)
        adequacy = None
        if item.reference is not None:
            from mtcheck.adequacy import document_adequacy

            adequacy = document_adequacy(item.doc, item.reference.document, item.alignment)
        return DocumentReport(
            document=item.doc,
            findings=findings,
            quality=quality,
            sentence_scores=scores,
            verdict=verdict(findings, quality, self.config.fail_on, self.config.min_score),
            reference=item.reference,
            alignment=item.alignment,
            adequacy=adequacy,
            fluency=item.fluency,
        )

    # --- driver -------------------------------------------------------------------------------
    def run(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError] = (),
        progress: Progress | None = None,
        strict: bool = False,
    ) -> Report:
        """Check a batch; an article that fails is reported as an error and the rest go on.

        With ``strict`` (a single article on the command line) the first input error is raised.
        """
        items, failed = self.prepare_all(articles, errors, strict)
        return self.judge_all(items, failed, progress)

    def prepare_all(
        self, articles: Sequence[Article], errors: Sequence[InputError] = (), strict: bool = False
    ) -> tuple[list[Prepared], list[InputError]]:
        """Every stage before the rules (segment, re-translate, align, score fluency): the model work.

        Split from :meth:`judge_all` so that a distributed run can do this on a GPU worker and the
        rules on CPU workers.
        """
        failed = list(errors)
        items: list[Prepared] = []
        for article in articles:
            try:
                items.append(prepare(article, self.config))
            except MtcheckError as exc:
                if strict:
                    raise
                failed.append(InputError(article.id, str(exc)))
        self.attach_references(items)
        self.align(items)
        self.score_fluency(items)
        self.encode_words(items)
        return items, failed

    def judge_all(
        self, items: Sequence[Prepared], failed: Sequence[InputError], progress: Progress | None = None
    ) -> Report:
        """Rules, scores and the gate over prepared articles; no model is needed from here on."""
        failed = list(failed)
        reports = []
        for item in items:
            reports.append(self.judge(item))
            if progress:
                progress(1)
        from mtcheck.scoring import batch_verdict

        overall = batch_verdict(reports, failed)
        return Report(
            signature=signature(self.config, self.translator_name, self.lm_name, self.qe_name),
            documents=reports,
            verdict=overall,
            errors=failed,
        )


def check_article(article: Article, config: Config, stage_progress: StageProgress | None = None) -> Report:
    """Check one article; input problems raise instead of being collected."""
    return Checker(config, stage_progress).run([article], strict=True)
