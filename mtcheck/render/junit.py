"""``--format junit``: one test case per article, one failure per finding at or above the gate.

CI dashboards that read JUnit XML then show which articles failed and why. An article that fails
only on ``--min-score`` gets one failure saying so; an article that could not be read is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

from mtcheck.document import DocumentReport, Report
from mtcheck.render._ci import fails_gate, gate, path_of


def _detail(doc: DocumentReport, index: int) -> str:
    f = doc.findings[index]
    # The line and column in the article's own file (Markdown and HTML included).
    line, col = doc.document.source_line_col(f.start)
    lines = [f"{doc.document.id}:{line}:{col}: {f.code} {f.name} ({f.category}, {f.severity.value})"]
    lines.append(f"  text: {f.text}")
    lines.append(f"  {f.message}")
    if f.suggestion is not None:
        lines.append(f"  suggestion: {f.suggestion or '(delete it)'}")
    if f.fix is not None and f.fix.edits:
        lines.append(f"  fix: {f.fix.applicability.value}")
    return "\n".join(lines)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters, U+FFFE/U+FFFF or lone surrogates, even escaped;
    # an article may contain them.
    return _NOT_XML.sub("\ufffd", text)


def to_xml(report: Report, fail_on: str | None = None, paths: Mapping[str, str] | None = None) -> ET.Element:
    threshold = gate(report, fail_on)
    suites = ET.Element("testsuites", name="mtcheck")
    suite = ET.SubElement(suites, "testsuite", name="mtcheck")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="signature", value=_clean(report.signature.render()))
    ET.SubElement(props, "property", name="fail-on", value=threshold)
    tests = failures = errors = 0
    for doc in report.documents:
        tests += 1
        case = ET.SubElement(
            suite,
            "testcase",
            name=_clean(doc.document.id),
            classname="mtcheck",
            file=_clean(path_of(doc.document.id, paths)),
            time="0",
        )
        gated = [i for i, f in enumerate(doc.findings) if fails_gate(f, threshold)]
        for i in gated:
            f = doc.findings[i]
            failure = ET.SubElement(
                case, "failure", type=f.code, message=_clean(f"{f.code} {f.severity.value}: {f.message}")
            )
            failure.text = _clean(_detail(doc, i))
        if doc.verdict == "fail" and not gated:
            failure = ET.SubElement(
                case, "failure", type="min-score", message=f"quality {doc.quality:.1f} is below --min-score"
            )
            failure.text = f"{doc.document.id}: quality {doc.quality:.1f}"
        if doc.verdict == "fail":
            failures += 1
        rest = [i for i, f in enumerate(doc.findings) if not fails_gate(f, threshold)]
        out = ET.SubElement(case, "system-out")
        summary = f"quality {doc.quality:.1f}, verdict {doc.verdict}"
        out.text = _clean("\n".join([summary, *(_detail(doc, i) for i in rest)]))
    for err in report.errors:
        tests += err.count  # a summary entry stands for err.count unread lines
        errors += err.count
        case = ET.SubElement(suite, "testcase", name=_clean(err.id), classname="mtcheck", time="0")
        where = f" (line {err.line})" if err.line else ""
        ET.SubElement(case, "error", type="input", message=_clean(f"not checked{where}: {err.reason}"))
    for element in (suites, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", str(errors))
    suite.set("skipped", "0")
    return suites


def render(
    report: Report, fail_on: str | None = None, paths: Mapping[str, str] | None = None, **_: Any
) -> str:
    root = to_xml(report, fail_on, paths)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
