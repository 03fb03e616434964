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
from pathlib import Path

import pytest

from mtcheck.config import Config
from mtcheck.document import Finding, Severity
from mtcheck.errors import ConfigError
from mtcheck.pipeline import check_article
from mtcheck.readers import Article, article_from_text
from mtcheck.render import FORMATS, render
from mtcheck.render.bound import SNIPPET_CHARS, bound_report

RULES_ONLY = Config(fluency=False)
# On top of the 50x: a report's fixed part (styles, script, summary: under 64 KiB) and the first 200
# findings a document always lists (report_max_repeats' default; at most ~1.5 KiB each, in SARIF).
FRAME = 64 * 1024 + 200 * 1536


def _report(text: str, fmt: str = "text"):
    article = article_from_text(text, "hostile", fmt)
    return check_article(article, RULES_ONLY)


# name: (unit repeated, reader format). From the issue (one bracket, `[` in Markdown, one quote mark,
# abbreviations, one word repeated) and from other stories: sentence-dense text (one-letter lines:
# a sentence per two characters), lowercase one-word paragraphs, stray closing brackets in a
# real-looking sentence, straight quotes, HTML of one-bracket paragraphs, and a mix that trips
# several rules at once.
HOSTILE = {
    "one bracket": ("(", "text"),
    "brackets in Markdown": ("[", "markdown"),
    "closing brackets in a sentence": ("The minister said) that talks went on) ", "text"),
    "curly quote marks": ("“", "text"),
    "straight quote marks": ('"', "text"),
    "abbreviations": ("U.S. ", "text"),
    "one word repeated": ("the ", "text"),
    "one-letter lines": ("A\n", "text"),
    "lowercase one-word paragraphs": ("talks\n\n", "text"),
    "one-letter paragraphs": ("a\n\n", "text"),
    "bracket paragraphs in HTML": ("<p>(</p>", "html"),
    "many rules at once": ("a ( “ 3,5 NATO nato\n\n", "text"),
}
SIZES = (300, 3_000, 60_000)  # characters: under the floors, around them, well past them


def _text(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


@pytest.fixture(
    scope="module", params=[(n, s) for n in HOSTILE for s in SIZES], ids=lambda p: f"{p[0]}-{p[1]}"
)
def hostile(request):
    name, size = request.param
    unit, fmt = HOSTILE[name]
    text = _text(unit, size)
    return text, _report(text, fmt)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_hostile_reports_stay_within_50x(hostile, fmt: str) -> None:
    text, report = hostile
    size = len(text.encode("utf-8"))
    out = render(report, fmt).encode("utf-8")
    assert len(out) <= 50 * size + FRAME, f"{fmt}: {len(out) / size:.1f}x the input"


def test_sentence_dense_text_lists_sentences_up_to_a_budget() -> None:
    text = "A\n" * 20_000  # 20,000 one-letter sentences in 40,000 characters
    report = _report(text)
    doc = report.documents[0]
    assert len(doc.document.sentences) == 20_000
    data = json.loads(render(report, "json"))["documents"][0]
    listed = data["sentences"]
    assert 100 <= len(listed) < 20_000
    assert [s["index"] for s in listed] == list(range(len(listed)))  # each record is one sentence
    assert [s["index"] for s in data["sentence_scores"]] == list(range(len(listed)))
    rest = data["sentences_collapsed"]
    assert rest["count"] + len(listed) == 20_000
    assert rest["from_index"] == len(listed)
    assert (rest["start"], rest["end"]) == (2 * len(listed), 39_999)
    assert rest["min_quality"] <= rest["mean_quality"] <= 100
    for key in ("id", "text", "sentences", "reference", "alignment", "findings", "scores",
                "sentence_scores", "verdict"):  # fmt: skip
        assert key in data  # the contract's keys stay
    html = render(report, "html")
    assert html.count('class="sent ') == len(listed)
    assert "A\nA\nA" in html  # the rest is still shown, as plain text
    assert report.documents[0].document.sentences[-1].index == 19_999  # the report is untouched


def test_total_findings_budget_collapses_per_rule() -> None:
    # 3,000 characters that trip several rules 200+ times each: the document lists at most
    # max(200, 3000 // 60) = 200 findings in all, the rest as one summary entry per rule.
    text = "a ( “ 3,5 NATO nato\n\n" * 150
    report = _report(text)
    full = report.documents[0].findings
    data = json.loads(render(report, "json"))["documents"][0]
    plain = [f for f in data["findings"] if "collapsed" not in f]
    summaries = [f for f in data["findings"] if "collapsed" in f]
    assert len(plain) == 200 < len(full)
    assert len(plain) + sum(f["collapsed"]["count"] for f in summaries) == len(full)
    assert len({f["code"] for f in summaries}) == len(summaries)  # one summary per rule


def test_real_articles_keep_every_sentence_record() -> None:
    text = "\n\n".join(
        p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parents[1].glob("data/clean/*.txt"))
    )
    report = _report(text)
    data = json.loads(render(report, "json"))["documents"][0]
    assert "sentences_collapsed" not in data
    assert len(data["sentences"]) == len(report.documents[0].document.sentences) > 100


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


@pytest.mark.parametrize(
    "mt, unit",
    [
        ("The talks in Geneva went on late into the night.", "A\n"),
        ("Shares fell sharply on Monday.\n\nTraders blamed the rate rise.", "b.\n\n"),
    ],
)
def test_short_mt_against_a_sentence_dense_re_translation_stays_bounded(mt: str, unit: str) -> None:
    # The re-translation is input too (a CMS sends both): a huge, sentence-dense one must not make
    # the report grow past 50x of what was sent, in any format; its first sentences keep records.
    reference = unit * (24_000 // len(unit))
    article = Article("dense-ref", mt, reference=reference, extra_references=[reference])
    report = check_article(article, RULES_ONLY)
    ref_sentences = len(report.documents[0].reference.document.sentences)
    assert ref_sentences > 4_000
    size = len(mt.encode("utf-8")) + 2 * len(reference.encode("utf-8"))
    for fmt in FORMATS:
        out = render(report, fmt).encode("utf-8")
        assert len(out) <= 50 * size + FRAME, f"{fmt}: {len(out) / size:.1f}x the input"
    data = json.loads(render(report, "json"))["documents"][0]
    for ref in (data["reference"], *data["references"]):
        listed = ref["sentences"]
        assert 100 <= len(listed) < ref_sentences
        assert [s["index"] for s in listed] == list(range(len(listed)))
        rest = ref["sentences_collapsed"]
        assert rest["count"] + len(listed) == ref_sentences and rest["from_index"] == len(listed)
        assert ref["text"] == reference  # the re-translation's text itself is never cut
    assert len(data["alignment"]) < ref_sentences
    assert len(report.documents[0].reference.document.sentences) == ref_sentences  # report untouched
