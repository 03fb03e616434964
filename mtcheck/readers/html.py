"""HTML articles: block elements become paragraphs; scripts, styles and navigation are dropped."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

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
_FLUSH = object()
# A <figcaption> is a caption by its markup: its text is checked like any other, except by the rules
# that look for captions and credits leaked into the body (and the unterminated-paragraph rule, since
# captions go unpunctuated by design).
CAPTION_RULES = frozenset({"MT502", "MT520", "MT521"})


class _CaptionEnd:
    """Stack marker for the end of a <figcaption>, holding where its text started."""

    def __init__(self, start: int) -> None:
        self.start = start


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

    def walk(self, root: Tag) -> None:
        # An explicit stack, not recursion: hostile or broken markup nests tens of thousands deep.
        # _FLUSH marks the end of a block element, where its paragraph closes.
        stack: list[object] = [iter(root.children)]
        while stack:
            top = stack[-1]
            if top is _FLUSH:
                stack.pop()
                self.flush()
                continue
            if isinstance(top, _CaptionEnd):
                stack.pop()
                self.flush()
                if self.length > top.start:
                    self.suppress.ranges.append((top.start, self.length, CAPTION_RULES))
                continue
            child = next(top, None)  # type: ignore[call-overload]
            if child is None:
                stack.pop()
            elif isinstance(child, Comment):
                # A directive takes effect at the next paragraph boundary: offsets inside a paragraph
                # still being collapsed are not known yet.
                self.flush()
                self.suppress.directive(str(child), self.offset())
            elif isinstance(child, (Doctype, Declaration, ProcessingInstruction)):
                continue  # <!DOCTYPE html>, <?xml ...?>: markup, not article text
            elif isinstance(child, NavigableString):
                self.current.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in DROPPED:
                    continue
                if name in BLOCKS:
                    self.flush()
                    stack.append(_CaptionEnd(self.offset()) if name == "figcaption" else _FLUSH)
                stack.append(iter(child.children))


def html_to_text(markup: str) -> tuple[str, list[tuple[int, int, frozenset[str] | None]]]:
    with warnings.catch_warnings():
        # bs4 warns (over many lines of stderr) about XHTML or text that looks like a file name.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "html.parser")
    builder = _Builder()
    builder.walk(soup)
    builder.flush()
    text = "\n\n".join(builder.paragraphs)
    builder.suppress.close(len(text))
    return text, builder.suppress.ranges
