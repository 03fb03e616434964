"""``--format text``: a terminal report with rich: each finding with its sentence, span marked."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mtcheck.document import DocumentReport, Finding, Report
from mtcheck.edits.preview import before_after

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_CONTEXT = 60  # characters of the sentence shown either side of a span
# Control characters from an article (escape sequences, bell, carriage return) would drive the
# reader's terminal; they are shown as visible escapes instead. Line breaks become spaces.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROLS.update({ord("\n"): " ", ord("\t"): " "})


def _safe(text: str) -> str:
    return text.translate(_CONTROLS)


def _snippet(report: DocumentReport, finding: Finding) -> Text:
    text = report.document.text
    sent = report.document.sentence_at(finding.start)
    lo, hi = (sent.start, sent.end) if sent else (finding.start, finding.end)
    lo = max(lo, finding.start - _CONTEXT)
    hi = min(max(hi, finding.end), finding.end + _CONTEXT)
    line = Text("    ")
    line.append(("…" if lo > 0 and text[lo - 1] not in "\n" else "") + _safe(text[lo : finding.start]))
    line.append(
        _safe(text[finding.start : finding.end]),
        style=f"{STYLE[finding.severity.value]} underline",
    )
    line.append(_safe(text[finding.end : hi]) + ("…" if hi < len(text) else ""))
    return line


def _document(console: Console, report: DocumentReport) -> None:
    doc_id = report.document.id
    for f in report.findings:
        head = Text(f"{_safe(doc_id)}:{f.line}:{f.col}: ")
        head.append(f.code, style="bold")
        head.append(f" {f.severity.value}", style=STYLE[f.severity.value])
        head.append(f" {_safe(f.message)} ")
        head.append(f"[{f.name}]", style="dim")
        console.print(head)
        console.print(_snippet(report, f))
        pair = before_after(report.document.text, f)
        if pair is not None and f.fix is not None:
            # The correction in context, before -> after (`mtcheck fix` applies safe ones).
            label = Text(f"    fix ({f.fix.applicability.value}): ", style="dim")
            after = Text(_safe(pair[1]) or "(deleted)", style="green")
            console.print(label + Text(_safe(pair[0]), style="red") + Text(" → ") + after)
        elif f.suggestion is not None:
            fix = (
                Text(_safe(f.suggestion), style="green")
                if f.suggestion
                else Text("delete it", style="green italic")
            )
            console.print(Text("    suggestion: ", style="dim") + fix)
    counts = report.counts()
    scores = f"quality {report.quality:.1f}"
    if report.fluency is not None:
        scores += f", fluency {report.fluency.score:.1f}"
    if report.adequacy is not None:
        scores += f", chrF {report.adequacy.chrf:.1f}"
    verdict_style = "bold green" if report.verdict == "pass" else "bold red"
    summary = Text(f"{_safe(doc_id)}: ")
    summary.append(report.verdict.upper(), style=verdict_style)
    summary.append(
        f" — {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; {scores}"
    )
    console.print(summary)


def render(report: Report, color: bool = False, width: int = 100, **_: Any) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        soft_wrap=True,
    )
    for doc in report.documents:
        _document(console, doc)
    for err in report.errors:
        where = f" (line {err.line})" if err.line else ""
        console.print(Text(_safe(f"{err.id}{where}: not checked: {err.reason}"), style="red"))
    if len(report.documents) + len(report.errors) > 1:
        table = Table("article", "verdict", "quality", "errors", "warnings", "info", title="Summary")
        for doc in sorted(report.documents, key=lambda d: d.quality):
            c = doc.counts()
            table.add_row(
                Text(_safe(doc.document.id)),  # Text: a plain str would be parsed as rich markup
                doc.verdict,
                f"{doc.quality:.1f}",
                *(str(c[k]) for k in ("error", "warning", "info")),
            )
        console.print(table)
    counts = report.counts()
    console.print(
        Text(
            f"{len(report.documents)} article(s), {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} info: {report.verdict}",
            style="bold green" if report.verdict == "pass" else "bold red",
        )
    )
    return buffer.getvalue()
