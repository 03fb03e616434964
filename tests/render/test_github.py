"""GitHub workflow commands: positions agree with the offsets, no article can inject commands."""

from __future__ import annotations

import re

from mtcheck.render import render
from tests.render.reports import made_report, nato_report

LINE = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(value: str) -> str:
    return (
        value.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def _commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in output.splitlines():
        if line.startswith("::"):
            match = LINE.match(line)
            assert match, line
            props = dict(p.split("=", 1) for p in match.group(2).split(","))
            out.append(
                (match.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(match.group(3)))
            )
    return out


def test_positions_agree_with_offsets():
    report = nato_report()
    doc = report.documents[0]
    commands = _commands(render(report, "github", paths={"nato.en.txt": "examples/nato.en.txt"}))
    assert len(commands) == len(doc.findings)
    lines = doc.document.text.split("\n")
    for (kind, props, message), f in zip(commands, doc.findings, strict=True):
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value]
        assert props["file"] == "examples/nato.en.txt"
        assert int(props["line"]) == f.line and f.message in message
        assert props["title"] == f"{f.code} {f.name}"
        if "col" in props:
            # endColumn is inclusive: line[col-1 : endColumn] is the flagged text.
            assert lines[f.line - 1][int(props["col"]) - 1 : int(props["endColumn"])] == f.text
            assert int(props["col"]) == f.col
        else:
            assert int(props["endLine"]) > f.line


def test_multi_line_finding_drops_columns():
    report = made_report("Alpha beta\ngamma delta.", [("beta\ngamma", "MT501", "warning", "structure")])
    ((_, props, _),) = _commands(render(report, "github"))
    assert props["line"] == "1" and props["endLine"] == "2" and "col" not in props


def test_article_cannot_inject_workflow_commands():
    text = "Alpha beta, gamma: delta.\n::error::pwned\n::stop-commands::x"
    report = made_report(
        text,
        [("beta, gamma: delta", "MT101", "error", "quote")],
        doc_id="evil,file=x:y.txt",
        message="bad %0A {text}\r\n::warning file=z::injected",
    )
    output = render(report, "github")
    lines = output.splitlines()
    assert len(lines) == 2  # one annotation and the summary line
    ((kind, props, message),) = _commands(output)
    assert kind == "error"
    assert props["file"] == "evil,file=x:y.txt"  # commas and colons escaped, so still one property
    assert set(props) == {"file", "line", "col", "endColumn", "title"}
    assert message.startswith("bad %0A beta, gamma: delta\r\n::warning file=z::injected")
    assert not any(line.startswith("::warning") or line.startswith("::stop") for line in lines)
