"""The HTML report in real headless Chromium (Debian's package, installed by .ci/run).

Playwright drives the system browser (``executable_path``); it never downloads one of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mtcheck.render import render
from tests.render.reports import made_report, nato_report

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (bash .ci/run does)"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        yield context
        context.close()


def _open(browser, tmp_path: Path, html: str, name: str):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    return page, errors


MEASURE = """(arg) => {
  const article = document.getElementById('d0-text');
  return arg.ids.map((id) => {
    const marks = [...document.querySelectorAll('mark[data-f]')]
      .filter(m => m.dataset.f.split(' ').includes(id));
    const range = document.createRange();
    range.setStart(article, 0);
    range.setEndBefore(document.getElementById(id));
    marks[0].scrollIntoView({block: 'center'});
    const r = marks[0].getClientRects()[0];
    const hit = document.elementFromPoint(r.left + Math.min(3, r.width / 2), r.top + r.height / 2);
    const a = article.getBoundingClientRect();
    return {
      text: marks.map(m => m.textContent).join(''),
      offset: range.toString().length,
      visible: marks.every(m => m.getClientRects().length > 0 && m.getBoundingClientRect().width > 0),
      inside: r.left >= a.left - 1 && r.right <= a.right + 1,
      hit: hit === marks[0] || marks[0].contains(hit),
      background: getComputedStyle(marks[0]).backgroundColor,
    };
  });
}"""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_highlights_sit_on_the_flagged_words(browser, tmp_path: Path):
    report = nato_report(reference=True)
    doc = report.documents[0]
    page, errors = _open(browser, tmp_path, render(report, "html"), "nato.html")
    ids = [f"d0-f{i}" for i in range(len(doc.findings))]
    measured = page.evaluate(MEASURE, {"ids": ids})
    assert len(doc.findings) >= 10
    for f, m in zip(doc.findings, measured, strict=True):
        assert m["text"] == f.text, f
        assert m["offset"] == _utf16_len(doc.document.text[: f.start]), f
        assert m["visible"] and m["inside"] and m["hit"], (f, m)
        assert m["background"] != "rgba(0, 0, 0, 0)", f
    # The side-by-side view is there with divergent words marked.
    assert page.locator("table.pairs tbody tr").count() == len(doc.alignment)
    assert page.locator("table.pairs td.mt .div").count() > 0
    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / "nato-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert errors == []


def test_severity_filter_hides_and_shows(browser, tmp_path: Path):
    report = nato_report(reference=False)
    doc = report.documents[0]
    page, errors = _open(browser, tmp_path, render(report, "html"), "filter.html")
    only_errors = [
        i
        for i, f in enumerate(doc.findings)
        if f.severity.value == "error"
        and not any(g.severity.value != "error" and g.start < f.end and f.start < g.end for g in doc.findings)
    ]
    assert only_errors
    ids = [f"d0-f{i}" for i in only_errors]
    before = page.evaluate(MEASURE, {"ids": ids})
    assert all(m["background"] != "rgba(0, 0, 0, 0)" for m in before)
    error_rows = page.locator('tr.finding-row[data-sev="error"]')
    assert error_rows.first.is_visible()

    page.locator('input[data-filter="sev"][value="error"]').uncheck()
    hidden = page.evaluate(MEASURE, {"ids": ids})
    assert all(m["background"] == "rgba(0, 0, 0, 0)" for m in hidden)
    assert all(not error_rows.nth(i).is_visible() for i in range(error_rows.count()))
    assert page.locator('tr.finding-row[data-sev="warning"]').first.is_visible()
    # Text is never removed, only its highlight.
    assert page.locator("#d0-text").inner_text().replace("\n", "") == doc.document.text.replace("\n", "")

    page.locator('input[data-filter="sev"][value="error"]').check()
    shown = page.evaluate(MEASURE, {"ids": ids})
    assert [m["background"] for m in shown] == [m["background"] for m in before]
    assert error_rows.first.is_visible()

    # A category filter works the same way.
    category = doc.findings[only_errors[0]].category
    page.locator(f'input[data-filter="cat"][value="{category}"]').uncheck()
    assert not page.locator(f'tr.finding-row[data-cat="{category}"]').first.is_visible()
    assert errors == []


def test_payloads_render_as_text_and_never_run(browser, tmp_path: Path):
    payload_script = "<script>window.__xss = 1; document.title = 'pwned'</script>"
    payload_img = '"><img src=x onerror="window.__xss = 2; document.title = \'pwned\'">'
    text = f"The minister said {payload_script} today.\n\nThen {payload_img} happened."
    report = made_report(
        text,
        [(payload_script, "MT101", "error", "quote"), (payload_img, "MT102", "warning", "quote")],
        doc_id="<svg onload=window.__xss=3>",
        message="Bad {text} <img src=x onerror=window.__xss=4>",
        suggestion='"><script>window.__xss=5</script>',
    )
    page, _ = _open(browser, tmp_path, render(report, "html"), "xss.html")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("mark").first.hover()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert "pwned" not in page.title()
    assert page.locator("#d0-text img, #d0-text script, img, svg[onload]").count() == 0
    assert page.evaluate("document.getElementById('d0-text').textContent") == text
    marks = page.locator("mark").all_inner_texts()
    assert payload_script in marks and payload_img in marks
    assert dialogs == []
