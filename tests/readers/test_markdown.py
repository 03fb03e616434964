"""The Markdown reader: which text each block gives, and where each paragraph lies in the file.

The expected texts are what CommonMark makes of each construct, written out by hand (the reader's
contract, kept when its parser changed from markdown-it-py to pulldown-cmark). Positions are found
in the file by searching it for the word, never from the reader's own offsets.
"""

from __future__ import annotations

import pytest

from mtcheck.readers import article_from_text
from mtcheck.readers.markdown import markdown_to_text, read_blocks


@pytest.mark.parametrize(
    ("source", "text"),
    [
        # Tight list items: each item a paragraph, its marker dropped.
        ("- Allies met.\n- Talks ended.\n", "Allies met.\n\nTalks ended."),
        ("1. One\n2. Two\n   - nested\n", "One\n\nTwo\n\nnested"),
        # Loose items and a blockquote inside an item.
        ("* first\n\n* second\n  > quoted\n", "first\n\nsecond\n\nquoted"),
        # Emphasis, strong, links: markup dropped, text kept; an image goes with its alt text.
        (
            "The *allies* met [in **Brussels**](https://x.org) ![a photo of *them*](p.jpg) today.",
            "The allies met in Brussels today.",
        ),
        # Code spans keep their content; fenced and indented code blocks are not read.
        ("Run `mtcheck  check` now.\n\n```\nnot prose\n```\n\n    nor this\n", "Run mtcheck check now."),
        # HTML: inline tags dropped with their text kept, blocks not read.
        ("Talks <b>ended</b> late.\n\n<div>\nmenu\n</div>\n", "Talks ended late."),
        # Entities and escapes decoded; soft and hard breaks one space; runs of spaces one.
        (
            "Tom &amp; Jerry \\*said\\*\nthen  left\\\nearly  \nagain.",
            "Tom & Jerry *said* then left early again.",
        ),
        # ATX and setext headings; a thematic break separates; reference definitions vanish.
        (
            "# Talks end #\n\nSub title\n---------\n\n***\n\n[ref]: https://x.org\nSee [the report][ref].",
            "Talks end\n\nSub title\n\nSee the report.",
        ),
        # Blocks that leave no text leave no paragraph.
        ("![only an image](x.png)\n\nText.\n\n-\n", "Text."),
        # Non-ASCII text as it is; CommonMark reads U+0000 as U+FFFD.
        ("> Zürich: “Talks” 中文 😀 é\n\na\x00b\n", "Zürich: “Talks” 中文 😀 é\n\na\ufffdb"),
    ],
)
def test_each_construct_gives_its_text(source: str, text: str) -> None:
    assert markdown_to_text(source)[0] == text


def test_lines_of_each_paragraph() -> None:
    source = "# Title\n\nOne\ntwo\n\n- a\n- b\n  c\n\nSub\n===\n"
    blocks = read_blocks(source)
    assert blocks.paragraphs == ["Title", "One two", "a", "b c", "Sub"]
    # (first line, line after the last), 0-based: a setext heading keeps its underline.
    assert blocks.lines() == [(0, 1), (2, 4), (5, 6), (6, 8), (9, 11)]


def test_suppression_comment_in_an_html_block_starts_at_the_next_paragraph() -> None:
    source = "Before.\n\n<!-- mtcheck: disable=MT201 -->\n\nInside.\n\n<!-- mtcheck: enable -->\n\nAfter.\n"
    text, ranges = markdown_to_text(source)
    assert text == "Before.\n\nInside.\n\nAfter."
    ((start, end, codes),) = ranges
    assert text[start:end].strip() == "Inside." and codes == frozenset({"MT201"})


# Words after multi-byte characters (2, 3 and 4 bytes in UTF-8) on the same and on later lines: the
# parser's byte offsets must not leak into character positions.
NON_ASCII = (
    "# Zürich café “talks” 中文新闻 😀 end\n"
    "\n"
    "- é item “one”\n"
    "- 😀😀 item two\n"
    "\n"
    "> 北约 quote *here* and [link 🔗 text](https://x.org/é)\n"
    "\n"
    "Last 😀 paragraph with “curly” quotes.\n"
)


@pytest.mark.parametrize("word", ["end", "item", "two", "quote", "here", "text", "paragraph", "curly"])
def test_positions_in_the_file_count_characters_not_bytes(word: str) -> None:
    article = article_from_text(NON_ASCII, "a.md", "markdown", raw=NON_ASCII)
    assert article.origin is not None
    offset = article.text.index(word)
    where = NON_ASCII.index(word)
    assert article.origin.offset(offset) == where
    line = NON_ASCII.count("\n", 0, where) + 1
    col = where - (NON_ASCII.rfind("\n", 0, where) + 1) + 1
    assert article.origin.line_col(offset) == (line, col)
