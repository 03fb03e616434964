"""``--format html``: one self-contained page an editor can read before publishing.

Everything the page needs is inline (CSS, SVG chart, a small filter script), so it works from disk,
offline and on paper. All article text goes through jinja2 autoescaping; the page also carries a
Content-Security-Policy that lets only its own script run (pinned by hash), as a second line of
defence should any text ever slip through unescaped.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from mtcheck import __version__, words
from mtcheck.document import AlignedPair, Document, DocumentReport, Finding, Report

SEVERITIES = ("error", "warning", "info")
_RANK = {"error": 3, "warning": 2, "info": 1}
CHART_WIDTH, CHART_HEIGHT = 720, 70


@dataclass
class Segment:
    """A run of article text covered by the same set of findings."""

    text: str
    start: int
    findings: list[int]  # indices into the document's findings
    level: str | None  # the highest severity among them
    anchors: list[int] = field(default_factory=list)  # findings that start here
    tip: str = ""


@dataclass
class SentenceView:
    index: int | None  # None for the whitespace between sentences
    segments: list[Segment]
    quality: float | None = None
    fluency: float | None = None
    shade: int = 0  # 0 (fluent) .. 4 (reads badly), for the fluency shading


@dataclass
class Token:
    text: str
    divergent: bool


@dataclass
class PairView:
    mt: list[int]
    ref: list[int]
    mt_tokens: list[Token]
    ref_tokens: list[Token]
    similarity: float
    chrf: float | None


@dataclass
class Bar:
    x: float
    width: float
    height: float
    quality: float
    index: int
    band: str


@dataclass
class FixView:
    """A finding's correction as the findings table shows it."""

    applicability: str  # safe | unsafe | display
    before: str
    after: str


@dataclass
class DocumentView:
    key: str  # prefix that keeps element ids unique when several documents share a page
    report: DocumentReport
    sentences: list[SentenceView]
    pairs: list[PairView]
    bars: list[Bar]
    categories: list[str]
    counts: dict[str, int]
    fixes: list[FixView | None] = field(default_factory=list)  # one per finding
    corrected: str | None = None  # the text with the safe fixes applied, if any applies


def _fixes(report: DocumentReport) -> tuple[list[FixView | None], str | None]:
    from mtcheck.edits.preview import before_after, corrected_text

    views: list[FixView | None] = []
    for f in report.findings:
        pair = before_after(report.document.text, f)
        views.append(None if pair is None or f.fix is None else FixView(f.fix.applicability.value, *pair))
    corrected = corrected_text(report)
    return views, (corrected if corrected != report.document.text else None)


def _tip(findings: Sequence[Finding], indices: Sequence[int]) -> str:
    lines = []
    for i in indices:
        f = findings[i]
        line = f"{f.code} {f.severity.value}: {f.message}"
        if f.suggestion is not None:
            line += f" — suggestion: {f.suggestion}" if f.suggestion else " — suggestion: delete it"
        lines.append(line)
    return "\n".join(lines)


def _sentences(report: DocumentReport) -> list[SentenceView]:
    """Cut the text at every sentence and finding boundary; each piece knows its findings."""
    doc = report.document
    text, findings = doc.text, report.findings
    cuts = {0, len(text)}
    # The bounded view (mtcheck.render.bound) may give only the first sentences elements of their
    # own; the text after them is shown plain, findings still marked.
    listed = getattr(report, "listed_sentences", None)
    listed = len(doc.sentences) if listed is None else listed
    for s in doc.sentences[:listed]:
        cuts.update((s.start, s.end))
    for f in findings:
        cuts.update((f.start, f.end))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    quality = {s.index: s for s in report.sentence_scores}
    fluency = report.fluency
    # One lookup table: FluencyResult.for_sentence scans the list, once per sentence.
    fluency_of = {s.index: s for s in fluency.sentences} if fluency else {}
    views: list[SentenceView] = []
    started: set[int] = set()
    # A sweep over findings sorted by start: each piece looks only at the findings still open,
    # not at all of them (that was pieces x findings: minutes on a text of 100,000 brackets).
    order = sorted(range(len(findings)), key=lambda i: findings[i].start)
    active: list[int] = []
    k = 0
    for a, b in itertools.pairwise(bounds):
        if a == b:
            continue
        sent = doc.sentence_at(a)
        index = sent.index if sent is not None and a < sent.end and sent.index < listed else None
        while k < len(order) and findings[order[k]].start <= a:
            active.append(order[k])
            k += 1
        # Every cut lies on a finding boundary, so a finding open at a (end > a) covers all of a..b.
        active = [i for i in active if findings[i].end > a]
        covering = sorted(active)
        level = max((findings[i].severity.value for i in covering), key=_RANK.__getitem__, default=None)
        anchors = [i for i in covering if i not in started]
        started.update(anchors)
        seg = Segment(text[a:b], a, covering, level, anchors, _tip(findings, covering))
        if views and views[-1].index == index:
            views[-1].segments.append(seg)
            continue
        view = SentenceView(index, [seg])
        if index is not None:
            score = quality.get(index)
            view.quality = score.quality if score else None
            flu = fluency_of.get(index)
            if flu is not None:
                view.fluency = flu.score
                view.shade = min(4, max(0, int((100.0 - flu.score) // 20)))
        views.append(view)
    return views


def _diff(mt_doc: Document, ref_doc: Document, pair: AlignedPair) -> tuple[list[Token], list[Token]]:
    """Mark the words of each side that the other side does not have: the divergence rules' word diff
    over the documents' own tokens (``Document.sentence_tokens``, :mod:`mtcheck.words`); punctuation
    and the text between tokens are shown unmarked."""
    mt_tokens = [t for i in pair.mt for t in mt_doc.sentence_tokens(i)]
    ref_tokens = [t for j in pair.ref for t in ref_doc.sentence_tokens(j)]
    mt_div: set[int] = set()
    ref_div: set[int] = set()
    for tag, i1, i2, j1, j2 in words.diff(mt_tokens, ref_tokens):
        if tag != "equal":
            mt_div.update(range(i1, i2))
            ref_div.update(range(j1, j2))
    return _marked(mt_doc, pair.mt, mt_div), _marked(ref_doc, pair.ref, ref_div)


def _marked(doc: Document, sentences: Sequence[int], divergent: set[int]) -> list[Token]:
    """The sentences, joined by single spaces, as Tokens: each word marked when divergent (``divergent``
    holds indices into the sentences' tokens taken together), everything between kept as it is."""
    out: list[Token] = []
    k = 0
    for n, index in enumerate(sentences):
        if n:
            out.append(Token(" ", False))
        sent = doc.sentences[index]
        pos = sent.start
        for token in doc.sentence_tokens(index):
            start, end, text = token
            if start > pos:
                out.append(Token(doc.text[pos:start], False))
            out.append(Token(text, k in divergent and words.is_word(token)))
            pos, k = end, k + 1
        if pos < sent.end:
            out.append(Token(doc.text[pos : sent.end], False))
    return out


def _pairs(report: DocumentReport) -> list[PairView]:
    if report.reference is None:
        return []
    out = []
    for pair in report.alignment:
        mt_tokens, ref_tokens = _diff(report.document, report.reference.document, pair)
        out.append(PairView(list(pair.mt), list(pair.ref), mt_tokens, ref_tokens, pair.similarity, pair.chrf))
    return out


def _band(quality: float) -> str:
    return "good" if quality >= 80 else "fair" if quality >= 50 else "poor"


def _bars(report: DocumentReport) -> list[Bar]:
    """Sentence quality along the article: each bar sits where its sentence sits in the text."""
    length = max(1, len(report.document.text))
    sentences = report.document.sentences
    bars = []
    for score in report.sentence_scores:
        sent = sentences[score.index]
        x = CHART_WIDTH * sent.start / length
        width = max(2.0, CHART_WIDTH * (sent.end - sent.start) / length - 1.0)
        height = max(1.0, (CHART_HEIGHT - 4) * score.quality / 100.0)
        band = _band(score.quality)
        bars.append(Bar(round(x, 1), round(width, 1), round(height, 1), score.quality, score.index, band))
    return bars


def document_view(report: DocumentReport, key: str) -> DocumentView:
    categories = sorted({f.category for f in report.findings})
    fixes, corrected = _fixes(report)
    return DocumentView(
        key,
        report,
        _sentences(report),
        _pairs(report),
        _bars(report),
        categories,
        report.counts(),
        fixes,
        corrected,
    )


@cache
def _asset(name: str) -> str:
    return resources.files("mtcheck.render").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mtcheck.render", "templates"),
        autoescape=True,  # every value is escaped unless it is our own Markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt1"] = lambda v: "–" if v is None else f"{v:.1f}"
    return env


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _page(template: str, **context: Any) -> str:
    script = _asset("report.js")
    return (
        _environment()
        .get_template(template)
        .render(
            style=Markup(_asset("style.css")),
            script=Markup(script),
            csp=_csp(script),
            version=__version__,
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
            severities=SEVERITIES,
            **context,
        )
    )


def render_documents(
    report: Report, documents: Sequence[DocumentReport], index_href: str | None = None
) -> str:
    views = [document_view(d, f"d{i}") for i, d in enumerate(documents)]
    categories = sorted({c for v in views for c in v.categories})
    title = views[0].report.document.id if len(views) == 1 else f"{len(views)} articles"
    return _page(
        "report.html.j2",
        title=title,
        report=report,
        views=views,
        categories=categories,
        errors=report.errors if index_href is None else [],
        index_href=index_href,
    )


def render_index(report: Report, pages: Mapping[str, str]) -> str:
    """The batch index: articles sorted by quality (worst first), each linking to its page.

    Ranked by the quality as displayed (one decimal), then id: two articles an editor sees with the
    same score keep one order however the model batched them (a runtime's float noise of ~1e-7
    between batch compositions must not reorder the page).
    """
    ranked = sorted(report.documents, key=lambda d: (round(d.quality, 1), d.document.id))
    rows = [(d, pages.get(d.document.id)) for d in ranked]
    return _page("index.html.j2", title="mtcheck batch report", report=report, rows=rows)


def render(report: Report, **_: Any) -> str:
    return render_documents(report, report.documents)
