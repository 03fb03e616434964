"""MT901/MT902 on fluency results built from surprisal, and end to end on the tiny model."""

from __future__ import annotations

from mtcheck import fluency, words
from mtcheck.rules import REGISTRY, RuleContext
from mtcheck.segment import segment
from tests.helpers import context

GARBLED = "In a new period the allies expressed themselves in the sense of the meeting."
REF = "In a new session the allies expressed their views on the meeting."
CLEAN = "NATO allies agreed on Wednesday to send more air defence systems to Ukraine."


def ctx_with(text: str, excess: list[float], reference: str | None = None) -> RuleContext:
    ctx = context(text, reference)
    units = list(words.TOKEN.finditer(text))
    toks = [[(m.start() - s.start, m.end() - s.start, fluency.unigram_nats(m.group()) + x)
             for m, x in zip(units, excess, strict=True) if s.start <= m.start() < s.end]
            for s in ctx.doc.sentences]  # fmt: skip
    ref_toks = None
    if ctx.reference is not None:
        ref_toks = [
            [
                (m.start(), m.end(), fluency.unigram_nats(m.group()) - 4.0)
                for m in words.TOKEN.finditer(s.text)
            ]
            for s in ctx.reference.sentences
        ]
    ctx.fluency = fluency.score_document(ctx.doc, toks, "m", ctx.reference, ref_toks, ctx.alignment)
    return ctx


BUMPY = [-1.0, -2.0, 1.0, 2.0, 0.5, 3.0, 8.5, 7.5, 7.5, -2.0, 8.0, -1.0, 3.0, 2.0, -2.0]


def test_mt901_flags_the_sentence_and_suggests_the_re_translation() -> None:
    ctx = ctx_with(GARBLED, BUMPY, reference=REF)
    (f,) = REGISTRY["MT901"]().check(ctx)
    assert f.text == GARBLED and f.suggestion == REF
    assert "re-translation" in f.message and "“expressed”" in f.message


def test_mt902_flags_the_consecutive_surprising_words() -> None:
    ctx = ctx_with(GARBLED, BUMPY)
    (f,) = REGISTRY["MT902"]().check(ctx)
    assert f.text == "expressed themselves in the sense"


def test_rules_stay_quiet_without_fluency_and_on_fluent_text() -> None:
    assert not REGISTRY["MT901"]().applies(context(GARBLED))
    ctx = ctx_with(CLEAN, [-4.0] * 14)
    assert not list(REGISTRY["MT901"]().check(ctx)) and not list(REGISTRY["MT902"]().check(ctx))


def test_pipeline_scores_fluency_with_a_local_model(tmp_path) -> None:
    from mtcheck.config import Config
    from tests.backends.tiny_causal import build_tiny_causal_lm

    tiny_causal_dir = build_tiny_causal_lm(tmp_path / "tiny")
    from mtcheck.pipeline import Checker
    from mtcheck.readers import Article

    checker = Checker(Config(fluency_model=str(tiny_causal_dir), threads=1))
    report = checker.run(
        [Article("a", "the allies said . gave details of the organization ."), Article("b", "nato")]
    )
    # model-runtime auto: CTranslate2 (installed with the models extra) on CPU at fp32.
    assert report.signature.lm == f"{tiny_causal_dir.name}@ct2"
    assert f"lm:{tiny_causal_dir.name}@ct2" in str(report.signature)
    a, b = report.documents
    assert a.fluency is not None and len(a.fluency.sentences) == 2 and b.fluency is not None
    assert all(s.fluency is not None for s in a.sentence_scores)
    assert segment(a.document.text, "x").sentences[1].start == a.fluency.sentences[1].tokens[0].start
    off = Checker(Config(fluency=False)).run([Article("a", "the allies said .")])
    assert off.documents[0].fluency is None and off.signature.lm is None and "lm:none" in str(off.signature)
