"""Untranslated words: source-language words left in the English, and foreign-script runs.

Word judgements come from wordfreq's frequency lists, not a hand-typed list: a word is flagged when it
is common in the source language and rare in English. Capitalised words are skipped, since names are
shared across languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, ClassVar

from mtcheck.document import Applicability, Finding, Severity
from mtcheck.rules.base import Example, Rule, RuleContext, register

_LOWER_WORD = re.compile(r"(?<![\w’'\-])([a-zà-öø-ÿ][a-zà-öø-ÿ’']*[a-zà-öø-ÿ])(?![\w’'\-])")


# Source languages in other scripts: a Latin-script word cannot be one of theirs (MT402 covers them).
_NON_LATIN = frozenset(
    {
        "zh",
        "ja",
        "ko",
        "ru",
        "uk",
        "bg",
        "mk",
        "sr",
        "ar",
        "fa",
        "ur",
        "he",
        "el",
        "th",
        "hi",
        "bn",
        "ta",
        "mr",
    }
)


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


@lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


@register
class UntranslatedWord(Rule):
    code = "MT401"
    fix_applicability = Applicability.DISPLAY
    name = "untranslated-word"
    category = "untranslated"
    severity = Severity.WARNING
    summary = "A source-language word left untranslated in the English text."
    why = "MT copies words it cannot translate; readers of the English version cannot understand them."
    fix = "Translate the word."
    needs = frozenset({"src_lang"})
    # Zipf frequency (log10 per billion words): common in the source, and much rarer in English.
    options: ClassVar[dict[str, Any]] = {"min_source_zipf": 3.5, "max_english_zipf": 4.0, "min_gap": 3.0}
    passes = (
        Example("The fiesta in the plaza drew a crowd, the junta said.", src_lang="es"),
        Example("The minister said the agreement was signed.", src_lang="es"),
        Example("The ministro said the acuerdo was signed."),  # no source language given: rule is off
    )
    fails = (
        Example("the ministro said the acuerdo was signed", src_lang="es", flagged=("ministro", "acuerdo")),
        Example("The government said que the talks would go on.", src_lang="es", flagged=("que",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        lang = (ctx.src_lang or "").lower().split("-")[0]
        if not lang or lang == "en" or lang in _NON_LATIN or lang not in _wordfreq_languages():
            return
        min_src = ctx.option(self, "min_source_zipf")
        max_en = ctx.option(self, "max_english_zipf")
        gap = ctx.option(self, "min_gap")
        for m in _LOWER_WORD.finditer(ctx.text):
            word = m.group(1)
            if len(word) < 3:
                continue
            src, en = _zipf(word, lang), _zipf(word, "en")
            if src >= min_src and en <= max_en and src - en >= gap:
                yield self.finding(
                    ctx,
                    m.start(1),
                    m.end(1),
                    f"“{word}” looks untranslated: common in {lang} (zipf {src:.1f}), rare in English "
                    f"(zipf {en:.1f}).",
                    evidence=f"wordfreq zipf {lang}={src:.2f} en={en:.2f}",
                )


# Letters of scripts English never uses in running text (Greek is left out: α, β appear in science news).
_FOREIGN_SCRIPT = re.compile(
    r"[\u0400-\u04FF\u0590-\u05FF\u0600-\u06FF\u0E00-\u0E7F\u0900-\u097F\u3040-\u30FF\u3400-\u4DBF"
    r"\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]+(?:[\s\-·]*[\u0400-\u04FF\u0590-\u05FF\u0600-\u06FF\u0E00-\u0E7F"
    r"\u0900-\u097F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]+)*"
)


@register
class ForeignScript(Rule):
    code = "MT402"
    fix_applicability = Applicability.DISPLAY
    name = "foreign-script"
    category = "untranslated"
    severity = Severity.WARNING
    summary = "Text in a non-Latin script (Chinese, Cyrillic, Arabic...) left in the English."
    why = "MT copies source text it could not translate; English readers cannot read it."
    fix = "Translate or transliterate it."
    passes = ("The Zürich-based firm hired François Hollande’s aide.", "Beta-blockers (β) were used.")
    fails = (
        Example("The Ministry of 财政 said on Monday.", flagged=("财政",)),
        Example("He wrote Спасибо on the wall.", flagged=("Спасибо",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _FOREIGN_SCRIPT.finditer(ctx.text):
            yield self.finding(ctx, m.start(), m.end(), f"“{m.group()}” is not in English (foreign script).")
