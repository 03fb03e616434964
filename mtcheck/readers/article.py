"""The raw article a reader produces, before segmentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    id: str
    text: str  # the analysed text: markup removed, paragraphs separated by blank lines
    format: str = "text"
    reference: str | None = None  # a re-translation supplied with the article
    source: str | None = None  # the source-language original
    src_lang: str | None = None
    suppressions: list[tuple[int, int, frozenset[str] | None]] = field(default_factory=list)
    # The file the text was read from, when it differs from ``text`` (mtcheck.readers.origin.Origin).
    origin: Any = None
