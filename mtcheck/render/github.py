"""``--format github``: GitHub Actions workflow commands, so findings appear on the changed file.

Every value is escaped as the runner expects (``%``, CR and LF in messages; also ``:`` and ``,`` in
properties), so no article text can end a command early or start a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mtcheck.document import DocumentReport, Finding, Report
from mtcheck.render._ci import path_of, suggestion_text

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: str | int) -> str:
    parts = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items())
    return f"::{name}{' ' + parts if parts else ''}::{escape_data(message)}"


def _annotation(doc: DocumentReport, f: Finding, path: str) -> str:
    # Positions in the article's own file (Markdown and HTML markup, CRLF line ends counted).
    # GitHub's end column is inclusive: the column of the last flagged character.
    line, col = doc.document.source_line_col(f.start)
    end_line, end_col = doc.document.source_line_col(max(f.start, f.end - 1))
    props: dict[str, str | int] = {"file": path, "line": line}
    if end_line == line:
        # Columns are only accepted when the annotation stays on one line.
        props.update(col=col, endColumn=end_col)
    else:
        props["endLine"] = end_line
    props["title"] = f"{f.code} {f.name}"
    message = f.message + suggestion_text(f.suggestion)
    return command(COMMAND[f.severity.value], message, **props)


def render(report: Report, paths: Mapping[str, str] | None = None, **_: Any) -> str:
    lines = []
    for doc in report.documents:
        path = path_of(doc.document.id, paths)
        lines.extend(_annotation(doc, f, path) for f in doc.findings)
    for err in report.errors:
        where = f" (line {err.line})" if err.line else ""
        lines.append(command("error", f"{err.id}{where}: not checked: {err.reason}", title="mtcheck input"))
    counts = report.counts()
    lines.append(
        f"mtcheck: {len(report.documents)} article(s), {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info: {report.verdict}"
    )
    return "\n".join(lines) + "\n"
