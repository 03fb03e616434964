"""Spacing and typography: doubled spaces, repeated words, space before punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterator

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


_FULLWIDTH = re.compile(r"[，。；：！？（）、【】《》]")
_ASCII = {
    "，": ",",
    "。": ".",
    "；": ";",
    "：": ":",
    "！": "!",
    "？": "?",
    "（": "(",
    "）": ")",
    "、": ",",
    "【": "[",
    "】": "]",
    "《": "“",
    "》": "”",
}


@register
class FullWidthPunctuation(Rule):
    code = "MT543"
    fix_applicability = Applicability.SAFE
    name = "full-width-punctuation"
    category = "spacing"
    severity = Severity.WARNING
    summary = "Full-width (CJK) punctuation in English text."
    why = (
        "Chinese and Japanese punctuation copied from the source renders with extra space and breaks search."
    )
    fix = "Use the ASCII mark."
    passes = ("He came, saw and left.",)
    fails = (Example("He came，saw and left。", flagged=("，", "。")),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _FULLWIDTH.finditer(ctx.text):
            yield self.finding(
                ctx,
                m.start(),
                m.end(),
                f"Full-width “{m.group()}” in English text.",
                suggestion=_ASCII[m.group()],
            )
