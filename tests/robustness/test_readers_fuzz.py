"""Arbitrary bytes through every reader never reach the CLI's internal-error boundary.

Hypothesis writes bytes as a .txt, .md, .html, .jsonl and .rss file and runs the real command line
on it (`check` for articles, `batch` for JSONL and feeds, rules only). Whatever the bytes, the run
ends in a report (exit 0/1) or one clear line (exit 2): never "internal error", never a traceback.
The byte strategies mix fully arbitrary bytes with bytes shaped like each format (tags, brackets,
JSON punctuation, deep nesting, BOMs, invalid UTF-8), so the parsers get past their first byte.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtcheck.cli import app

PIECES = {
    ".txt": [b"The minister said. ", b"(", b"\xe2\x80\x9c", b"\n\n", b"U.S. ", b"\xff", b"\x00", b"\r\n"],
    ".md": [b"# ", b"[", b"](", b"*", b"`", b"> ", b"<!-- mtcheck: disable -->", b"\n\n", b"- ", b"Talks."],
    ".html": [
        b"<p>",
        b"</p>",
        b"<div>",
        b"<script>",
        b"<!--",
        b"&amp;",
        b"&#x0;",
        b"<figcaption>",
        b"Talks ",
    ],
    ".jsonl": [
        b'{"id": "',
        b'", "mt": "',
        b'"}',
        b"\n",
        b"[",
        b"]",
        b"{",
        b"}",
        b"\\u",
        b"\\ud800",
        b"9" * 50,
    ],
    ".rss": [
        b'<?xml version="1.0"?><rss version="2.0"><channel>',
        b"<item><title>T</title><description>",
        b"</description></item>",
        b"</channel></rss>",
        b"&lt;p&gt;",
        b"<![CDATA[",
        b"]]>",
        b"<!ENTITY a 'b'>",
        b"Talks.",
    ],
}
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]


def _shaped(suffix: str) -> st.SearchStrategy[bytes]:
    pieces = st.lists(st.one_of(st.sampled_from(PIECES[suffix]), st.binary(max_size=8)), max_size=60)
    return st.tuples(st.sampled_from(BOMS), pieces).map(lambda t: t[0] + b"".join(t[1]))


def _inputs(suffix: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=600), _shaped(suffix))


SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


def _run(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        command = "batch" if suffix in (".jsonl", ".rss") else "check"
        result = CliRunner().invoke(
            app, [command, str(path), "--no-fluency", "-f", "json", "--max-chars", "5000"]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 2), result.exit_code
        assert "internal error" not in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        if result.exit_code == 2:
            assert result.stderr.count("\n") == 1, result.stderr
        assert path.read_bytes() == data  # the input is never modified


@settings(max_examples=80, **SETTINGS)
@given(_inputs(".txt"))
def test_text_bytes(data: bytes) -> None:
    _run(".txt", data)


@settings(max_examples=80, **SETTINGS)
@given(_inputs(".md"))
def test_markdown_bytes(data: bytes) -> None:
    _run(".md", data)


@settings(max_examples=80, **SETTINGS)
@given(_inputs(".html"))
def test_html_bytes(data: bytes) -> None:
    _run(".html", data)


@settings(max_examples=80, **SETTINGS)
@given(_inputs(".jsonl"))
def test_jsonl_bytes(data: bytes) -> None:
    _run(".jsonl", data)


@settings(max_examples=80, **SETTINGS)
@given(_inputs(".rss"))
def test_feed_bytes(data: bytes) -> None:
    _run(".rss", data)
