"""Hostile article text never escapes its place in a report, in any output format.

Each format gets payloads aimed at it (script tags and attribute breakouts for HTML, ``]]>`` and
characters XML cannot carry for JUnit, workflow commands and newlines for GitHub, terminal escape
sequences for text, quotes, backslashes, control characters and U+2028 for JSON and SARIF). The
payloads sit in the article text, the article id, a finding's text, message and suggestion, and an
input error, so that every field a renderer prints is attacked. Every format must render the
payloads as data: it parses as its format, and the text comes back out unchanged where the format
can carry it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

from mtcheck.config import Config
from mtcheck.document import Finding, InputError, Report, Severity
from mtcheck.pipeline import check_article
from mtcheck.readers import Article
from mtcheck.render import FORMATS, render

PAYLOADS = {
    "json": [
        '"}], "verdict": "pass", "x": [{"',
        "back\\slash\\\\",
        "nul-ish \x01\x02\x1f",
        "line\u2028sep\u2029",
    ],
    "text": [
        "\x1b[2J\x1b[31mred\x1b[0m",
        "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
        "over\rwrite",
        "bell\x07",
    ],
    "html": [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'><svg onload=alert(1)>",
        "javascript:alert(1)",
        "</textarea></style></title><script>alert(2)</script>",
        "{{ 7*7 }} {% raw %}",
    ],
    "junit": [
        "]]><injected/>",
        "<![CDATA[x]]>",
        "a & b < c > d",
        "ctl \x00\x0b\x0c\x1b",
        "non-char \ufffe\uffff",
    ],
    "sarif": ['{"$schema": "x"}', "\\u0000", "\"'\\"],
    "github": [
        "::error file=evil.txt,line=1::pwned",
        "line\n::error::injected after a newline",
        "cr\r::warning::injected after a CR",
        "%0A::notice::percent-encoded newline",
        "::stop-commands::token",
        "::add-mask::secret",
    ],
}
ALL = [p for group in PAYLOADS.values() for p in group]


def _hostile_report() -> Report:
    """A real report over hostile text, plus one finding and one input error carrying every payload."""
    body = []
    for i, payload in enumerate(ALL):
        body.append(f"Paragraph {i} says “{payload}” and the minister  spoke.")
    text = "\n\n".join(body) + "\n"
    config = Config(fluency=False)
    report = check_article(Article(id="article <b>&amp; “id”\n::error::x", text=text), config)
    doc = report.documents[0]
    doc.findings.append(
        Finding(
            code="MT101",
            name="unpaired-quote",
            category="quote",
            severity=Severity.ERROR,
            start=0,
            end=9,
            text=text[0:9],
            message="Message with payloads: " + " | ".join(ALL),
            suggestion=" | ".join(ALL),
            line=1,
            col=1,
        )
    )
    doc.verdict = "fail"
    report.errors.append(InputError("bad <id> \n::error::x", "reason: " + " | ".join(ALL), line=3))
    return report


@pytest.fixture(scope="module")
def report() -> Report:
    return _hostile_report()


def test_every_format_is_tested() -> None:
    assert set(FORMATS) <= set(PAYLOADS), f"add payloads for {set(FORMATS) - set(PAYLOADS)}"


def test_json(report: Report) -> None:
    out = render(report, "json")
    data = json.loads(out)  # strict: raw control characters would be rejected
    doc = data["documents"][0]
    assert doc["text"] == report.documents[0].document.text
    assert doc["id"] == report.documents[0].document.id
    # Messages are bounded (mtcheck.render.bound.SNIPPET_CHARS); the JSON payloads come first in it.
    message = report.documents[0].findings[-1].message
    assert doc["findings"][-1]["message"][:-1] == message[: len(doc["findings"][-1]["message"]) - 1]
    assert all(p in doc["findings"][-1]["message"] for p in PAYLOADS["json"])
    assert data["errors"][0]["reason"] == "reason: " + " | ".join(ALL)
    assert doc["findings"][-1]["suggestion"] == " | ".join(ALL)
    assert data["summary"]["verdict"] == "fail"
    assert not re.search(r"[\x00-\x1f]", out.replace("\n", "")), "raw control character in JSON"


def test_text_has_no_terminal_control(report: Report) -> None:
    out = render(report, "text", color=False)
    # Without colour, every escape, bell or carriage return in the output came from the article.
    bad = sorted({f"U+{ord(c):04X}" for c in out if (ord(c) < 0x20 and c not in "\n\t") or c == "\x7f"})
    assert not bad, f"terminal control characters in text output: {bad}"
    assert "minister" in out  # the report itself is still there


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, attrs))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.data.append(data)


def _parse_html(out: str) -> _Elements:
    parser = _Elements()
    parser.feed(out)
    parser.close()
    return parser


def test_html(report: Report) -> None:
    out = render(report, "html")
    benign = _parse_html(render(_benign_report(), "html"))
    page = _parse_html(out)

    def count(p: _Elements, tag: str) -> int:
        return sum(t == tag for t, _ in p.tags)

    # The page's own structure only: no element the article brought in.
    for tag in ("script", "img", "svg", "iframe", "textarea", "injected"):
        if tag in ("svg",):
            continue  # the renderer draws its own charts; checked through the attributes below
        assert count(page, tag) == count(benign, tag), f"<{tag}> injected"
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.lower().startswith("on"), f"event handler {name} on <{tag}>"
            assert not (value or "").strip().lower().startswith("javascript:"), f"{name}={value!r}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "{{ 7*7 }}" in "".join(page.data)  # shown as text, never evaluated as a template


def _benign_report() -> Report:
    return check_article(Article(id="benign", text="The minister  spoke.\n"), Config(fluency=False))


def test_sarif(report: Report) -> None:
    data = json.loads(render(report, "sarif"))
    results = data["runs"][0]["results"]
    messages = [r["message"]["text"] for r in results]
    assert any(" | ".join(ALL) in m or "Message with payloads" in m for m in messages)
    hostile = next(m for m in messages if "Message with payloads" in m)
    for payload in PAYLOADS["sarif"] + PAYLOADS["json"]:
        assert payload in hostile, payload


def test_junit(report: Report) -> None:
    out = render(report, "junit")
    root = ET.fromstring(out.encode("utf-8"))  # expat: well-formed XML 1.0 or an error
    assert root.tag == "testsuites"
    assert not root.findall(".//injected")
    texts = " ".join(
        [e.text or "" for e in root.iter()] + [v for e in root.iter() for v in e.attrib.values()]
    )
    for payload in ("]]><injected/>", "<![CDATA[x]]>", "a & b < c > d"):
        assert payload in texts, payload


def _unescape(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def test_github(report: Report) -> None:
    out = render(report, "github")
    assert "\r" not in out
    lines = out.rstrip("\n").split("\n")  # the runner splits on line feeds (U+2028 is not one)
    # One command per finding and per input error, then the summary: payloads added no line.
    findings = sum(len(d.findings) for d in report.documents)
    assert len(lines) == findings + len(report.errors) + 1, lines[:5]
    known = re.compile(r"^::(error|warning|notice)( [^:]*)?::")
    for line in lines[:-1]:
        assert known.match(line), line[:120]
    assert lines[-1].startswith("mtcheck: ")
    # The hostile message survives the runner's unescaping intact.
    hostile = next(line for line in lines if "Message with payloads" in line)
    message = _unescape(hostile.split("::", 2)[2])
    for payload in PAYLOADS["github"]:
        assert payload in message, payload
