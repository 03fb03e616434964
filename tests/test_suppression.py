"""Inline suppression comments in HTML and Markdown articles, honoured end to end."""

from __future__ import annotations

from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import article_from_text


def _findings(markup: str, fmt: str) -> list[tuple[str, str]]:
    article = article_from_text(markup, f"story.{fmt}", fmt)
    report = Checker(Config(fluency=False, select=["MT201", "MT203"])).run([article], strict=True)
    return [(f.code, f.text) for f in report.documents[0].findings]


HTML = """<article>
<p>the first paragraph is flagged.</p>
<!-- mtcheck: disable=MT201 -->
<p>the second is not, but NATO and nato still are.</p>
<!-- mtcheck: enable -->
<p>the third is flagged again.</p>
</article>"""

MARKDOWN = """the first paragraph is flagged.

<!-- mtcheck: disable -->

the second is not, and NATO and nato are not either.

<!-- mtcheck: enable -->

the third is flagged again. NATO is fine and nato is not.
"""


def test_html_disable_one_code_then_enable():
    assert _findings(HTML, "html") == [("MT201", "the"), ("MT203", "nato"), ("MT201", "the")]
    # Without the comments every paragraph start is flagged.
    plain = HTML.replace("<!-- mtcheck: disable=MT201 -->", "").replace("<!-- mtcheck: enable -->", "")
    assert [c for c, _ in _findings(plain, "html")].count("MT201") == 3


def test_markdown_disable_all_then_enable():
    found = _findings(MARKDOWN, "markdown")
    assert found == [("MT201", "the"), ("MT201", "the"), ("MT203", "nato")]


def test_prefix_and_unrelated_comments():
    html = (
        "<p>Ok.</p><!-- mtcheck: disable=MT2 --><p>the nato and NATO.</p>"
        "<!-- just a comment --><p>the end.</p>"
    )
    # MT2 covers MT201 and MT203; an ordinary comment does not end the suppression.
    assert _findings(html, "html") == []
    unclosed = "<p>Ok.</p><!-- mtcheck: disable=MT203 --><p>the nato and NATO.</p>"
    assert _findings(unclosed, "html") == [("MT201", "the")]


def test_malformed_directive_is_ignored():
    html = "<!-- mtcheck disable --><p>the start.</p>"
    assert _findings(html, "html") == [("MT201", "the")]
