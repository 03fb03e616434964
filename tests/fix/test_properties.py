"""Property tests of `mtcheck fix` (hypothesis) over clean wire paragraphs with faults put in.

Paragraphs come from the clean corpus (tests/data/clean, no finding); some get one fault of a kind
mtcheck fixes safely (a lowercased name, a doubled word, a doubled space, a capitalised `and`);
line ends are LF or CRLF. Whatever the draw:

* the input file is byte-identical afterwards (no --in-place);
* every paragraph is either what was put in or the clean original (nothing else changes), and a
  doubled space is always corrected;
* fixing the fixed article changes nothing (idempotent);
* fixing never increases the number of findings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtcheck.cli import app

CLEAN = Path(__file__).resolve().parents[1] / "data" / "clean"
PARAGRAPHS = [
    p.strip()
    for path in sorted(CLEAN.glob("*.txt"))
    for p in path.read_text(encoding="utf-8").split("\n\n")
    if len(p.split()) >= 8
]
NAMES = re.compile(r"\b(?:Brussels|London|Paris|Germany|France|Britain|Ukraine|Russia|Europe|NATO|EU|BBC)\b")
PLAIN_WORD = re.compile(r"(?<= )[a-z]{4,}(?= [a-z])")
INNER_SPACE = re.compile(r"(?<=[a-z]) (?=[a-z])")


def _faults(paragraph: str) -> list[tuple[str, str]]:
    """Every faulty version of a paragraph that this test knows how to make, with its kind."""
    p = paragraph
    out = [("name", p[: m.start()] + m.group().lower() + p[m.end() :]) for m in NAMES.finditer(p)]
    out += [("repeat", p[: m.end()] + " " + m.group() + p[m.end() :]) for m in PLAIN_WORD.finditer(p)]
    out += [("space", p[: m.start()] + "  " + p[m.end() :]) for m in INNER_SPACE.finditer(p)][:5]
    out += [("and", p.replace(", and ", ", And ", 1))] if ", and " in p else []
    return [(kind, o) for kind, o in out if o != p]


@st.composite
def articles(draw) -> tuple[list[str], list[str], list[str], str]:
    """(clean paragraphs, paragraphs as written, the fault put in each or '', line end)."""
    count = draw(st.integers(min_value=1, max_value=4))
    clean = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=count, max_size=count, unique=True))
    written, kinds = [], []
    for paragraph in clean:
        faults = _faults(paragraph)
        kind, text = draw(st.sampled_from(faults)) if faults and draw(st.booleans()) else ("", paragraph)
        written.append(text)
        kinds.append(kind)
    return clean, written, kinds, draw(st.sampled_from(["\n", "\r\n"]))


def _findings(path: Path) -> int:
    result = CliRunner().invoke(app, ["check", str(path), "--no-fluency", "-f", "json"])
    return len(json.loads(result.stdout)["documents"][0]["findings"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles())
def test_fix_properties(tmp_path_factory, article) -> None:
    clean, written, kinds, newline = article
    tmp = tmp_path_factory.mktemp("prop")
    raw = (newline * 2).join(written) + newline
    path = tmp / "article.txt"
    path.write_bytes(raw.encode("utf-8"))
    out = tmp / "out"
    result = CliRunner().invoke(app, ["fix", str(path), "--no-fluency", "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == raw.encode("utf-8")

    fixed_path = out / "article.txt"
    fixed = fixed_path.read_bytes().decode("utf-8")
    parts = fixed.removesuffix(newline).split(newline * 2)
    assert len(parts) == len(written)
    for got, before, original, kind in zip(parts, written, clean, kinds, strict=True):
        assert got in (before, original), (before, got)
        if kind == "space":  # always flagged and always safe: it must be gone
            assert got == original, (before, got)

    again = CliRunner().invoke(app, ["fix", str(fixed_path), "--no-fluency", "--diff"])
    assert again.exit_code == 0 and again.stdout == "", again.stdout

    assert _findings(fixed_path) <= _findings(path)
