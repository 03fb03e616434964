"""The offset map never lies: wherever it places analysed words in the file, the file has those words.

Hypothesis builds Markdown and HTML articles from pieces (inline markup, entities, dropped elements,
comments, CRLF line ends, decomposed letters) and reads them like `mtcheck check` does. For every word
of the analysed text the map either refuses to place it or points at file text that reads as that
word (after the reader's own decoding: entities, NFC). Positions are always inside the file.
"""

from __future__ import annotations

import html
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from mtcheck.readers import article_from_text
from mtcheck.readers.decode import normalise_line_ends

WORDS = [
    "nato",
    "Iran",
    "said",
    "caf\u0065\u0301",
    "Zürich",
    "the",
    "A",
    "and",
    "&amp;",
    "&eacute;t&eacute;",
    "x<y",
]
HTML_WRAP = ["{}", "<b>{}</b>", "<em>{}</em>", "<a href='/{}'>{}</a>", "<span class=x>{}</span>"]
MD_WRAP = ["{}", "**{}**", "*{}*", "[{}](https://example.org/{})", "`{}`"]
WORD = re.compile(r"\w+")


@st.composite
def html_articles(draw) -> str:
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
        parts = [draw(st.sampled_from(HTML_WRAP)).replace("{}", w.replace("<", "&lt;")) for w in words]
        body = draw(st.sampled_from([" ", "\n  ", "  "])).join(parts)
        tag = draw(st.sampled_from(["p", "h2", "li", "div", "blockquote"]))
        extra = draw(
            st.sampled_from(["", "<script>var nato=1</script>", "<!-- note -->", "<nav>Home nato</nav>"])
        )
        paragraphs.append(f"<{tag}>{body}</{tag}>{extra}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return f"<html><head><title>nato</title></head><body>{newline.join(paragraphs)}</body></html>"


@st.composite
def markdown_articles(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(
            st.lists(
                st.sampled_from([w for w in WORDS if "&" not in w and "<" not in w]), min_size=1, max_size=8
            )
        )
        parts = [draw(st.sampled_from(MD_WRAP)).replace("{}", w) for w in words]
        body = draw(st.sampled_from([" ", "\n", "  "])).join(parts)
        prefix = draw(st.sampled_from(["", "# ", "> ", "- ", "1. "]))
        blocks.append(prefix + body)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (newline * 2).join(blocks) + newline


def _check(raw: str, fmt: str) -> None:
    article = article_from_text(normalise_line_ends(raw), "t", fmt, raw=raw)
    origin = article.origin
    assert origin is not None
    runs = origin.map
    for m in WORD.finditer(article.text):
        pieces = runs.pieces(m.start(), m.end())
        line, col = origin.line_col(m.start())
        assert 1 <= line <= raw.count("\n") + 1 and col >= 1
        if pieces is None:
            continue
        assert all(0 <= s <= e <= len(raw) for s, e in pieces)
        found = "".join(raw[s:e] for s, e in pieces)
        if fmt == "html":
            found = html.unescape(found)
        assert unicodedata.normalize("NFC", found) == unicodedata.normalize("NFC", m.group()), (
            m.group(),
            found,
        )


@settings(max_examples=60, deadline=None)
@given(raw=html_articles())
def test_html_map_places_words_on_their_text(raw: str) -> None:
    _check(raw, "html")


@settings(max_examples=60, deadline=None)
@given(raw=markdown_articles())
def test_markdown_map_places_words_on_their_text(raw: str) -> None:
    _check(raw, "markdown")
