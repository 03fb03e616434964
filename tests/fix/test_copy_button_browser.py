"""The HTML report's "Copy corrected text" button in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

from mtcheck.edits.preview import corrected_text
from mtcheck.render import render
from tests.browser.test_html_browser import _open, browser  # noqa: F401  (the module's fixture)
from tests.render.reports import nato_report


def test_copy_button_puts_the_corrected_text_on_the_clipboard(browser, tmp_path: Path) -> None:  # noqa: F811
    report = nato_report(reference=False)
    doc = report.documents[0]
    expected = corrected_text(doc)
    assert "2024” NATO" not in expected and "Member countries of NATO" in expected  # one pass only
    browser.grant_permissions(["clipboard-read", "clipboard-write"])
    page, errors = _open(browser, tmp_path, render(report, "html"), "copy.html")
    area = page.locator("#d0-corrected")
    assert area.input_value() == expected
    page.click("button[data-copy='d0-corrected']")
    page.wait_for_function("document.getElementById('d0-corrected-status').textContent !== ''")
    assert page.locator("#d0-corrected-status").text_content() == "copied"
    assert page.evaluate("navigator.clipboard.readText()") == expected
    # The table shows each fix as before -> after.
    row = page.locator("tr.finding-row", has_text="acronym-casing").first
    assert row.locator(".fix-before").text_content() == "nato"
    assert row.locator(".fix-after").text_content() == "NATO"
    assert errors == []
