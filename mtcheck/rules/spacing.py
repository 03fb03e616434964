"""Spacing and typography: doubled spaces, repeated words, space before punctuation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from mtcheck.document import Applicability, Finding, Severity
from mtcheck.rules.base import Example, Rule, RuleContext, register

# Anchored at the start of a word or space run and possessive, so that a long run without a double
# space is scanned once: the earlier `\S*?[\w]*` form backtracked cubically on a long word.
_DOUBLE_SPACE = re.compile(r"(?<!\S)(\S*+)(?<![ \t\u00a0])([ \t\u00a0]{2,}+)(?=([\w’'\-]+|\S))")


@register
class DoubledSpace(Rule):
    code = "MT540"
    fix_applicability = Applicability.SAFE
    name = "doubled-space"
    category = "spacing"
    severity = Severity.INFO
    summary = "Two or more spaces between words."
    why = "A doubled space usually marks where MT dropped a word or joined two segments."
    fix = "Use a single space (and check whether a word is missing)."
    passes = ("The minister spoke.\n  Indented line.", "One space only.")
    fails = (Example("The minister  spoke.", flagged=("minister  spoke",)),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        for m in _DOUBLE_SPACE.finditer(text):
            # Two spaces after a full stop is an old typing convention, not a garble.
            if not m.group(1) or m.group(1)[-1] in '.!?:”"':
                continue
            end = m.end() + len(m.group(3))
            yield self.finding(
                ctx,
                m.start(),
                end,
                f"{len(m.group(2))} spaces between “{m.group(1)}” and “{m.group(3)}”.",
                suggestion=f"{m.group(1)} {m.group(3)}",
            )


# Words are capped at 64 characters: an unbounded word with a back-reference was quadratic on a long
# run such as a’a’a’... (every letter is a word boundary and a fresh start).
_REPEAT = re.compile(r"\b([^\W\d_][\w’']{0,63}+)[ \t]+(\1)\b", re.IGNORECASE)
# Words that legitimately repeat: “had had”, “that that”, “is is” (what it is is), reduplications.
_LEGIT_REPEATS = frozenset(
    {
        "had",
        "that",
        "is",
        "do",
        "bye",
        "no",
        "so",
        "very",
        "ha",
        "knock",
        "tut",
        "now",
        "chop",
        "yada",
        "blah",
        "quite",
        "far",
        "more",
        "really",
        "many",
        "go",
    }
)


@register
class RepeatedWord(Rule):
    code = "MT541"
    fix_applicability = Applicability.SAFE
    name = "repeated-word"
    category = "spacing"
    severity = Severity.WARNING
    summary = "The same word twice in a row (`the the`)."
    why = "MT and post-editing leave doubled words when segments overlap."
    fix = "Delete the second copy."
    passes = (
        "He said he had had enough.",
        "She said that that was wrong.",
        "The band Duran Duran played in Walla Walla.",
    )
    fails = (Example("The minister said the the talks failed.", flagged=("the the",)),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _REPEAT.finditer(ctx.text):
            first, second = m.group(1), m.group(2)
            if first.lower() in _LEGIT_REPEATS:
                continue
            # Both capitalised: a name (Duran Duran, Sirhan Sirhan, Walla Walla) unless a function word.
            if second[0].isupper() and first.lower() not in {"the", "a", "an", "of", "to", "in", "and"}:
                continue
            if first != second and first.lower() != second.lower():
                continue
            yield self.finding(
                ctx,
                m.start(),
                m.end(),
                f"“{first}” is repeated.",
                suggestion=first,
            )


# Starts only where a run of word characters starts (skipping leading ’'%)]_) and never gives back
# what it matched, so a long word is scanned once instead of once per character.
_SPACE_BEFORE = re.compile(
    r"(?<![\w’'%)\]])[’'%)\]_]*+([^\W_][\w’'%)\]]*+)([ \t]+)([,.;:!?])(?![.\w])(?! \.)"
)


@register
class SpaceBeforePunctuation(Rule):
    code = "MT542"
    fix_applicability = Applicability.SAFE
    name = "space-before-punctuation"
    category = "spacing"
    severity = Severity.WARNING
    summary = "A space before a comma, full stop, colon, semicolon, question or exclamation mark."
    why = "English sets punctuation directly after the word; the space is a tokenisation leftover."
    fix = "Delete the space."
    passes = (
        "He came, saw and left.",
        "Shares of .NET firms rose.",
        "Wait . . . and see.",
        "Growth was .5 percent.",
    )
    fails = (
        Example("Ukraine , the minister said.", flagged=("Ukraine ,",)),
        Example("Is it over ?", flagged=("over ?",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _SPACE_BEFORE.finditer(ctx.text):
            word, punct = m.group(1), m.group(3)
            yield self.finding(
                ctx,
                m.start(1),
                m.end(),
                f"Space before “{punct}” after “{word}”.",
                suggestion=word + punct,
            )


# CJK punctuation with no ASCII compatibility form (the ideographic full stop and comma, book-title
# and lenticular brackets); every full-width form proper is found by its Unicode decomposition below.
_CJK_PUNCT = {"。": ".", "、": ",", "【": "[", "】": "]", "《": "“", "》": "”"}
# The full-width quotation mark is a look-alike quote: MT102 reports it.
_QUOTE_RULES_OWN = frozenset("＂")


@lru_cache(maxsize=1)
def _fullwidth_run() -> re.Pattern[str]:
    """Runs of full-width forms: every character whose compatibility decomposition is ``<wide>``
    (２０２３, ＷＨＯ, ．, ，, the ideographic space U+3000), plus CJK punctuation.

    Built from the Unicode database on first use, not typed out: a list misses characters.
    """
    wide = [
        chr(c)
        for c in range(0x3000, 0x10000)
        if unicodedata.decomposition(chr(c)).startswith("<wide>") and chr(c) not in _QUOTE_RULES_OWN
    ]
    return re.compile("[" + re.escape("".join(wide) + "".join(_CJK_PUNCT)) + "]+")


_NON_SPACE_BEFORE = re.compile(r"[^\s\u3000]*$")
_NON_SPACE_AFTER = re.compile(r"[^\s\u3000]*")


def _ascii(run: str) -> str:
    return "".join(_CJK_PUNCT.get(ch) or unicodedata.normalize("NFKC", ch) for ch in run)


@register
class FullWidthPunctuation(Rule):
    code = "MT543"
    fix_applicability = Applicability.SAFE
    name = "full-width-punctuation"
    category = "spacing"
    severity = Severity.WARNING
    summary = "Full-width (CJK) punctuation, digits, letters or spaces in English text."
    why = (
        "Full-width forms copied from a Chinese, Japanese or Korean source (２０２３, ＷＨＯ, ．, the "
        "ideographic space) render wide, break search and number checks, and look like a different text."
    )
    fix = "Use the ASCII characters."
    passes = ("He came, saw and left.", "Prices rose 5 percent in 2023, the WHO said.")
    fails = (
        Example("He came，saw and left。", flagged=("，", "。")),
        Example("Exports grew in ２０２３ at ＷＨＯ．", flagged=("２０２３", "ＷＨＯ．")),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        if text.isascii():
            return
        for m in _fullwidth_run().finditer(text):
            start, end = m.span()
            if m.group() != m.group().strip():
                # An ideographic space at either end: a span is never bare whitespace, so it takes in
                # the words around it, as the doubled-space rule does.
                start = _NON_SPACE_BEFORE.search(text, 0, start).start()
                end = _NON_SPACE_AFTER.match(text, end).end()
            span = text[start:end]
            shown = m.group().replace("\u3000", "␣")  # the ideographic space, made visible
            yield self.finding(
                ctx, start, end, f"Full-width “{shown}” in English text.", suggestion=_ascii(span)
            )
