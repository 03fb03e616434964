"""The editors' page in real headless Chromium (Debian's package, as the report's browser test uses),
against a real `mtcheck serve` process: paste, submit, read the highlights; payloads stay text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve.conftest import NATO
from tests.serve.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

# Each mark's text and its offset in the article text (in UTF-16 units, as the DOM counts).
MARKS = """() => {
  const article = document.getElementById('d0-text');
  return [...article.querySelectorAll('mark')].map((m) => {
    const range = document.createRange();
    range.setStart(article, 0);
    range.setEndBefore(m);
    const box = m.getBoundingClientRect();
    return {text: m.textContent, offset: range.toString().length, visible: box.width > 0 && box.height > 0,
            level: m.getAttribute('data-level')};
  });
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("page"), "--no-fluency")
    try:
        live.wait_ready()
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (bash .ci/run does)"
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        yield context
        context.close()


def _open(browser, server: LiveServer):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Any request that leaves the service (a CDN, a font) would show up here.
    outside: list[str] = []
    page.on("request", lambda req: None if req.url.startswith(server.url) else outside.append(req.url))
    response = page.goto(server.url + "/")
    assert response is not None and response.status == 200
    return page, errors, outside


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("#check").click()


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_paste_the_example_and_read_the_highlights(browser, server: LiveServer) -> None:
    page, errors, outside = _open(browser, server)
    page.locator("#mt").fill(NATO)
    _submit(page)
    marks = page.evaluate(MARKS)
    # The text the page analysed is the pasted article, character for character.
    assert page.locator("#d0-text").text_content() == NATO
    expected = {
        "nato": NATO.index("countries of nato He") + len("countries of "),
        "Billion": NATO.index("provide Billion euros") + len("provide "),
        "″": NATO.index("2024″Nato") + len("2024"),
    }
    for word, start in expected.items():
        hits = [m for m in marks if m["offset"] == _utf16(NATO[:start]) and m["text"].startswith(word)]
        assert hits, (word, [m for m in marks if word in m["text"]])
        assert hits[0]["visible"] and hits[0]["level"] in ("error", "warning", "info")
    # The report's own filters work inside the page.
    errors_box = page.locator('input[data-filter="sev"][value="error"]')
    errors_box.uncheck()
    assert all(m["level"] != "error" for m in page.evaluate(MARKS)), (
        "unchecking errors removes their highlight"
    )
    errors_box.check()
    # The form keeps the article, for another try after an edit.
    assert page.locator("#mt").input_value() == NATO
    assert errors == [] and outside == []


def test_an_uploaded_markdown_file_is_checked(browser, server: LiveServer, tmp_path: Path) -> None:
    story = (
        "# Floods in the north\n\nHeavy rain caused floods in the north of italy on Sunday, officials said.\n"
    )
    upload = tmp_path / "floods.md"
    upload.write_text(story, encoding="utf-8")
    page, errors, outside = _open(browser, server)
    page.locator("#file").set_input_files(str(upload))
    _submit(page)
    assert page.locator("section.doc h1").text_content() == "floods.md"
    # Markdown was read as Markdown: the heading marker is not part of the analysed text.
    assert not page.locator("#d0-text").text_content().startswith("#")
    assert "italy" in [m["text"] for m in page.evaluate(MARKS)]
    assert errors == [] and outside == []


def test_payloads_in_an_article_stay_text(browser, server: LiveServer) -> None:
    script = "<script>window.__xss = 1; document.title = 'pwned'</script>"
    img = '"><img src=x onerror="window.__xss = 2; document.title = \'pwned\'">'
    text = f"The minister said {script} on Monday.\n\nThen {img} happened in the capital."
    page, errors, _ = _open(browser, server)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("#mt").fill(text)
    _submit(page)
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None and "pwned" not in page.title()
    assert page.locator("img").count() == 0
    assert page.locator("#d0-text script").count() == 0
    assert page.locator("#d0-text").text_content() == text
    assert page.locator("#mt").input_value() == text
    assert dialogs == [] and errors == []


def test_an_empty_submission_shows_the_error_in_the_page(browser, server: LiveServer) -> None:
    page, errors, _ = _open(browser, server)
    _submit(page)
    assert "the article is empty" in page.locator("#page-error").text_content()
    assert page.locator("#d0-text").count() == 0 and errors == []
