"""Markdown, HTML, CRLF and non-NFC files: fixes land in the file, positions point at the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

MARKDOWN = (
    "# Allies meet in *brussels*\n"
    "\n"
    "Defence ministers of **nato** met on Tuesday, a spokesman said. They agreed to send\n"
    "more air defence systems to [ukraine](https://example.org/ukraine) before winter.\n"
    "\n"
    "> The alliance will not waver, And it will act, the spokesman said.\n"
    "\n"
    "- The talks  ended late on Tuesday.\n"
)
HTML = (
    "<!DOCTYPE html>\n<html><head><title>nato meets</title><script>var nato = 1;</script></head>\n"
    "<body>\n<nav>Home | nato | World</nav>\n<article>\n"
    "  <h1>Allies meet in <em>brussels</em></h1>\n"
    "  <p>Defence ministers of <b>nato</b> met on Tuesday, a spokesman said &amp; added\n"
    '     that they agreed to send more air defence systems to <a href="/u">ukraine</a>.</p>\n'
    "  <p>The alliance will not waver, And it will act, the spokesman said.</p>\n"
    "</article>\n</body></html>\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _at(raw: str, line: int, col: int) -> str:
    return raw.splitlines(keepends=True)[line - 1][col - 1 :]


def _json_findings(path: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["check", str(path), "--no-fluency", "-f", "json"])
    return json.loads(result.stdout)["documents"][0]["findings"]


@pytest.mark.parametrize(("name", "text"), [("story.md", MARKDOWN), ("story.html", HTML)])
def test_github_junit_and_sarif_positions_point_into_the_file(tmp_path: Path, name: str, text: str) -> None:
    path = _write(tmp_path, name, text)
    findings = _json_findings(path)
    flagged = {f["text"] for f in findings}
    assert {"nato", "brussels", "ukraine", "And"} <= flagged
    runner = CliRunner()
    github = runner.invoke(app, ["check", str(path), "--no-fluency", "-f", "github"]).stdout
    annotations = [line for line in github.splitlines() if line.startswith("::")]
    assert len(annotations) == len(findings)
    for f, line in zip(findings, annotations, strict=True):
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        row, col = int(props["line"]), int(props["col"])
        assert _at(text, row, col).startswith(f["text"]), (f["text"], row, col)
        assert int(props["endColumn"]) == col + len(f["text"]) - 1  # inclusive end, one line
    junit_args = ["check", str(path), "--no-fluency", "-f", "junit", "--fail-on", "info"]
    junit = runner.invoke(app, junit_args).stdout
    places = [tuple(map(int, m)) for m in re.findall(rf"{re.escape(name)}:(\d+):(\d+): MT", junit)]
    assert len(places) == len(findings)
    for f, (row, col) in zip(findings, places, strict=True):
        assert _at(text, row, col).startswith(f["text"]), (f["text"], row, col)
    sarif = json.loads(runner.invoke(app, ["check", str(path), "--no-fluency", "-f", "sarif"]).stdout)
    results = sarif["runs"][0]["results"]
    for f, r in zip(findings, results, strict=True):
        region = r["locations"][0]["physicalLocation"]["region"]
        start = region["charOffset"]
        assert text[start : start + region["charLength"]] == f["text"]
        assert _at(text, region["startLine"], region["startColumn"]).startswith(f["text"])


def test_github_positions_of_plain_text_with_crlf(tmp_path: Path) -> None:
    text = "Prices rose in march.\r\n\r\nThe ministers of nato met in Brussels.\r\n"
    path = _write(tmp_path, "crlf.txt", text)
    github = CliRunner().invoke(app, ["check", str(path), "--no-fluency", "-f", "github"]).stdout
    line = next(x for x in github.splitlines() if "MT203" in x)
    assert "line=3,col=18" in line.replace("%2C", ",")
    assert _at(text, 3, 18).startswith("nato")


def test_markdown_fix_keeps_every_byte_outside_the_edits(tmp_path: Path) -> None:
    path = _write(tmp_path, "story.md", MARKDOWN)
    result = CliRunner().invoke(app, ["fix", str(path), "--no-fluency"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "# Allies meet in *Brussels*\n"
        "\n"
        "Defence ministers of **NATO** met on Tuesday, a spokesman said. They agreed to send\n"
        "more air defence systems to [Ukraine](https://example.org/ukraine) before winter.\n"
        "\n"
        "> The alliance will not waver, and it will act, the spokesman said.\n"
        "\n"
        # The Markdown reader reads runs of spaces as one: nothing flagged, nothing changed here.
        "- The talks  ended late on Tuesday.\n"
    )
    assert path.read_text(encoding="utf-8") == MARKDOWN


def test_html_fix_edits_text_nodes_and_leaves_markup_alone(tmp_path: Path) -> None:
    path = _write(tmp_path, "story.html", HTML)
    result = CliRunner().invoke(app, ["fix", str(path), "--no-fluency"])
    assert result.exit_code == 0, result.output
    fixed = result.stdout
    tags = re.compile(r"<[^>]*>")
    assert tags.findall(fixed) == tags.findall(HTML)
    # Dropped parts (title, script, navigation) are not the article: untouched.
    assert "<title>nato meets</title>" in fixed and "var nato = 1;" in fixed and "Home | nato |" in fixed
    assert "<b>NATO</b>" in fixed and "<em>Brussels</em>" in fixed and ">Ukraine</a>" in fixed
    assert "waver, and it will act" in fixed
    assert "&amp; added" in fixed


def test_crlf_and_decomposed_letters_survive_a_fix(tmp_path: Path) -> None:
    # `Pe\u0301rez` is not NFC; the file keeps its bytes, CRLF line ends included.
    text = "Mr Pe\u0301rez said the the plan failed.\r\n\r\nHe spoke to nato envoys in Brussels.\r\n"
    path = _write(tmp_path, "story.txt", text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["fix", str(path), "--no-fluency", "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    fixed = (out / "story.txt").read_bytes().decode("utf-8")
    assert fixed == "Mr Pe\u0301rez said the plan failed.\r\n\r\nHe spoke to NATO envoys in Brussels.\r\n"
    assert path.read_bytes() == text.encode("utf-8")


def test_sarif_fix_replacements_apply_to_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "story.html", HTML)
    sarif = json.loads(CliRunner().invoke(app, ["check", str(path), "--no-fluency", "-f", "sarif"]).stdout)
    replacements = [
        rep
        for r in sarif["runs"][0]["results"]
        for fix in r.get("fixes", [])
        if fix["properties"]["applicability"] == "safe"
        for change in fix["artifactChanges"]
        for rep in change["replacements"]
    ]
    assert replacements
    fixed = HTML
    for rep in sorted(replacements, key=lambda r: -r["deletedRegion"]["charOffset"]):
        region = rep["deletedRegion"]
        start = region["charOffset"]
        fixed = fixed[:start] + rep["insertedContent"]["text"] + fixed[start + region["charLength"] :]
    assert "<b>NATO</b>" in fixed and "<em>Brussels</em>" in fixed and "waver, and it" in fixed
