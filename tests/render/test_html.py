"""The HTML report: exact highlights, escaping, self-containment, diff view, fluency shading, index."""

from __future__ import annotations

import base64
import hashlib
import re

from bs4 import BeautifulSoup
from bs4.builder import HTMLParserTreeBuilder

from mtcheck.document import AlignedPair, InputError, Report
from mtcheck.render import render
from mtcheck.render.html import _diff, render_index
from mtcheck.segment import segment
from tests.render.reports import made_report, nato_report

PAYLOAD = '<script>alert(1)</script> and "><img src=x onerror=alert(2)> end.'


def _soup(html: str) -> BeautifulSoup:
    # bs4 collapses whitespace-only strings outside <pre>; a browser keeps them (white-space: pre-wrap).
    return BeautifulSoup(html, builder=HTMLParserTreeBuilder(preserve_whitespace_tags={"div", "pre"}))


def _finding_texts(soup: BeautifulSoup, key: str, count: int) -> list[str]:
    out = []
    for i in range(count):
        fid = f"{key}-f{i}"
        marks = [m for m in soup.select("mark[data-f]") if fid in m["data-f"].split()]
        out.append("".join(m.get_text() for m in marks))
    return out


def test_every_finding_is_highlighted_on_its_exact_text():
    report = nato_report()
    doc = report.documents[0]
    assert len(doc.findings) >= 5  # the example is full of garbling
    soup = _soup(render(report, "html"))
    article = soup.select_one("#d0-text")
    # The article is reproduced exactly: highlighting adds elements, never characters.
    assert article.get_text() == doc.document.text
    assert _finding_texts(soup, "d0", len(doc.findings)) == [f.text for f in doc.findings]
    for i, f in enumerate(doc.findings):
        anchor = soup.find(id=f"d0-f{i}")
        # The anchor sits exactly at the finding's offset.
        before = "".join(s for s in anchor.find_all_previous(string=True) if article in s.parents)
        assert len(before) == f.start, f
        row = soup.find(id=f"d0-f{i}-row")
        assert row["data-sev"] == f.severity.value and row["data-cat"] == f.category
        assert row.find("a")["href"] == f"#d0-f{i}"


def test_highlight_level_is_the_highest_severity_covering_it():
    text = "Alpha beta gamma delta."
    report = made_report(
        text, [("beta gamma", "MT901", "warning", "fluency"), ("gamma", "MT201", "error", "casing")]
    )
    soup = _soup(render(report, "html"))
    levels = {m.get_text(): m["data-level"] for m in soup.select("mark[data-f]")}
    assert levels == {"beta ": "warning", "gamma": "error"}
    assert "MT201 error: Problem with gamma." in soup.find("mark", string="gamma")["title"]


def test_article_text_and_findings_are_escaped():
    text = f"The minister said {PAYLOAD}\n\nSecond paragraph here."
    report = made_report(
        text,
        [
            ("<script>alert(1)</script>", "MT101", "error", "quote"),
            ('"><img src=x onerror=alert(2)>', "MT102", "warning", "quote"),
        ],
        doc_id="<img src=x onerror=alert(3)>.txt",
        message="Bad </script><script>alert(4)</script> {text}",
        suggestion='" onmouseover="alert(5)',
    )
    html = render(report, "html")
    soup = _soup(html)
    assert len(soup.find_all("script")) == 1  # ours only
    assert soup.find("img") is None
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert soup.select_one("#d0-text").get_text() == report.documents[0].document.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # The page only lets its own script run: the CSP pins it by hash.
    script = soup.find("script").string
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def test_page_is_self_contained():
    html = render(nato_report(), "html")
    soup = _soup(html)
    assert soup.find("link") is None
    assert not soup.find_all(src=True)
    urls = re.findall(r"(?:https?:)?//[\w.-]+", html)
    assert set(urls) <= {"http://www.w3.org"}  # the SVG namespace, never fetched
    assert "@media print" in soup.find("style").string
    chart = soup.select_one("svg.chart")
    assert len(chart.select("rect")) == len(nato_report().documents[0].sentence_scores)


def test_side_by_side_marks_divergent_words():
    report = nato_report(reference=True)
    soup = _soup(render(report, "html"))
    rows = soup.select("table.pairs tbody tr")
    assert len(rows) == len(report.documents[0].alignment)
    divergent_mt = {s.get_text() for s in soup.select("table.pairs td.mt .div")}
    divergent_ref = {s.get_text() for s in soup.select("table.pairs td.ref .div")}
    assert "Billion" in divergent_mt and "billions" in divergent_ref
    # A word both sides of a pair share is not marked: "Stoltenberg" appears in both versions. (An
    # MT-only caption has no counterpart, so all of its words differ from the empty other side.)
    paired = [r for r in rows if r.select_one("td.ref").get_text(strip=True)]
    assert paired and all(
        "Stoltenberg" not in {s.get_text() for s in r.select("td.mt .div")}
        for r in paired
        if "Stoltenberg" in r.select_one("td.ref").get_text()
    )
    assert any("Stoltenberg" in r.select_one("td.ref").get_text() for r in paired)


def _text_diff(mt: str, ref: str):
    """The side-by-side view of two one-sentence documents."""
    return _diff(segment(mt, "mt"), segment(ref, "ref"), AlignedPair((0,), (0,), 1.0))


def test_word_diff_marks_only_what_differs():
    mt, ref = _text_diff(
        "The allies sent 200 missiles, he said.", "The allies sent about 200 missiles, it said."
    )
    assert [t.text for t in mt if t.divergent] == ["he"]
    assert [t.text for t in ref if t.divergent] == ["about", "it"]
    assert "".join(t.text for t in mt) == "The allies sent 200 missiles, he said."
    # Case and punctuation alone are not divergence.
    mt, ref = _text_diff("Nato agreed.", "NATO agreed")
    assert not any(t.divergent for t in mt + ref)


def test_no_reference_no_pairs_table():
    soup = _soup(render(nato_report(reference=False), "html"))
    assert soup.select_one("table.pairs") is None


def test_fluency_shading_by_sentence():
    text = "The council met today. Garble word soup the of. Ministers agreed on a plan."
    report = made_report(text, [], fluency=[95.0, 12.0, 70.0])
    soup = _soup(render(report, "html"))
    shades = [s["class"] for s in soup.select(".sent")]
    assert shades == [["sent", "flu-0"], ["sent", "flu-4"], ["sent", "flu-1"]]
    assert soup.find(id="shade") is not None
    assert "fluency 12.0" in soup.select(".sent")[1]["title"]
    no_flu = _soup(render(made_report(text, []), "html"))
    assert no_flu.find(id="shade") is None


def test_filters_list_present_categories():
    text = "Alpha beta gamma delta."
    report = made_report(text, [("beta", "MT201", "error", "casing"), ("delta", "MT301", "info", "number")])
    soup = _soup(render(report, "html"))
    assert [b["value"] for b in soup.select('input[data-filter="sev"]')] == ["error", "warning", "info"]
    assert [b["value"] for b in soup.select('input[data-filter="cat"]')] == ["casing", "number"]


def test_index_sorts_by_quality_and_links_pages():
    good = made_report("A calm sentence here.", [], doc_id="good")
    bad = made_report("the bad one. the worse one.", [("the", "MT201", "error", "casing")], doc_id="bad<b>")
    documents = [good.documents[0], bad.documents[0]]
    report = Report(good.signature, documents, "fail", [InputError("x", "broken", 7)])
    html = render_index(report, {"good": "good.html", "bad<b>": "bad_b.html"})
    soup = _soup(html)
    links = [(a.get_text(), a["href"]) for a in soup.select("table.index a")]
    assert links == [("bad<b>", "bad_b.html"), ("good", "good.html")]
    qualities = [float(r["data-quality"]) for r in soup.select("table.index tbody tr")]
    assert qualities == sorted(qualities)
    assert "x (line 7): broken" in soup.select_one("ul.errors").get_text()


def test_index_ranks_by_displayed_quality_then_id():
    # Scores that differ only below the displayed precision (float noise between two batchings of
    # the same articles) rank by id, so the page is the same whichever way the batch ran.
    docs = []
    for doc_id, quality in (("zeta", 61.2000001), ("alpha", 61.2), ("mid", 40.0), ("beta", 61.1999999)):
        doc = made_report("A calm sentence here.", [], doc_id=doc_id).documents[0]
        doc.quality = quality
        docs.append(doc)
    report = Report(made_report("x.", []).signature, docs, "pass", [])
    soup = _soup(render_index(report, {}))
    order = [td.get_text() for td in soup.select("table.index tbody tr td:nth-of-type(2)")]
    assert [o.strip() for o in order] == ["mid", "alpha", "beta", "zeta"]
