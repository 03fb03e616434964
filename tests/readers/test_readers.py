from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from mtcheck.errors import InputFileError
from mtcheck.readers import article_from_text, read_article


def test_plain_text_keeps_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Hello world.\r\n\r\nSecond.", encoding="utf-8")
    article = read_article(str(path))
    assert article.text == "Hello world.\n\nSecond."
    assert article.id == "a.txt" and article.format == "text"


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [
        (b"", "utf-8"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_encodings(tmp_path: Path, prefix: bytes, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(prefix + "Ukraine’s “air defence”.".encode(encoding))
    assert read_article(str(path)).text == "Ukraine’s “air defence”."


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(InputFileError, match="not valid UTF-8"):
        read_article(str(path))


def test_missing_file_is_a_clear_error() -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_article("/nonexistent/article.txt")


def test_html_blocks_become_paragraphs_and_chrome_is_dropped() -> None:
    html = """<html><head><title>T</title><style>p{}</style><script>var x = "<p>no</p>";</script></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>NATO   meets</h1><p>The <b>allies</b> met
    today.</p><ul><li>One</li><li>Two</li></ul></article><footer>© 2024</footer></body></html>"""
    article = article_from_text(html, "x.html", "html")
    assert article.text == "NATO meets\n\nThe allies met today.\n\nOne\n\nTwo"


def test_markdown_markup_is_removed() -> None:
    md = "# NATO meets\n\nThe **allies** met [today](http://example.com).\nAgain.\n\n> A quote.\n"
    article = article_from_text(md, "x.md", "markdown")
    assert article.text == "NATO meets\n\nThe allies met today. Again.\n\nA quote."


def test_format_detected_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("*Hi* there.", encoding="utf-8")
    assert read_article(str(path)).text == "Hi there."
