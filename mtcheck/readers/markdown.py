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


# A `[` after the last `]` of the source can open no link, image or reference: it is text. Each one
# still sends markdown-it's link rule scanning ahead (~20 calls per character: 6 s for 100 KB of
# `[`), so when there are many they are swapped for a private-use character, which markdown-it
# passes through as plain text in one run, and swapped back in the analysed text (one code point
# for one, so no offset moves).
_UNCLOSED_BRACKETS = 64  # fewer than this are left as written: an ordinary article never gets near
_STAND_IN = "\ue000"
_OPEN_BRACKET = re.compile(r"(?<!\\)\[")  # not an escaped one: `\[` stays as written


def _hide_unclosed_brackets(source: str) -> tuple[str, bool]:
    last = source.rfind("]")
    tail = source[last + 1 :]
    if tail.count("[") < _UNCLOSED_BRACKETS or _STAND_IN in source:
        return source, False
    return source[: last + 1] + _OPEN_BRACKET.sub(_STAND_IN, tail), True


def markdown_to_text(source: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    source, hidden = _hide_unclosed_brackets(source)
    tokens = MarkdownIt("commonmark").parse(source)
    paragraphs: list[str] = []
    tracker = SuppressionTracker()
    # Where the next paragraph starts in the joined text, kept as it grows: summing the paragraphs
    # at every comment was quadratic in a file of many comments.
    offset = 0
    for token in tokens:
        if token.type == "inline":
            text = _inline_text(token)
            if text:
                paragraphs.append(text)
                offset += len(text) + 2
        elif token.type == "html_block":
            for comment in _COMMENT.findall(token.content):
                tracker.directive(comment, offset)
    text = "\n\n".join(paragraphs)
    if hidden:
        text = text.replace(_STAND_IN, "[")
    tracker.close(len(text))
    return text, tracker.ranges
