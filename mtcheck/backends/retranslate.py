"""Build the configured re-translation engine and re-translate whole source articles with it.

The source is segmented with the same segmenter as the MT (paragraphs, then sentences); every
sentence of every article goes to the engine in one call, and the English comes back assembled
with the source's paragraph breaks, ready to be segmented and aligned like a supplied reference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtcheck.backends.base import Translator
from mtcheck.segment import segment

# pysbd's English rules do not split at CJK full stops, which are not followed by a space.
_CJK_END = re.compile(r"(?<=[。！？])(?![”」』）)])")


def make_translator(
    src_lang: str | None,
    *,
    engine: str = "transformers",
    mt_model: str | None = None,
    device: str = "auto",
    threads: int | None = None,
    batch_size: int = 16,
    beam_size: int = 4,
    max_length: int = 256,
    cache: bool = True,
    cache_dir: str | None = None,
) -> Translator:
    """The engine asked for (``transformers`` or ``apertium``), wrapped in the on-disk cache unless
    ``cache`` is off. ``mt_model`` None: the model card for ``src_lang``."""
    inner: Translator
    if engine == "apertium":
        from mtcheck.backends.apertium import ApertiumTranslator

        inner = ApertiumTranslator()
    else:
        from mtcheck.backends.stack import require_models

        require_models("re-translation with --engine transformers (or --engine apertium, or --reference)")
        from mtcheck.backends.cards import resolve
        from mtcheck.backends.seq2seq import Seq2SeqTranslator

        inner = Seq2SeqTranslator(
            resolve(src_lang, mt_model),
            device=device, batch_size=batch_size, beam_size=beam_size, max_length=max_length, threads=threads,
        )  # fmt: skip
    if not cache:
        return inner
    from mtcheck.backends.cache import CachedTranslator, TranslationCache, default_path

    return CachedTranslator(inner, TranslationCache(default_path(cache_dir)))


def source_units(text: str, src_lang: str | None = None) -> list[list[str]]:
    """The source's paragraphs as lists of sentences."""
    doc = segment(text, "source")
    paragraphs: list[list[str]] = [[] for _ in doc.paragraphs]
    for sent in doc.sentences:
        pieces = [sent.text]
        if (src_lang or "").lower()[:2] in ("zh", "ja"):
            pieces = [p.strip() for p in _CJK_END.split(sent.text) if p.strip()]
        paragraphs[sent.paragraph].extend(pieces)
    return [p for p in paragraphs if p]


def retranslate_many(translator: Translator, sources: Sequence[str], src_lang: str) -> list[str]:
    """Re-translate several source articles with one call to the engine; paragraphs are kept."""
    units = [source_units(text, src_lang) for text in sources]
    flat = [s for article in units for paragraph in article for s in paragraph]
    translated = iter(translator.translate(flat, src_lang))
    out = []
    for article in units:
        paragraphs = []
        for paragraph in article:
            paragraphs.append(" ".join(t for t in [next(translated) for _ in paragraph] if t))
        out.append("\n\n".join(p for p in paragraphs if p))
    return out


def retranslate(translator: Translator, source: str, src_lang: str) -> str:
    return retranslate_many(translator, [source], src_lang)[0]
