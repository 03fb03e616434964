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
    r"EFE|AFP|AP|Reuters|Europa ?Press|EP|Xinhua|dpa|DPA|ANSA|Anadolu(?: Agency)?|AA|TASS|Sputnik|"
    r"RIA Novosti|Kyodo|Yonhap|IANS|PTI|UPI|Bloomberg|Getty Images|Getty|Shutterstock|EPA|Efe|"
    r"Associated Press|ANP|Belga|Lusa|PAP|Keystone|APA|Imago|SIPA|AAP|Pool|NurPhoto|ZUMA|SOPA Images|"
    r"Agencia Brasil|Telam"
)
_PHOTO_WORD = r"(?:[Pp]hoto(?:graph)?|[Ff]oto|[Ii]mage|[Pp]icture|[Ff]ile [Pp]hoto|[Aa]rchive [Pp]hoto)s?"
# “(Photo: Europapress)”, “(AP Photo/Evan Vucci)”, “(EFE/Ilya U. Topper)”, “(Getty Images)”, “(Photo by X)”.
_CREDIT = (
    rf"\((?:(?:{_AGENCIES})\s+)?{_PHOTO_WORD}(?:\s+by\s+|\s*[:/]\s*)[^()\n]{{1,60}}\)"
    rf"|\((?:{_AGENCIES})\s*/\s*[^()\n]{{1,60}}\)"
    r"|\((?:Getty Images|Shutterstock)\)"
)
# A photographer's name as credits write it: two to four capitalised words (Jane Doe, JOHN SMITH).
_NAME = r"[A-Z][\w’'.\-]*(?:[ \t]+[A-Z][\w’'.\-]*){1,3}"
# Unbracketed wire credits at the end of a line: “REUTERS/Jane Doe”, “AFP/EPA/JOHN SMITH”. Agency
# names are matched in any case (wires write REUTERS); a single word after the slash is not enough
# (“the AP/NORC poll”), nor a credit that prose goes on after.
_AGENCY_CHAIN_CREDIT = (
    rf"(?<![\w/])(?i:{_AGENCIES})(?:[ \t]*/[ \t]*(?i:{_AGENCIES}))*[ \t]*/[ \t]*{_NAME}(?=[ \t]*$)"
)
# “Photo: Jane Doe/dpa” anywhere in a line: a photo label, a name, a slash and an agency.
_LABELLED_CREDIT = (
    rf"\b{_PHOTO_WORD}[ \t]*:[ \t]*[A-Z][\w’'.\-]*(?:[ \t]+[A-Z][\w’'.\-]*){{0,3}}"
    rf"[ \t]*/[ \t]*(?i:{_AGENCIES})\b"
)
CREDIT = re.compile(rf"{_CREDIT}|(?m:{_AGENCY_CHAIN_CREDIT})|{_LABELLED_CREDIT}")
# CREDIT's matches in a text without a slash: only its bracketed forms can match there (the other two
# need one), and with every branch starting at "(" re skips to the brackets instead of trying ~45
# agency names case-insensitively at every character (~1 ms per 600-word article).
_BRACKETED_CREDIT = re.compile(_CREDIT)
CREDIT_AT_END = re.compile(rf"(?:{_CREDIT}|{_AGENCY_CHAIN_CREDIT}|{_LABELLED_CREDIT})\s*$")
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
        "The AP/NORC poll found that most voters back the plan.",
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
        Example(
            "Rescue workers search the rubble in Adana. AFP/EPA/JOHN SMITH\n\nThe quake struck at dawn.",
            flagged=("AFP/EPA/JOHN SMITH",),
        ),
        Example(
            "The new bridge opened on Friday. (Photo by Carlos Mendes)", flagged=("(Photo by Carlos Mendes)",)
        ),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        seen: list[tuple[int, int]] = []
        text = ctx.text
        # Each pattern's precondition, so that a text without it is not scanned: every CREDIT form has
        # a bracket or a slash (none: no match), a credit line has a colon.
        patterns = []
        if "/" in text:
            patterns.append(CREDIT)
        elif "(" in text:
            patterns.append(_BRACKETED_CREDIT)
        if ":" in text:
            patterns.append(_CREDIT_LINE)
        for pattern in patterns:
            for m in pattern.finditer(text):
                if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in seen):
                    continue  # one credit, matched by two patterns
                seen.append(m.span())
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
            # Every credit form has a bracket or a slash: a paragraph without one is passed over
            # without slicing it out (seconds on text of one word per line).
            if text.find("(", para.start, para.end) < 0 and text.find("/", para.start, para.end) < 0:
                continue
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


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|CET|CEST|ET|EST|EDT|BST|h))?"
_NUMERIC_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}(?:,? \d{1,2}:\d{2})?"
    rf"|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}(?:,?\s*(?:-\s*)?{_TIME})?)"
)
# 12 March 2024, March 5, 2024, 17 Sep, 2024; in prose too, so the metadata forms below ask for more.
_TEXT_DATE = rf"(?:\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})"
_STAMP_TIME = rf"(?:,?\s*(?:-|at|,)?\s*{_TIME})"
_META_WORD = r"(?i:date|updated|published|posted|last updated|last modified|modified)"
_META_DATE = re.compile(
    # `date 2024-01-10`, `Updated: 10/01/2024 10:30`, `Last updated: 14.03.2024, 06:12`
    rf"(?:(?m:^)[ \t]*|\b(?=[A-Z])|\b(?=date\b)){_META_WORD}\s*:?\s*(?:on\s+)?{_NUMERIC_DATE}"
    # `Published: 12 March 2024, 09:15`, `Updated: March 5, 2024 at 4:30 p.m.`: a colon, as prose has none
    rf"|(?:(?m:^)[ \t]*|\b(?=[A-Z])){_META_WORD}\s*:\s*{_TEXT_DATE}{_STAMP_TIME}?"
    # A wire stamp alone on its line: `Lusa 17 Sep, 2024, 11:32`, `EFE 03.02.2025 - 18:40`
    rf"|(?m:^)[ \t]*(?:{_AGENCIES})\s+(?:{_TEXT_DATE}|{_NUMERIC_DATE}){_STAMP_TIME}?[ \t]*(?m:$)"
)
_META_LINE = re.compile(
    r"(?m)^[ \t]*(?:(?:Tags|Keywords|Topics|Categories|Category|Filed under)\s*:[^\n]*"
    # Copyright footers: `Copyright 2024 The Associated Press. All rights reserved.`, `© 2023 AFP`
    r"|(?:Copyright|©|\(c\))\s*(?:©\s*)?\d{4}\b[^\n]{0,120}|[^\n]{0,80}\bAll rights reserved\.?)[ \t]*$"
)


@register
class MetadataLine(Rule):
    code = "MT522"
    fix_applicability = Applicability.UNSAFE
    name = "metadata-leak"
    category = "leak"
    severity = Severity.WARNING
    summary = "Page metadata (a date stamp, tags, a copyright footer) leaked into the article text."
    why = (
        "CMS fields such as `date 2024-01-10` or `Tags: ...` are not prose; MT translates them into the body."
    )
    fix = "Delete the metadata."
    passes = (
        "The report was published on Monday and updated later.",
        "Officials said the fund would be paid out over the 2024-25 heating season.",
        "Published on 12 March 2024, the report found that Lusa reported on 17 September.",
    )
    fails = (
        Example(" date 2024-01-10 NATO said the allies met.", flagged=("date 2024-01-10",)),
        Example("The talks ended.\nUpdated: 10/01/2024 10:30", flagged=("Updated: 10/01/2024 10:30",)),
        Example("The talks ended.\nTags: NATO, Ukraine", flagged=("Tags: NATO, Ukraine",)),
        Example(
            "Last updated: 14.03.2024, 06:12\n\nThe bridge stays shut.",
            flagged=("Last updated: 14.03.2024, 06:12",),
        ),
        Example(
            "Lusa 17 Sep, 2024, 11:32\n\nFires forced evacuations.", flagged=("Lusa 17 Sep, 2024, 11:32",)
        ),
        Example(
            "The storm reached the coast.\n\nCopyright 2024 The Associated Press. All rights reserved.",
            flagged=("Copyright 2024 The Associated Press. All rights reserved.",),
        ),
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
