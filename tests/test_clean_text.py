"""False-positive gate: every registered rule, run over clean wire copy, stays almost silent.

The corpus in tests/data/clean/ is well-edited English news written for this test: quotes that span
paragraphs, nested quotes, abbreviations, acronyms, numbers and names. A CI gate that cries wolf on
text like this is useless, so the budget is at most one finding per 1,000 words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.engine import run_rules, select_rules
from tests.helpers import context

CLEAN = Path(__file__).parent / "data" / "clean"
FILES = sorted(CLEAN.glob("*.txt"))
MAX_PER_1000_WORDS = 1.0


def _words(text: str) -> int:
    return len(text.split())


def test_corpus_is_big_and_varied() -> None:
    assert len(FILES) >= 5
    assert sum(_words(p.read_text(encoding="utf-8")) for p in FILES) >= 2000


def test_clean_text_has_almost_no_findings() -> None:
    rules = select_rules()
    total_words = 0
    report: list[str] = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        total_words += _words(text)
        for f in run_rules(context(text), rules):
            report.append(f"{path.name}:{f.line}:{f.col} {f.code} {f.name} {f.text!r}: {f.message}")
    allowed = MAX_PER_1000_WORDS * total_words / 1000
    if len(report) > allowed:
        pytest.fail(
            f"{len(report)} findings on {total_words} words of clean text (allowed {allowed:.1f}):\n"
            + "\n".join(report)
        )
