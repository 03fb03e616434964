"""Shared test helpers: build a rule context from text the way the pipeline does."""

from __future__ import annotations

from functools import lru_cache

from mtcheck.document import Finding
from mtcheck.rules import REGISTRY, RuleContext
from mtcheck.segment import segment


@lru_cache(maxsize=1)
def _encoder():
    """The sentence encoder a run with default settings aligns with (None without the extra)."""
    from mtcheck.models import ModelRegistry

    return ModelRegistry().sentence_encoder()


def context(mt: str, reference: str | None = None, src_lang: str | None = None, **options) -> RuleContext:
    doc = segment(mt, "test")
    ref_doc = None
    alignment = []
    if reference is not None:
        from mtcheck.align import align_documents

        ref_doc = segment(reference, "test:reference")
        alignment = align_documents(doc, ref_doc, encoder=_encoder())
    return RuleContext(doc=doc, reference=ref_doc, alignment=alignment, src_lang=src_lang, options=options)


def run_rule(code: str, mt: str, reference: str | None = None, src_lang: str | None = None) -> list[Finding]:
    rule = REGISTRY[code]()
    ctx = context(mt, reference, src_lang)
    if "fluency" in rule.needs:
        # Fluency rules' examples carry per-word LM evidence instead of a model (see rules/fluency.py).
        from mtcheck.rules.fluency import example_fluency

        ctx.fluency = example_fluency(rule, ctx)
    if not rule.applies(ctx):
        return []
    return list(rule.check(ctx))


def flagged(code: str, mt: str, reference: str | None = None, src_lang: str | None = None) -> list[str]:
    return [f.text for f in run_rule(code, mt, reference, src_lang)]
