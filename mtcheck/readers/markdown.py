"""Markdown articles: markup removed with pulldown-cmark (through pyromark), each block a paragraph.

The parser is pulldown-cmark, the CommonMark parser of rustdoc and mdBook, through its Python
bindings (pyromark). It replaced markdown-it-py, which spent ~60 µs on each list item (17 CPU s per
MB of one-letter list items against the 10 s/MB bound of a rules-only check). A pull parser keeps
no recursion: hostile nesting (100,000 `>`, `- - - …` or `![[…`) is parsed in linear time without
a stack to overflow; markdown-it-pyrs, the other fast CommonMark binding measured, aborted the
process on 50,000 nested list markers and took 20 s on 100 KB of nested emphasis.

What a paragraph is, and its text, is what the markdown-it-py reader gave: the text of each
paragraph, heading and tight list item, with emphasis, links and inline HTML tags dropped (their
text kept), images dropped with their alt text, code spans kept as their content, line breaks as
one space and runs of spaces or tabs as one; code blocks and HTML blocks are not read, except that
the suppression comments of an HTML block (``<!-- mtcheck: … -->``) apply from the next paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

import pyromark

from mtcheck.readers.suppress import SuppressionTracker

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_SPACES = re.compile(r"[ \t]+")
_NEWLINE = re.compile(rb"\n")

# Tags whose Start/End events sit inside a paragraph (their text is the paragraph's); every other
# tag is a block and ends the paragraph being read. Images and code blocks are not read at all.
_INLINE = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript", "Link"})
_UNREAD = frozenset({"Image", "CodeBlock"})
_BREAKS = frozenset({"SoftBreak", "HardBreak"})


class MarkdownBlocks(NamedTuple):
    """One parse of a Markdown source.

    ``paragraphs``: the text of each paragraph (never empty, no ``\\n\\n`` inside).
    ``lines``: per paragraph, the 0-based line of the source it starts on and the line after its
    last one (a heading's underline and a list item's marker line included), as ``(first, end)``.
    ``suppressions``: the suppressed ranges of the joined text (``"\\n\\n".join(paragraphs)``).
    """

    paragraphs: list[str]
    lines: list[tuple[int, int]]
    suppressions: list[tuple[int, int, frozenset[str] | None]]


def _tag(value: str | dict) -> str:
    return value if isinstance(value, str) else next(iter(value))


def read_blocks(source: str) -> MarkdownBlocks:
    """Parse ``source`` (a ``str``, line ends already ``\\n``) into paragraphs and their lines."""
    # CommonMark reads U+0000 as U+FFFD (markdown-it-py did too); one code point for one.
    source = source.replace("\x00", "\ufffd")
    # pulldown-cmark's ranges are UTF-8 byte offsets: the line of a byte is the number of newline
    # bytes before it, and a newline is one byte in UTF-8, so no character offset is needed.
    newlines = [m.start() for m in _NEWLINE.finditer(source.encode("utf-8"))]
    paragraphs: list[str] = []
    lines: list[tuple[int, int]] = []
    tracker = SuppressionTracker()
    offset = 0  # where the next paragraph starts in the joined text
    parts: list[str] = []
    first = last = -1  # byte range of the inline events read since the last block boundary
    block: tuple[int, int] | None = None  # the range of the open paragraph or heading
    unread = 0  # depth inside images and code blocks
    html: list[str] | None = None  # the lines of the open HTML block

    def flush(span: tuple[int, int] | None = None) -> None:
        nonlocal offset, first, last
        if parts:
            text = _SPACES.sub(" ", "".join(parts)).strip()
            parts.clear()
            if text:
                lo, hi = span or (first, last)
                paragraphs.append(text)
                lines.append((bisect_left(newlines, lo), bisect_left(newlines, max(hi - 1, lo)) + 1))
                offset += len(text) + 2
        first = last = -1

    for event, where in pyromark.events_with_range(source):
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            if event in _BREAKS:
                if not unread:
                    parts.append(" ")
            else:
                flush()
                continue
        else:
            kind, value = next(iter(event.items()))
            if kind == "Text" or kind == "Code":
                if not unread:
                    parts.append(value)
            elif kind == "Html":
                if html is not None:
                    html.append(value)
                continue
            elif kind == "Start" or kind == "End":
                tag = _tag(value)
                if tag in _UNREAD:
                    unread += 1 if kind == "Start" else -1
                    if tag == "CodeBlock":
                        flush()
                        continue
                elif tag not in _INLINE:
                    if tag == "Paragraph" or tag == "Heading":
                        if kind == "Start":
                            flush()
                            block = (where["start"], where["end"])
                        else:
                            flush(block)
                            block = None
                    else:
                        flush()
                        if tag == "HtmlBlock":
                            if kind == "Start":
                                html = []
                            elif html is not None:
                                for comment in _COMMENT.findall("".join(html)):
                                    tracker.directive(comment, offset)
                                html = None
                    continue
            # InlineHtml and anything else inline: no text, but inside the paragraph
        if first < 0:
            first = where["start"]
        last = where["end"]
    flush()
    tracker.close(max(offset - 2, 0))
    return MarkdownBlocks(paragraphs, lines, tracker.ranges)


def markdown_to_text(source: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    """The analysed text of a Markdown article (paragraphs joined by a blank line) and its
    suppressed ranges."""
    blocks = read_blocks(source)
    return "\n\n".join(blocks.paragraphs), blocks.suppressions
