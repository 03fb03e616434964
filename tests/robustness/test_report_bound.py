"""The report bound: repeated findings collapse in rendered reports only, and hostile text cannot
blow a report up.

The hostile shapes come from the issue (100 KB of one bracket, of `[` in Markdown) and from other
stories (quote marks, a word repeated, lowercase one-word paragraphs, stray closing brackets in a
real-looking sentence). Each renders in every format within 50 times the article's size plus a
fixed allowance for the report's frame; the full finding list stays on the report object, which
is what `fix`, the baseline and the gate read.
"""

from __future__ import annotations

import json

import pytest

from mtcheck.config import Config
from mtcheck.document import Finding, Severity
from mtcheck.errors import ConfigError
from mtcheck.pipeline import check_article
from mtcheck.readers import Article, article_from_text
from mtcheck.render import FORMATS, render
from mtcheck.render.bound import SNIPPET_CHARS, bound_report

RULES_ONLY = Config(fluency=False)
FRAME = 64 * 1024  # a report's fixed part (headers, styles, summary) on top of the 50x bound


def _report(text: str, fmt: str = "text"):
    article = article_from_text(text, "hostile", fmt)
    return check_article(article, RULES_ONLY)


HOSTILE = {
    "one bracket": ("(" * 100_000, "text"),
    "brackets in Markdown": ("[" * 100_000, "markdown"),
    "closing brackets in a sentence": ("The minister said) that talks went on) " * 2_500, "text"),
    "curly quote marks": ("“" * 50_000, "text"),
    "one word repeated": ("the " * 25_000, "text"),
    "lowercase one-word paragraphs": ("talks\n\n" * 14_000, "text"),
}


@pytest.fixture(scope="module", params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request):
    text, fmt = HOSTILE[request.param]
    return text, _report(text, fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_hostile_reports_stay_within_50x(hostile, fmt: str) -> None:
    text, report = hostile
    size = len(text.encode("utf-8"))
    out = render(report, fmt).encode("utf-8")
    assert len(out) <= 50 * size + FRAME, f"{fmt}: {len(out) / size:.1f}x the input"


def test_collapse_keeps_counts_offsets_and_the_full_list() -> None:
    text = "The minister said) that talks went on) " * 500  # 1,000 stray closing brackets
    report = _report(text)
    full = list(report.documents[0].findings)
    assert sum(f.code == "MT104" for f in full) == 1_000
    data = json.loads(render(report, "json", max_repeats=20))
    doc = data["documents"][0]
    listed = [f for f in doc["findings"] if f["code"] == "MT104"]
    assert len(listed) == 21  # 20 one by one, then one summary entry
    summary = listed[-1]
    assert summary["collapsed"]["count"] == 980
    assert "980 more MT104 findings" in summary["message"]
    first = [f for f in full if f.code == "MT104"][20:25]
    assert [(p["start"], p["line"], p["col"]) for p in summary["collapsed"]["first"]] == [
        (f.start, f.line, f.col) for f in first
    ]
    assert f"{first[0].line}:{first[0].col}" in summary["message"]
    for f in doc["findings"]:  # the contract: every listed span indexes the text
        assert doc["text"][f["start"] : f["end"]] == f["text"]
    # Counts and verdict are those of all 1,000; the report object still holds every finding.
    assert sum(data["summary"]["findings"].values()) == len(full)
    assert report.documents[0].findings == full


def test_real_article_is_not_collapsed() -> None:
    text = (
        "The minister (who arrived late) said talks would go on. “We will meet again,” she said.\n\n"
        "Officials from 12 countries attended the meeting in Brussels on Tuesday."
    )
    report = _report(text)
    assert bound_report(report) is report


def test_each_rule_collapses_separately_and_in_place() -> None:
    findings = []
    for i in range(10):
        for code in ("MT104", "MT541"):
            findings.append(
                Finding(
                    code,
                    code.lower(),
                    "quote",
                    Severity.WARNING,
                    i,
                    i + 1,
                    "x",
                    f"{code} #{i}",
                    line=1,
                    col=i + 1,
                )
            )
    report = check_article(Article(id="a", text="x" * 20), RULES_ONLY)
    report.documents[0].findings = findings
    bounded = bound_report(report, max_repeats=3).documents[0]
    codes = [(f.code, getattr(f, "count", 0)) for f in bounded.findings]
    assert codes == [
        ("MT104", 0), ("MT541", 0), ("MT104", 0), ("MT541", 0), ("MT104", 0), ("MT541", 0),
        ("MT104", 7), ("MT541", 7),
    ]  # fmt: skip
    assert bounded.counts() == {"error": 0, "warning": 20, "info": 0}
    assert report.documents[0].findings == findings  # untouched


def test_messages_are_bounded_but_text_and_suggestion_are_not() -> None:
    long = "word " * 400
    finding = Finding(
        "MT101", "unpaired-quote", "quote", Severity.ERROR, 0, 4, "word", "says " + long, long, 1, 1
    )
    report = check_article(Article(id="a", text="word " * 3), RULES_ONLY)
    report.documents[0].findings = [finding]
    (out,) = json.loads(render(report, "json"))["documents"][0]["findings"]
    assert len(out["message"]) == SNIPPET_CHARS and out["message"].endswith("…")
    assert out["suggestion"] == long and out["text"] == "word"


def test_the_limit_is_a_setting() -> None:
    assert Config().merged(report_max_repeats=5).report_max_repeats == 5
    with pytest.raises(ConfigError, match="report-max-repeats"):
        Config().merged(report_max_repeats=0)
