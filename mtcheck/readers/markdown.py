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
from array import array
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


class MarkdownBlocks(NamedTuple):
    """One parse of a Markdown source.

    ``paragraphs``: the text of each paragraph (never empty, no ``\\n\\n`` inside).
    ``starts``, ``ends``: per paragraph, the UTF-8 byte range of the source it was read from
    (the whole paragraph or heading, a setext heading's underline included; for a tight list item,
    its first to its last inline element); ``lines()`` turns them into lines.
    ``suppressions``: the suppressed ranges of the joined text (``"\\n\\n".join(paragraphs)``).
    ``source``: the text that was parsed (U+0000 read as U+FFFD, as CommonMark says).
    """

    paragraphs: list[str]
    # Two flat arrays, not a tuple per paragraph: 4 million one-letter list items held ~480 MB of
    # tuples, enough to take a 16 MB file (the default byte cap allows 32) past the 1.5 GB cap.
    starts: array
    ends: array
    suppressions: list[tuple[int, int, frozenset[str] | None]]
    source: str

    def lines(self) -> list[tuple[int, int]]:
        """Per paragraph, the 0-based line it starts on and the line after its last, ``(first, end)``.

        pulldown-cmark's ranges are UTF-8 byte offsets; the line of a byte is the number of newline
        bytes before it (a newline is one byte in UTF-8), so no character offset is involved.
        """
        newlines = [m.start() for m in _NEWLINE.finditer(self.source.encode("utf-8"))]
        pairs = zip(self.starts, self.ends, strict=True)
        return [(bisect_left(newlines, lo), bisect_left(newlines, max(hi - 1, lo)) + 1) for lo, hi in pairs]


def read_blocks(source: str) -> MarkdownBlocks:
    """Parse ``source`` (a ``str``, line ends already ``\\n``) into paragraphs and where they lie."""
    # CommonMark reads U+0000 as U+FFFD (markdown-it-py did too); one code point for one.
    source = source.replace("\x00", "\ufffd")
    paragraphs: list[str] = []
    starts, ends = array("q"), array("q")
    tracker = SuppressionTracker()
    offset = 0  # where the next paragraph starts in the joined text
    parts: list[str] = []
    first = last = -1  # byte range of the inline events read since the last block boundary
    block: tuple[int, int] | None = None  # the range of the open paragraph or heading
    unread = 0  # depth inside images and code blocks
    html: list[str] | None = None  # the lines of the open HTML block

    def flush(span: tuple[int, int] | None) -> None:
        nonlocal offset
        text = _SPACES.sub(" ", "".join(parts)).strip()
        parts.clear()
        if text:
            paragraphs.append(text)
            lo, hi = span or (first, last)
            starts.append(lo)
            ends.append(hi)
            offset += len(text) + 2

    # One pass over the events; the common ones (text, list items) take the first branches. A
    # block boundary ends the paragraph being read (flush); inline markup only widens its range.
    for event, where in pyromark.events_with_range(source):
        if event.__class__ is str:  # SoftBreak, HardBreak, Rule
            if event == "Rule":
                if parts:
                    flush(None)
                first = -1
                continue
            if not unread:
                parts.append(" ")
        else:
            ((kind, value),) = event.items()
            if kind == "Text" or kind == "Code":
                if not unread:
                    parts.append(value)
            elif kind == "Start" or kind == "End":
                tag = value if value.__class__ is str else next(iter(value))
                if tag in _UNREAD:
                    unread += 1 if kind == "Start" else -1
                    if tag == "CodeBlock":
                        if parts:
                            flush(None)
                        first = -1
                        continue
                elif tag not in _INLINE:
                    if parts:
                        flush(block if tag == "Paragraph" or tag == "Heading" else None)
                    first = -1
                    if tag == "Paragraph" or tag == "Heading":
                        block = (where["start"], where["end"]) if kind == "Start" else None
                    elif tag == "HtmlBlock":
                        if kind == "Start":
                            html = []
                        elif html is not None:
                            for comment in _COMMENT.findall("".join(html)):
                                tracker.directive(comment, offset)
                            html = None
                    continue
            elif kind == "Html":
                if html is not None:
                    html.append(value)
                continue
            # InlineHtml and anything else inline: no text, but inside the paragraph
        if first < 0:
            first = where["start"]
        last = where["end"]
    if parts:
        flush(None)
    tracker.close(max(offset - 2, 0))
    return MarkdownBlocks(paragraphs, starts, ends, tracker.ranges, source)


def markdown_to_text(source: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    """The analysed text of a Markdown article (paragraphs joined by a blank line) and its
    suppressed ranges."""
    blocks = read_blocks(source)
    return "\n\n".join(blocks.paragraphs), blocks.suppressions
