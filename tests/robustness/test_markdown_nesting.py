"""Hostile Markdown nesting through the real CLI, rules only, under the 1.5 GB address-space cap.

The Markdown parser is native code (pulldown-cmark): a parser that recursed on nesting would
overflow its stack on these and kill the process with a signal, which no Python error boundary can
catch. markdown-it-pyrs, measured as an alternative, died with SIGSEGV on the 50,000 nested list
markers below and took 20 s on 100 KB of nested emphasis. Each shape must end with a report (exit
0 or 1) or the one-line error of an empty article (exit 2), never a signal or a traceback, and in
a few CPU seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.robustness.test_memory import _run_capped

DEPTH = 50_000
SHAPES = {
    "nested blockquotes": ">" * (2 * DEPTH) + " a\n",
    "nested list markers on one line": "- " * DEPTH + "a\n",
    "nested ordered list markers": "1. " * DEPTH + "a\n",
    "quotes in lists in quotes": "> - " * DEPTH + "a\n",
    "indented list levels": "".join(" " * (2 * i) + "- a\n" for i in range(1_000)),
    "nested links": "[" * DEPTH + "a" + "](x)" * DEPTH,
    "nested images": "![" * DEPTH + "a" + "](x)" * DEPTH,
    "nested emphasis": "*a " * DEPTH + "b" + " a*" * DEPTH,
    "nested strong emphasis": "**" * DEPTH + "a" + "**" * DEPTH,
    "open brackets": "[" * (2 * DEPTH),
    "backticks": "`" * (2 * DEPTH),
    "angle brackets": "<" * (2 * DEPTH),
    "underscores": "_" * (2 * DEPTH),
    "long table lines": "|" * (2 * DEPTH) + "\n" + "|-" * 1_000 + "|\n" + "|a" * DEPTH + "\n",
    "code fences": "```\n" * DEPTH,
}
# Shapes that leave no text (all markup, or all code) are an empty article: exit 2 with its line.
EMPTY = {"nested images", "backticks", "underscores", "code fences"}
CPU_SECONDS = 15.0  # a few seconds each here; the quadratic ones took minutes


@pytest.mark.parametrize("name", list(SHAPES))
def test_hostile_markdown_ends_with_a_report_or_one_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / "shape.md"
    path.write_text(SHAPES[name], encoding="utf-8")
    out = tmp_path / "report.json"
    code, stderr, usage = _run_capped(["check", str(path), "--no-fluency", "-f", "json", "-o", str(out)])
    assert code >= 0, f"killed by signal {-code}"
    if name in EMPTY:
        assert code == 2 and stderr.strip() == "mtcheck: error: shape.md: the article is empty"
    else:
        assert code in (0, 1), stderr
        assert out.stat().st_size > 0
    assert "Traceback" not in stderr
    assert usage.ru_utime + usage.ru_stime < CPU_SECONDS


def test_markdown_too_large_to_parse_is_refused_before_parsing(tmp_path: Path) -> None:
    """31 MB of list items passes the markup byte cap (32 MB at the default --max-chars) but is more
    than 4 characters per --max-chars character: refused with one line before the parser, whose tree
    (22-51 bytes per source byte) took the check past the 1.5 GB cap ("internal error: MemoryError",
    with markdown-it-py as with pulldown-cmark)."""
    path = tmp_path / "items.md"
    path.write_text("- a\n" * 7_750_000, encoding="utf-8")
    code, stderr, usage = _run_capped(["check", str(path), "--no-fluency", "-f", "json"])
    assert code == 2
    assert (
        stderr.strip()
        == "mtcheck: error: items.md: over --max-chars (Markdown of more than 8,000,000 characters)"
    )
    assert usage.ru_utime + usage.ru_stime < CPU_SECONDS


def test_dense_markdown_just_under_that_size_is_parsed_within_the_cap(tmp_path: Path) -> None:
    """The densest shape measured for the parser (code spans, 51 bytes per byte) just under 4
    characters per --max-chars character is parsed under the 1.5 GB cap; its text is then over
    --max-chars itself."""
    path = tmp_path / "ticks.md"
    path.write_text(("`a` " * 2_000_000)[:7_999_000], encoding="utf-8")
    code, stderr, _ = _run_capped(["check", str(path), "--no-fluency", "-f", "json"])
    assert code == 2
    assert stderr.strip() == "mtcheck: error: ticks.md: 3,999,499 characters is over --max-chars 2,000,000"


def test_markdown_too_large_to_parse_on_stdin_is_a_bad_input_of_the_batch(tmp_path: Path) -> None:
    """The same bound for Markdown piped into `mtcheck batch -` (read as one stream, then sniffed)."""
    source = tmp_path / "items.md"
    source.write_text("- a\n" * 2_600_000, encoding="utf-8")  # 10.4 MB: under the byte cap
    out = tmp_path / "report.json"
    args = ["batch", "-", "--input-format", "markdown", "--no-fluency", "-f", "json", "-o", str(out)]
    with source.open("rb") as stdin:
        code, stderr, _ = _run_capped(args, stdin=stdin.fileno())
    assert code == 1, stderr
    errors = json.loads(out.read_text(encoding="utf-8"))["errors"]
    assert [e["reason"] for e in errors] == [
        "-: over --max-chars (Markdown of more than 8,000,000 characters)"
    ]
