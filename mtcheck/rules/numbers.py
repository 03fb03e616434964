"""Numbers: a magnitude word that lost its number, a decimal comma left from the source."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtcheck.document import Applicability, Finding, Severity
from mtcheck.rules._amounts import UNIT_WORDS
from mtcheck.rules.base import Example, Rule, RuleContext, register

_CAPITAL_NEXT = re.compile(r"\s+[A-Z]")
_MAGNITUDE = re.compile(r"\b(Million|Billion|Trillion|million|billion|trillion)\b(?![\-’'])")
# Words that may stand where the count of a magnitude goes: “a billion”, “several million”, “per million”.
_COUNT_WORDS = frozenset(
    [
        "a",
        "an",
        *(word for word in UNIT_WORDS if word != "zero"),
        "hundred",
        "thousand",
        "several",
        "few",
        "many",
        "half",
        "quarter",
        "per",
        "multi",
        "dozen",
        "couple",
        "the",
        "this",
        "that",
        "each",
        "every",
        "some",
        "any",
        "about",
        "nearly",
        "almost",
        "around",
        "over",
        "under",
        "than",
        "and",
        "or",
    ]
)


@register
class LostMagnitudeNumber(Rule):
    code = "MT301"
    fix_applicability = Applicability.DISPLAY
    name = "lost-magnitude-number"
    category = "number"
    severity = Severity.ERROR
    summary = "A magnitude word (million, billion) stands without its number."
    why = (
        "MT sometimes drops the digits before a magnitude (`1.5 billion` becomes `Billion`) and "
        "capitalises what is left: the amount in the story is lost."
    )
    fix = "Restore the number from the source (“1.5 billion euros”)."
    passes = (
        "Allies pledged billions of euros.",
        "The firm raised a billion euros.",
        "One billion people live there.",
        "It costs $2.4 billion, or €1 billion.",
        "Prices rose 3 parts per million.",
        "Billions were spent.",
    )
    fails = (
        Example("Allies plan to provide Billion euros in additional capacities.", flagged=("Billion",)),
        Example("The state paid a Million dollars.", flagged=("Million",)),
        Example("Allies plan to provide billion euros in aid.", flagged=("billion",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        for m in _MAGNITUDE.finditer(text):
            word = m.group()
            # A bounded look back: slicing the whole prefix per match was quadratic on long articles.
            before = text[max(0, m.start() - 400) : m.start()].rstrip()
            prev = re.search(r"([\w$€£¥%]+)[^\w\n]*$", before[-40:])
            prev_word = prev.group(1) if prev else ""
            sentence_start = not before or before[-1] in '.!?\n“"(' or prev is None
            has_number = bool(prev_word) and (prev_word[-1].isdigit() or prev_word[-1] in "$€£¥")
            if has_number:
                continue
            if word[0].isupper():
                # “The Million Dollar Quartet”: a capitalised run is a title or a name.
                if sentence_start or _CAPITAL_NEXT.match(text, m.end()):
                    continue
                counted = prev_word.lower() in _COUNT_WORDS
                if counted:
                    message = (
                        f"“{prev_word} {word}”: “{word}” is capitalised mid-sentence; was a number lost?"
                    )
                else:
                    message = f"“{prev_word} {word}”: “{word}” has no number before it; the amount was lost."
                yield self.finding(
                    ctx, m.start(), m.end(), message, suggestion=word.lower() if counted else None
                )
            elif prev_word and prev_word.lower() not in _COUNT_WORDS and prev_word[0].islower():
                yield self.finding(
                    ctx,
                    m.start(),
                    m.end(),
                    f"“{prev_word} {word}”: “{word}” has no number before it; the amount was lost.",
                )


# “3,5 percent”: a decimal comma copied from the source; English uses a decimal point.
_DECIMAL_COMMA = re.compile(
    r"(?<![\d,.])(\d{1,3}),(\d{1,2})(?![\d,])(?=\s*(?:%|percent|per cent|million|billion|"
    r"trillion|bn|m\b|degrees|points|kilometers|kilometres|km|meters|metres|kg|tons|tonnes))"
)


@register
class DecimalComma(Rule):
    code = "MT302"
    fix_applicability = Applicability.UNSAFE
    name = "decimal-comma"
    category = "number"
    severity = Severity.WARNING
    summary = "A decimal comma (`3,5 percent`) copied from the source language."
    why = "English writes decimals with a point; `3,5 percent` reads as a list or a typo."
    fix = "Use a decimal point: `3.5 percent`."
    passes = (
        "Inflation fell to 3.5 percent.",
        "About 1,000 people and 2,500 million euros.",
        "In 2023, 5 percent",
    )
    fails = (
        Example("Inflation fell to 3,5 percent.", flagged=("3,5",)),
        Example("It costs 1,2 billion euros.", flagged=("1,2",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _DECIMAL_COMMA.finditer(ctx.text):
            fixed = f"{m.group(1)}.{m.group(2)}"
            yield self.finding(
                ctx,
                m.start(),
                m.end(),
                f"“{m.group()}” uses a decimal comma; write “{fixed}”.",
                suggestion=fixed,
            )
