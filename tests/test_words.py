"""One word diff: the tokens it compares, and the divergence rule and the HTML view agreeing on it."""

from __future__ import annotations

from mtcheck import words
from mtcheck.render.html import _pairs
from tests.render.reports import nato_report


def test_tokens_keep_inner_apostrophes_and_hyphens_and_split_punctuation() -> None:
    text = "Kyiv’s air-defence systems, he said: “don't wait”."
    assert [t[2] for t in words.tokens(text)] == [
        "Kyiv’s", "air-defence", "systems", ",", "he", "said", ":", "“", "don't", "wait", "”", ".",
    ]  # fmt: skip
    # Offsets index the text, shifted by the slice's start when given one.
    assert all(text[s:e] == t for s, e, t in words.tokens(text))
    assert words.tokens("a b", base=10) == [(10, 11, "a"), (12, 13, "b")]


def test_diff_ignores_case_and_finds_the_changed_run() -> None:
    a, b = words.tokens("The Allies sent 200 missiles."), words.tokens("the allies sent about 200 rockets.")
    changed = [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in words.diff(a, b) if tag != "equal"]
    assert [(tag, [t[2] for t in x], [t[2] for t in y]) for tag, x, y in changed] == [
        ("insert", [], ["about"]),
        ("replace", ["missiles"], ["rockets"]),
    ]


def test_the_html_view_marks_the_words_of_every_divergence_finding() -> None:
    # The MT605 spans come from the same diff the side-by-side view marks: a span starts and ends on a
    # marked word (inside, runs one shared word apart are joined).
    report = nato_report(reference=True).documents[0]
    findings = [f for f in report.findings if f.code == "MT605"]
    assert findings
    marked = {t.text for pair in _pairs(report) for t in pair.mt_tokens if t.divergent}
    for f in findings:
        span = [t[2] for t in words.tokens(f.text) if words.is_word(t)]
        assert span[0] in marked and span[-1] in marked, f.text
