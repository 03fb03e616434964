"""Leaks: page furniture scraped with the article and translated into it.

Photo captions and credits, metadata lines (dates, tags) and widget text (“Read more”, “Share on
Facebook”) are not part of the story. A wire dateline (`BRUSSELS (AP) —`) and a closing agency tag
(`(with information from EFE)`) are normal wire style and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from mtcheck.document import Applicability, Finding, Severity
from mtcheck.rules.base import Example, Rule, RuleContext, register

_AGENCIES = (
    r"EFE|AFP|AP|Reuters|Europa ?Press|EP|Xinhua|dpa|DPA|ANSA|Anadolu|AA|TASS|Sputnik|RIA Novosti|Kyodo|"
    r"Yonhap|IANS|PTI|UPI|Bloomberg|Getty Images|Getty|Shutterstock|EPA|Efe"
)
_PHOTO_WORD = r"(?:[Pp]hoto(?:graph)?|[Ff]oto|[Ii]mage|[Pp]icture|[Ff]ile [Pp]hoto|[Aa]rchive [Pp]hoto)s?"
# “(Photo: Europapress)”, “(AP Photo/Evan Vucci)”, “(EFE/Ilya U. Topper)”, “(Getty Images)”.
_CREDIT = (
    rf"\((?:(?:{_AGENCIES})\s+)?{_PHOTO_WORD}(?:\s+by)?\s*[:/]\s*[^()\n]{{1,60}}\)"
    rf"|\((?:{_AGENCIES})\s*/\s*[^()\n]{{1,60}}\)"
    r"|\((?:Getty Images|Shutterstock)\)"
)
CREDIT = re.compile(_CREDIT)
CREDIT_AT_END = re.compile(rf"(?:{_CREDIT})\s*$")
# An unbracketed credit line: “Photo: Reuters” at the start of a line, up to its end.
_CREDIT_LINE = re.compile(rf"(?m)^[ \t]*(?:{_PHOTO_WORD}|Credit|Source)(?:\s+by)?\s*:\s*\S[^\n]{{0,60}}$")


@register
class PhotoCredit(Rule):
    code = "MT520"
    fix_applicability = Applicability.UNSAFE
    name = "photo-credit"
    category = "leak"
    severity = Severity.WARNING
    summary = "A photo credit or picture agency tag leaked into the article text."
    why = "Credits belong to the picture, not to the story; MT pipelines scrape them along with the body."
    fix = "Delete the credit."
    passes = (
        "BRUSSELS (AP) — NATO allies met on Wednesday.",
        "The minister spoke to reporters. (with information from EFE)",
        "He showed a photo of the damage to reporters.",
    )
    fails = (
        Example(
            "Jens Stoltenberg, Secretary General of NATO (Photo: Europapress)",
            flagged=("(Photo: Europapress)",),
        ),
        Example(
            "NATO said the allies met on Wednesday. (EFE/Ilya U. Topper)", flagged=("(EFE/Ilya U. Topper)",)
        ),
        Example("The president waves. (AP Photo/Evan Vucci)", flagged=("(AP Photo/Evan Vucci)",)),
        Example("The talks ended late.\nPhoto: Reuters", flagged=("Photo: Reuters",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for pattern in (CREDIT, _CREDIT_LINE):
            for m in pattern.finditer(ctx.text):
                yield self.finding(
                    ctx,
                    m.start(),
                    m.end(),
                    f"Photo credit “{m.group().strip()}” is page furniture, not part of the story.",
                    suggestion="",
                )


@register
class PhotoCaption(Rule):
    code = "MT521"
    fix_applicability = Applicability.UNSAFE
    name = "photo-caption"
    category = "leak"
    severity = Severity.WARNING
    summary = "A photo caption (a short unpunctuated line ending in a credit) leaked in as a paragraph."
    why = (
        "Captions describe a picture that the translated text no longer has; they read as a broken sentence."
    )
    fix = "Delete the caption paragraph."
    options: ClassVar[dict[str, Any]] = {"max_words": 30}
    passes = (
        "The alliance met on Wednesday. Its chief spoke to reporters. (Photo: Europapress)",
        "(Photo: Europapress)",
    )
    fails = (
        Example(
            "NATO met.\n\nJens Stoltenberg, Secretary General of NATO (Photo: Europapress)\n\nHe spoke.",
            flagged=("Jens Stoltenberg, Secretary General of NATO",),
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        text = ctx.text
        for para in ctx.doc.paragraphs:
            body = text[para.start : para.end]
            m = CREDIT_AT_END.search(body)
            if m is None:
                continue
            caption = body[: m.start()].rstrip()
            if not caption or len(caption.split()) > ctx.option(self, "max_words"):
                continue
            if caption[-1] in '.!?”"’':  # a full sentence with a credit after it: the credit rule covers it
                continue
            yield self.finding(
                ctx,
                para.start,
                para.start + len(caption),
                f"“{caption}” is a photo caption, not part of the story.",
                suggestion="",
            )


_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}/\d{1,2}/\d{2,4}(?:,? \d{1,2}:\d{2})?)"
)
_META_DATE = re.compile(
    rf"(?:(?m:^)[ \t]*|\b(?=[A-Z])|\b(?=date\b))"
    rf"(?i:date|updated|published|posted|last updated|last modified|modified)\s*:?\s*(?:on\s+)?{_DATE}"
)
_META_LINE = re.compile(r"(?m)^[ \t]*(?:Tags|Keywords|Topics|Categories|Category|Filed under)\s*:[^\n]*$")


@register
class MetadataLine(Rule):
    code = "MT522"
    fix_applicability = Applicability.UNSAFE
    name = "metadata-leak"
    category = "leak"
    severity = Severity.WARNING
    summary = "Page metadata (a date stamp, tags) leaked into the article text."
    why = (
        "CMS fields such as `date 2024-01-10` or `Tags: ...` are not prose; MT translates them into the body."
    )
    fix = "Delete the metadata."
    passes = (
        "The report was published on Monday and updated later.",
        "Officials said the fund would be paid out over the 2024-25 heating season.",
    )
    fails = (
        Example(" date 2024-01-10 NATO said the allies met.", flagged=("date 2024-01-10",)),
        Example("The talks ended.\nUpdated: 10/01/2024 10:30", flagged=("Updated: 10/01/2024 10:30",)),
        Example("The talks ended.\nTags: NATO, Ukraine", flagged=("Tags: NATO, Ukraine",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for pattern in (_META_DATE, _META_LINE):
            for m in pattern.finditer(ctx.text):
                yield self.finding(
                    ctx,
                    m.start(),
                    m.end(),
                    f"“{m.group().strip()}” is page metadata, not part of the story.",
                    suggestion="",
                )


_WIDGET = re.compile(
    r"(?m:^)[ \t]*(?:Read more|Read also|Also read|See also|Related (?:articles|stories|news|content)"
    r"|Advertisement|Share this article|Comments)\b[^\n]{0,80}$"
    r"|\b(?:Share (?:on|via) (?:Facebook|Twitter|X|WhatsApp|LinkedIn|Telegram|Email|E-mail)"
    r"|Click here\b[^.\n]{0,60}"
    r"|Subscribe to (?:our|the) newsletter"
    r"|Follow us on (?:Facebook|Twitter|X|Instagram|Telegram|WhatsApp|Google News)"
    r"|Read more\s*[:»>…]"
    r")",
)


@register
class WidgetText(Rule):
    code = "MT523"
    fix_applicability = Applicability.UNSAFE
    name = "widget-text"
    category = "leak"
    severity = Severity.WARNING
    summary = "Web page widget text (“Read more”, “Share on Facebook”) leaked into the article."
    why = "Buttons and teasers are scraped with the article body and translated as if they were prose."
    fix = "Delete the widget text."
    passes = (
        "Readers who want to read more about the plan can visit the ministry’s website.",
        "Residents can report outages by calling the utility’s emergency line.",
    )
    fails = (
        Example(
            "The talks ended.\nRead more: NATO allies pledge air defense",
            flagged=("Read more: NATO allies pledge air defense",),
        ),
        Example("The talks ended. Share on Facebook", flagged=("Share on Facebook",)),
        Example("Click here to subscribe. The talks ended.", flagged=("Click here to subscribe",)),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for m in _WIDGET.finditer(ctx.text):
            snippet = m.group().strip()
            # A real “Read more” line is a teaser, short; a long line starting that way is prose.
            if len(snippet.split()) > 14:
                continue
            yield self.finding(
                ctx,
                m.start(),
                m.end(),
                f"“{snippet}” is web page widget text, not part of the story.",
                suggestion="",
            )
