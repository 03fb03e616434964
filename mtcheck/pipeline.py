"""The stages of a run over one article or a batch: segment, re-translate, align, score fluency, rules.

Model work is done up front for the whole batch (one translation pass, one fluency pass), with the
models of a :class:`~mtcheck.models.ModelRegistry`, so that rules stay pure functions of precomputed
data. The model stage returns what it used (:class:`~mtcheck.signature.ModelsUsed`) as a value; the
Checker keeps no record of past runs. Scores, verdicts and the signature come from the one report
path, :func:`mtcheck.reporting.build_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtcheck.document import (
    AlignedPair,
    Document,
    FluencyResult,
    InputError,
    Reference,
    Report,
)
from mtcheck.errors import ConfigError, InputFileError, MtcheckError
from mtcheck.readers import Article
from mtcheck.reporting import FindingFilter, Judged, build_report
from mtcheck.segment import segment
from mtcheck.settings import InputSettings
from mtcheck.signature import FILE, ModelsUsed

if TYPE_CHECKING:
    from mtcheck.config import Config
    from mtcheck.models import ModelRegistry

Progress = Callable[[int], None]
# Articles per shard of a pipelined batch (Checker._run_pipelined). Small enough that the first shard's
# model work (which nothing overlaps) is a small part of a batch of a hundred; large enough that each
# language-model pass still fills every CTranslate2 worker with several batches (16 news articles are
# ~3,000 tokens: a dozen 256-token batches).
PIPELINE_SHARD = 16
# Whether a full-check batch of more than PIPELINE_SHARD articles is pipelined at all. Off: side by side
# it gave no gain that survived a second round (quiet, 100 articles: 1.58x one worker against 1.64x for
# two workers alone; loaded, 40 articles, two rounds: 24.0 and 46.8 s against 25.8 and 29.4 s) and
# held ~170 MB more at its peak (1,179-1,232 MB against 1,008-1,074 MB; benchmarks/profile_stages.py
# --sections batch_layouts, results/profile_stages_layouts_s5.json).
PIPELINED = False
# Fewest characters of text for which a rules-only batch forks worker processes (Checker._rules_workers):
# below this, starting the pool costs more than the second core saves. Measured on the 2-core machine
# (benchmarks/batch_speed.py --pool-cutoff): starting and stopping a two-worker pool takes 24-33 ms and
# one process checks 255,000-370,000 characters a second, so two workers break even at about
# 2 x 33 ms x 370,000 = 24,000 characters; the margin covers a busy machine, where the second core is
# only partly there. 40,000 characters: about eleven 600-word articles.
POOL_MIN_CHARS = 40_000
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
    # Further re-translations (after ``reference``), each with its own alignment; mtcheck.multiref.
    extra: list[tuple[Reference, list[AlignedPair]]] = field(default_factory=list)
    source_scores: Any = None  # mtcheck.source.scores.SourceScores when the source-aware pass ran

    @property
    def references(self) -> list[Reference]:
        """Every re-translation, the first (``reference``) first; empty without one."""
        return ([] if self.reference is None else [self.reference]) + [r for r, _ in self.extra]

    @property
    def alignments(self) -> list[list[AlignedPair]]:
        """The alignment with each re-translation, in the order of :attr:`references`."""
        return ([] if self.reference is None else [self.alignment]) + [a for _, a in self.extra]


@dataclass
class PreparedBatch:
    """A batch after the model stages: its articles, the inputs that failed, and the models used."""

    items: list[Prepared]
    failed: list[InputError]
    used: ModelsUsed


def prepare(article: Article, inputs: InputSettings) -> Prepared:
    if len(article.text) > inputs.max_chars:
        raise InputFileError(
            f"{article.id}: {len(article.text):,} characters is over --max-chars {inputs.max_chars:,}"
        )
    if not article.text.strip():
        raise InputFileError(f"{article.id}: the article is empty")
    doc = segment(article.text, article.id)
    doc.suppressions = list(article.suppressions)
    doc.origin = article.origin
    doc.origin = article.origin
    return Prepared(article, doc)


class Checker:
    """The settings, selected rules and models of a run of one or many articles.

    ``models``: the registry to take models from (shared between Checkers, or holding objects a test
    hands in); by default one built from ``config``'s model settings.
    """

    def __init__(
        self,
        config: Config,
        stage_progress: StageProgress | None = None,
        *,
        models: ModelRegistry | None = None,
    ) -> None:
        from mtcheck.engine import validate_rule_settings
        from mtcheck.features import fluency_enabled
        from mtcheck.models import ModelRegistry

        self.config = config
        self.settings = config.rule_settings
        self.inputs = config.input_settings
        # Rule codes and options are checked here, where the rule registry is loaded, before any work.
        self.rules = validate_rule_settings(self.settings)
        self.models = models if models is not None else ModelRegistry(config.model_settings)
        self.stage_progress = stage_progress
        # Decided up front, so that fluency = "on" without the model stack fails before any work.
        self.fluency_on = fluency_enabled(config)

    # --- model stages -------------------------------------------------------------------------
    def attach_references(self, items: Sequence[Prepared]) -> tuple[str, ...]:
        """Segment supplied re-translations; re-translate sources where only a source is given.

        Returns the translators used: ``file`` for supplied re-translations, else engine names.
        """
        used: set[str] = set()
        by_lang: dict[str, list[Prepared]] = {}
        for item in items:
            if item.article.reference is not None:
                ref_doc = segment(item.article.reference, f"{item.article.id}:reference")
                item.reference = Reference(FILE, item.article.id, ref_doc)
                for k, text in enumerate(item.article.extra_references, start=2):
                    extra_doc = segment(text, f"{item.article.id}:reference{k}")
                    item.extra.append((Reference(FILE, f"{item.article.id}#{k}", extra_doc), []))
                used.add(FILE)
            elif item.article.source is not None and item.article.source.strip():
                lang = item.article.src_lang or self.inputs.src_lang
                if not lang:
                    raise ConfigError(f"{item.article.id}: a source text needs --src-lang (e.g. es)")
                # engine none (setting or JSONL line): no re-translation; the source-aware pass scores it.
                if self._engine(item) != "none":
                    by_lang.setdefault(lang, []).append(item)
        for lang, group in by_lang.items():
            from mtcheck.backends.retranslate import retranslate_many

            translator = self.models.translator(lang)
            # One call per language for the whole batch: the engine batches and caches across articles.
            texts = retranslate_many(translator, [item.article.source or "" for item in group], lang)
            for item, text in zip(group, texts, strict=True):
                ref_doc = segment(text, f"{item.article.id}:reference")
                item.reference = Reference(translator.origin, translator.name, ref_doc)
            used.add(translator.name)
        return ModelsUsed.of(used).translators

    def _engine(self, item: Prepared) -> str:
        return item.article.engine or self.models.settings.engine

    def align(self, items: Sequence[Prepared]) -> str | None:
        """Align MT sentences with re-translation sentences and score adequacy per pair.

        With sentence embeddings, every article's sentences are encoded in one batched pass first.
        Returns the sentence encoder's name when it took part, else None.
        """
        pairs = [item for item in items if item.reference is not None]
        if not pairs:
            return None
        from mtcheck.align import align_documents, embed_pairs

        encoder = self.models.sentence_encoder()
        kept = None
        if encoder is not None and self._quality_model_runs(pairs):
            from mtcheck.backends.kept_states import KeptStates

            # The quality model's word vectors pool the token states of this same pass: one encoder
            # pass per sentence, not two (issue 14). Dropped with this stage, once they are pooled.
            encoder = kept = KeptStates(encoder)
        docs = [(item.doc, ref.document) for item in pairs for ref in item.references]
        vectors: list = [None] * len(docs)
        if encoder is not None:
            vectors = embed_pairs(docs, encoder)
        aligned = iter(
            align_documents(mt, ref, vectors=vecs) for (mt, ref), vecs in zip(docs, vectors, strict=True)
        )
        for item in pairs:
            item.alignment = next(aligned)
            item.extra = [(ref, next(aligned)) for ref, _ in item.extra]
        if kept is not None:
            self._word_sides(pairs, kept)
        return None if encoder is None else encoder.name

    def score_fluency(self, items: Sequence[Prepared]) -> str | None:
        """Per-sentence fluency from the causal LM, one batched pass over all articles.

        Re-translation sentences go through the same pass, so that each MT sentence can be compared
        with its aligned counterpart. Returns the LM's name when it scored, else None.
        """
        if not self.fluency_on or not items:
            return None
        scorer = self.models.fluency_scorer()
        if scorer is None:
            return None
        from mtcheck.fluency import score_document

        report = self.stage_progress
        on_batch = None if report is None else (lambda done, total: report("fluency", done, total))
        scored = iter(scorer.surprisals([s.text for it in items for s in it.doc.sentences], on_batch))
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
        ref_scored = iter(scorer.surprisals(ref_texts, on_batch) if ref_texts else [])
        for item, surps, js in zip(items, mt, wanted, strict=True):
            ref_doc = item.reference.document if item.reference else None
            ref = None
            if ref_doc is not None:
                ref = [None] * len(ref_doc.sentences)
                for j in js:
                    ref[j] = next(ref_scored)
            item.fluency = score_document(item.doc, surps, scorer.name, ref_doc, ref, item.alignment)
        return scorer.name

    def _ref_threshold(self) -> float:
        """Highest sentence-score threshold of the selected rules that compare with the re-translation."""
        bound = -1.0
        options = self.settings.option_map()
        for rule in self.rules:
            if "fluency" in rule.needs and "threshold" in rule.options:
                value = options.get(rule.code, {}).get("threshold", rule.options["threshold"])
                bound = max(bound, float(value))
        return bound

    def prepare_all(
        self, articles: Sequence[Article], errors: Sequence[InputError] = (), strict: bool = False
    ) -> PreparedBatch:
        """Every stage before the rules (segment, re-translate, align, score fluency): the model work.

        Split from :meth:`judge_all` so that a distributed run can do this on a GPU worker and the
        rules on CPU workers. With ``strict`` the first input error is raised.
        """
        failed = list(errors)
        items: list[Prepared] = []
        for article in articles:
            try:
                items.append(prepare(article, self.inputs))
            except MtcheckError as exc:
                if strict:
                    raise
                failed.append(InputError(article.id, str(exc)))
        translators = self.attach_references(items)
        encoder = self.align(items)
        lm = self.score_fluency(items)
        quality_model = self.encode_words(items)
        source_lm = self.score_source(items)
        used = ModelsUsed.of(
            translators, lm, encoder, quality_model,
            settings=self.models.settings, quality_findings=self.config.quality_findings, source_lm=source_lm,
        )  # fmt: skip
        return PreparedBatch(items, failed, used)

    def score_source(self, items: Sequence[Prepared]) -> str | None:
        """The MT's log-prob given its source (mtcheck.source), one pass over the articles with a
        source text; its own stage ("source" in progress). Returns the scorer's name when it ran.

        Under ``auto`` an article with a re-translation is skipped: its quality comes from the
        re-translation, and the pass would cost time for nothing; ``on`` scores it too.
        """
        every = self.models.settings.source_aware == "on"
        todo = [
            i
            for i in items
            if i.article.source is not None and i.article.source.strip() and (every or i.reference is None)
        ]
        if not todo:
            return None
        from mtcheck.source.scores import MODEL_VERSION
        from mtcheck.source.stage import enabled, score_documents

        # Asked to check against the source alone: a missing model is an error, not a notice.
        required = any(self._engine(i) == "none" for i in todo)
        if not self.models.has_source_scorer and not enabled(self.models.settings, required):
            return None
        scorer = self.models.source_scorer()
        if scorer is None:
            return None

        report = self.stage_progress
        on_piece = None if report is None else (lambda done, total: report("source", done, total))
        lang = self.inputs.src_lang or ""
        docs = [(i.doc, i.article.source or "", i.article.src_lang or lang) for i in todo]
        for item, scores in zip(todo, score_documents(scorer, docs, on_piece), strict=True):
            item.source_scores = scores
        return f"{scorer.name}+{MODEL_VERSION}"

    def encode_words(self, items: Sequence[Prepared]) -> str | None:
        """Word vectors for the quality model (mtcheck.qe), one batched pass over every article.

        Returns the quality model's name (version@digest) when it will run, else None.
        """
        todo = [item for item in items if item.reference is not None]
        if not self._quality_model_runs(todo):
            return None
        from mtcheck.qe.model import load

        encoder = self.models.sentence_encoder()
        if encoder is None:  # embeddings off: the quality model has no word vectors to read
            return None
        # Articles the alignment stage gave word vectors already (from its own pass) are not redone.
        self._word_sides([i for i in todo if i.words is None], encoder)
        model = load()
        return f"{model.version}@{model.digest}"

    def _quality_model_runs(self, items: Sequence[Prepared]) -> bool:
        """Whether the quality model will read these articles (any with a re-translation)."""
        if not any(item.reference is not None for item in items):
            return False  # before the import: mtcheck.qe.stage brings numpy, a rules-only run needs none
        from mtcheck.qe.stage import enabled

        return enabled(self.config)

    def _word_sides(self, items: Sequence[Prepared], encoder: Any) -> None:
        """Set each article's ``words`` (MT and re-translation words with their vectors)."""
        if not items:
            return
        from mtcheck.qe.stage import encode_sides

        sides = encode_sides(encoder, [(i.doc, [r.document for r in i.references]) for i in items])
        for item, side in zip(items, sides, strict=True):
            item.words = side

    # --- rules --------------------------------------------------------------------------------
    def judge(self, item: Prepared) -> Judged:
        """The rules' findings on one prepared article, with its document adequacy; no model needed."""
        from mtcheck.engine import run_rules
        from mtcheck.rules import RuleContext

        ctx = RuleContext(
            doc=item.doc,
            reference=item.reference.document if item.reference else None,
            alignment=item.alignment,
            fluency=item.fluency,
            src_lang=item.article.src_lang or self.inputs.src_lang,
            options=self.settings.option_map(),
        )
        adequacy = None
        if item.reference is not None:
            from mtcheck.adequacy import document_adequacy

            adequacy = document_adequacy(item.doc, item.reference.document, item.alignment)
        findings = run_rules(ctx, self.rules)
        if item.extra:
            findings, adequacy = self._combine(item, ctx, findings)
        quality = None
        if item.words is not None:
            from mtcheck.qe.stage import apply_model
            from mtcheck.scoring import sentence_scores

            scores = sentence_scores(item.doc, findings, item.alignment, item.fluency)
            findings, scores, _ = apply_model(item, findings, scores, self.config)
            quality = {s.index: s.quality for s in scores}
        elif item.source_scores is not None and item.reference is None:
            from mtcheck.scoring import sentence_scores
            from mtcheck.source.scores import combined_quality

            # No re-translation: the source-aware score stands in for adequacy (mtcheck.source.scores).
            scores = sentence_scores(item.doc, findings, item.alignment, item.fluency)
            quality = combined_quality(item.doc, item.source_scores, scores)
        return Judged(
            item.doc, findings, item.reference, item.alignment, adequacy, item.fluency, quality, item.extra
        )

    def _combine(self, item: Prepared, ctx: Any, findings: list) -> tuple[list, Any]:
        """With several re-translations: the findings every re-translation supports, and adequacy
        over the best-matching one per sentence (mtcheck.multiref)."""
        from dataclasses import replace

        from mtcheck.engine import run_rules
        from mtcheck.multiref import agreed, document_adequacy

        ref_rules = [r for r in self.rules if "reference" in r.needs]
        runs = [
            run_rules(replace(ctx, reference=ref.document, alignment=alignment), ref_rules)
            for ref, alignment in item.extra
        ]
        kept = agreed(findings, runs, {r.code for r in ref_rules})
        refs = [ref.document for ref in item.references]
        return kept, document_adequacy(item.doc, refs, item.alignments)

    def judge_all(
        self, batch: PreparedBatch, progress: Progress | None = None, keep: FindingFilter | None = None
    ) -> Report:
        """Rules, then the one report path (scores, gate, signature); no model is needed from here on.

        ``keep``: a filter on each article's findings before scoring (a baseline's ``keep_new``).
        """
        judged = self._judge_items(batch.items, progress)
        return build_report(judged, batch.failed, self.settings, batch.used, keep)

    def _judge_items(self, items: Sequence[Prepared], progress: Progress | None) -> list[Judged]:
        """:meth:`judge` on each article in order, reporting one step of ``progress`` per article."""
        judged = []
        for item in items:
            judged.append(self.judge(item))
            if progress:
                progress(1)
        return judged

    # --- driver -------------------------------------------------------------------------------
    def run(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError] = (),
        progress: Progress | None = None,
        strict: bool = False,
        keep: FindingFilter | None = None,
    ) -> Report:
        """Check a batch; an article that fails is reported as an error and the rest go on.

        With ``strict`` (a single article on the command line) the first input error is raised.
        A rules-only batch may run in worker processes (:meth:`_rules_workers`). With ``PIPELINED``
        (off by default), fluency on and more than ``PIPELINE_SHARD`` articles, :meth:`_run_pipelined`
        runs the rules of one shard while the models work on the next.
        """
        workers = 1 if strict else self._rules_workers(articles)
        if workers > 1:
            return self._run_in_processes(articles, errors, progress, keep, workers)
        if strict or not self.fluency_on or not PIPELINED or len(articles) <= PIPELINE_SHARD:
            return self.judge_all(self.prepare_all(articles, errors, strict), progress, keep)
        return self._run_pipelined(articles, errors, progress, keep)

    def _rules_workers(self, articles: Sequence[Article]) -> int:
        """Worker processes for a batch that needs no model (1: run it here).

        Only rules-only batches: no fluency, and no article with a re-translation or a source (their
        model stages batch across articles in this process). ``threads`` sets the count (default: one
        per CPU, :func:`mtcheck.procpool.default_workers`); batches under ``POOL_MIN_CHARS`` characters
        and systems without ``fork`` run here.
        """
        if self.fluency_on or len(articles) < 2 or sum(len(a.text) for a in articles) < POOL_MIN_CHARS:
            return 1
        if any(a.reference is not None or (a.source and a.source.strip()) for a in articles):
            return 1
        from mtcheck import procpool

        if not procpool.fork_available():
            return 1
        return self.config.threads if self.config.threads is not None else procpool.default_workers()

    def _run_in_processes(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError],
        progress: Progress | None,
        keep: FindingFilter | None,
        workers: int,
    ) -> Report:
        """A rules-only batch in chunks on ``workers`` forked processes (mtcheck.procpool), merged in
        article order with input errors in place: the same report as the one-process run."""
        from contextlib import closing

        from mtcheck.procpool import run_ordered

        def chunk(start: int, end: int) -> tuple[list[Judged], list[InputError], ModelsUsed]:
            batch = self.prepare_all(articles[start:end])
            return self._judge_items(batch.items, None), batch.failed, batch.used

        judged: list[Judged] = []
        failed = list(errors)
        used = ModelsUsed()
        with closing(run_ordered(chunk, len(articles), workers)) as results:
            for count, (some, bad, chunk_used) in results:
                judged.extend(some)
                failed.extend(bad)
                used = used.merged(chunk_used)
                if progress:
                    progress(count)
        return build_report(judged, failed, self.settings, used, keep)

    def _run_pipelined(
        self,
        articles: Sequence[Article],
        errors: Sequence[InputError],
        progress: Progress | None,
        keep: FindingFilter | None,
    ) -> Report:
        """The batch in shards of ``PIPELINE_SHARD`` articles: a second thread runs shard k's rules while
        this one runs the model stages of shard k + 1, so the rules' pure-Python work overlaps the
        models' arithmetic (which runs in the models' own threads, outside the GIL) instead of leaving
        CPU cores idle. The models stay on the caller's thread (the translation cache's SQLite
        connection and tokenizers may be bound to it); the rules need no model. The shards' results
        are put together as a distributed run's are (``ModelsUsed.merged``), in article order: the
        same report as one :meth:`prepare_all` over everything, except float noise in model scores
        that depend on which sentences share a batch (CTranslate2: ~1e-7 nats).
        """
        from concurrent.futures import Future, ThreadPoolExecutor

        judged: list[Judged] = []
        failed: list[InputError] = []
        used = ModelsUsed()
        judging: Future[list[Judged]] | None = None
        with ThreadPoolExecutor(1, thread_name_prefix="mtcheck-rules") as pool:
            for k in range(0, len(articles), PIPELINE_SHARD):
                batch = self.prepare_all(articles[k : k + PIPELINE_SHARD], errors if k == 0 else ())
                if judging is not None:
                    judged.extend(judging.result())
                judging = pool.submit(self._judge_items, batch.items, progress)
                failed.extend(batch.failed)
                used = used.merged(batch.used)
            if judging is not None:
                judged.extend(judging.result())
        return build_report(judged, failed, self.settings, used, keep)


def check_article(
    article: Article,
    config: Config,
    stage_progress: StageProgress | None = None,
    *,
    models: ModelRegistry | None = None,
    keep: FindingFilter | None = None,
) -> Report:
    """Check one article; input problems raise instead of being collected."""
    return Checker(config, stage_progress, models=models).run([article], strict=True, keep=keep)
