"""The built wheel installed without the model stack: rules, readers and every format work, no torch."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import read_article
from mtcheck.render import FORMATS
from mtcheck.rules import REGISTRY
from tests.packaging.conftest import ROOT, LightEnv

NATO = ROOT / "examples" / "nato.en.txt"


def test_the_model_stack_is_absent(light_env: LightEnv) -> None:
    for module in ("torch", "transformers", "sentencepiece", "gguf", "accelerate"):
        done = light_env.run_python(f"import {module}")
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, module


def test_check_runs_rules_only_and_says_once_what_is_off(light_env: LightEnv) -> None:
    done = light_env.run("check", str(NATO), "-f", "json")
    assert done.returncode == 1, done.stderr  # the example fails the gate, as it should
    report = json.loads(done.stdout)
    # The same findings as a rules-only run of the full install (this process).
    expected = Checker(Config(fluency="off")).run([read_article(str(NATO))], strict=True)
    found = [(f["code"], f["start"], f["end"]) for f in report["documents"][0]["findings"]]
    assert found == [(f.code, f.start, f.end) for f in expected.documents[0].findings]
    assert any(f["severity"] == "error" for f in report["documents"][0]["findings"])
    assert "|lm:none|" in report["signature"]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "fluency is off" in lines[0] and "mtcheck[models]" in lines[0], lines


def _looks_right(fmt: str, text: str) -> bool:
    """A light check that ``text`` is a report in ``fmt`` holding the example's failing findings."""
    if fmt == "json":
        return json.loads(text)["summary"]["verdict"] == "fail"
    if fmt == "html":
        return "<html" in text and "MT" in text
    if fmt == "sarif":
        return bool(json.loads(text)["runs"][0]["results"])
    if fmt == "junit":
        return any(True for _ in ET.fromstring(text).iter("failure"))
    if fmt == "github":
        return text.startswith("::error ") or "\n::error " in text
    if fmt == "text":
        return "FAIL" in text
    return bool(text.strip())  # a format added later: at least it wrote something


# Run inside the light environment: one report of the example, written in every format it knows.
RENDER_ALL = """
import sys
from pathlib import Path
from mtcheck.config import Config
from mtcheck.pipeline import check_article
from mtcheck.readers import read_article
from mtcheck.render import FORMATS, render
report = check_article(read_article(sys.argv[1]), Config(fluency="off"))
for fmt in FORMATS:
    Path(sys.argv[2], "report." + fmt).write_text(render(report, fmt), encoding="utf-8")
print(" ".join(FORMATS))
"""


def test_every_report_format_works(light_env: LightEnv, tmp_path: Path) -> None:
    done = light_env.run_python(RENDER_ALL, str(NATO), str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == list(FORMATS)  # the light install knows every format this one does
    for fmt in FORMATS:
        assert _looks_right(fmt, (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")), fmt
    # And through the command line: the gate, an HTML page per article and the index.
    sarif = tmp_path / "c.sarif"
    done = light_env.run("check", str(NATO), "--no-fluency", "-f", "sarif", "-o", str(sarif))
    assert done.returncode == 1 and done.stderr == "" and _looks_right("sarif", sarif.read_text())
    pages = tmp_path / "pages"
    done = light_env.run("batch", str(NATO), "--no-fluency", "--report-dir", str(pages), "-f", "json")
    assert done.returncode == 1 and (pages / "index.html").is_file()


def test_rules_lists_every_rule(light_env: LightEnv) -> None:
    done = light_env.run("rules")
    assert done.returncode == 0, done.stderr
    assert [code for code in REGISTRY if code not in done.stdout] == []


def test_fluency_on_without_the_stack_is_one_line_naming_the_extra(light_env: LightEnv, tmp_path: Path):
    (tmp_path / ".git").mkdir()  # the settings search stops here
    (tmp_path / "mtcheck.toml").write_text('fluency = "on"\n', encoding="utf-8")
    done = light_env.run("check", str(NATO), cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "mtcheck[models]" in lines[0] and "fluency" in lines[0], lines
    assert "Traceback" not in done.stderr


def test_model_commands_without_the_stack_name_the_extra(light_env: LightEnv, tmp_path: Path) -> None:
    source = tmp_path / "nato.es.txt"
    source.write_text("La OTAN se reunió el miércoles en Bruselas.\n", encoding="utf-8")
    retranslate = ["check", str(NATO), "--no-fluency", "-s", str(source), "--src-lang", "es"]
    for args in (retranslate, ["models", "pull"]):
        done = light_env.run(*args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and "mtcheck[models]" in lines[0], (args, lines)
