"""The raw article a reader produces, before segmentation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Fields that hold text the rules read: kept in Unicode NFC whichever reader or companion file set them.
_TEXT_FIELDS = frozenset({"text", "reference", "source"})


def nfc(text: str) -> str:
    """Text in Unicode NFC, the form every rule and every report offset assumes.

    macOS and some CMS exports save letters and accents decomposed (NFD: ``A`` + U+0301 for ``Á``);
    the casing rules would then see a capital ``A`` on its own, and a re-translation in NFC would
    differ from the MT letter by letter. Normalising once, as text is read, keeps every offset
    indexing the analysed text that the report carries.
    """
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


@dataclass
class Article:
    id: str
    text: str  # the analysed text: markup removed, paragraphs separated by blank lines; NFC
    format: str = "text"
    reference: str | None = None  # a re-translation supplied with the article; NFC
    # Further re-translations of the same source (``--reference`` repeated, JSONL ``references``),
    # after ``reference``; NFC. See mtcheck.multiref for how they combine.
    extra_references: list[str] = field(default_factory=list)
    source: str | None = None  # the source-language original; NFC
    src_lang: str | None = None
    engine: str | None = None  # "none": check against the source without re-translating (JSONL "engine")
    suppressions: list[tuple[int, int, frozenset[str] | None]] = field(default_factory=list)
    # The file the text was read from, when it differs from ``text`` (mtcheck.readers.origin.Origin).
    origin: Any = None

    def __setattr__(self, name: str, value: Any) -> None:
        # Readers attach companions (NAME.ref.txt, JSONL "reference") after construction: every
        # assignment goes through here, so no reader can forget the normalisation.
        if name in _TEXT_FIELDS and isinstance(value, str):
            value = nfc(value)
        elif name == "extra_references":
            value = [nfc(v) for v in value]
        super().__setattr__(name, value)
