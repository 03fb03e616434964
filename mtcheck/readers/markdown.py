"""Markdown articles: markup removed with markdown-it-py, each block a paragraph."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from mtcheck.readers.suppress import SuppressionTracker

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_SPACES = re.compile(r"[ \t]+")


def _inline_text(token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline" or child.type == "image":
            continue
    return _SPACES.sub(" ", "".join(parts)).strip()


def markdown_to_text(source: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    tokens = MarkdownIt("commonmark").parse(source)
    paragraphs: list[str] = []
    tracker = SuppressionTracker()

    def offset() -> int:
        return sum(len(p) for p in paragraphs) + 2 * len(paragraphs)

    for token in tokens:
        if token.type == "inline":
            text = _inline_text(token)
            if text:
                paragraphs.append(text)
        elif token.type == "html_block":
            for comment in _COMMENT.findall(token.content):
                tracker.directive(comment, offset())
    text = "\n\n".join(paragraphs)
    tracker.close(len(text))
    return text, tracker.ranges
