"""HTML articles: block elements become paragraphs; scripts, styles and navigation are dropped."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from mtcheck.readers.suppress import SuppressionTracker

DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "iframe",
        "svg",
        "canvas",
        "button",
        "select",
        "head",
        "title",
        "meta",
        "link",
        "object",
    }
)
BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "pre",
        "dd",
        "dt",
        "dl",
        "address",
        "body",
        "html",
        "hr",
        "br",
        "caption",
        "details",
        "summary",
    }
)
_SPACES = re.compile(r"\s+")


class _Builder:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.length = 0  # length of the text emitted so far
        self.suppress = SuppressionTracker()

    def flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        if text:
            if self.paragraphs:
                self.length += 2
            self.paragraphs.append(text)
            self.length += len(text)

    def offset(self) -> int:
        return self.length + (2 if self.paragraphs else 0)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                # A directive takes effect at the next paragraph boundary: offsets inside a paragraph
                # still being collapsed are not known yet.
                self.flush()
                self.suppress.directive(str(child), self.offset())
            elif isinstance(child, NavigableString):
                self.current.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in DROPPED:
                    continue
                if name in BLOCKS:
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    self.walk(child)


def html_to_text(markup: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    soup = BeautifulSoup(markup, "html.parser")
    builder = _Builder()
    builder.walk(soup)
    builder.flush()
    text = "\n\n".join(builder.paragraphs)
    builder.suppress.close(len(text))
    return text, builder.suppress.ranges
