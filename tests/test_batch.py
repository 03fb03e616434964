"""`mtcheck batch`: JSONL, folders, the gate over the batch, bad lines, the report folder."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from mtcheck.batch import safe_names
from mtcheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLEAN = sorted((ROOT / "tests" / "data" / "clean").glob("*.txt"))


def _clean_paragraphs() -> list[str]:
    paras = []
    for path in CLEAN:
        paras.extend(p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 12)
    return paras


def _garble(text: str) -> str:
    # A dropped sentence start: the commonest MT slip, and MT201 (an error) catches it.
    first, _, rest = text.partition(" ")
    return f"{first.lower()} {rest}"


def _write_jsonl(
    path: Path, n: int, garbled_every: int | None, bad: dict[int, str]
) -> tuple[list[str], list[int]]:
    """n good articles (every k-th garbled) with bad lines inserted at given 1-based line numbers."""
    rng = random.Random(7)
    paras = _clean_paragraphs()
    lines, good_ids, bad_lines = [], [], []
    i = 0
    while len(good_ids) < n or len(lines) + 1 in bad:
        number = len(lines) + 1
        if number in bad:
            lines.append(bad[number])
            bad_lines.append(number)
            continue
        text = "\n\n".join(rng.sample(paras, 3))
        if garbled_every and i % garbled_every == 0:
            text = _garble(text)
        doc_id = f"story-{i:04d}"
        lines.append(json.dumps({"id": doc_id, "mt": text, "src_lang": "es"}))
        good_ids.append(doc_id)
        i += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return good_ids, bad_lines


BAD = {
    5: "{not json",
    40: json.dumps({"id": "no-text"}),
    77: json.dumps(["a", "list"]),
    120: json.dumps({"id": "story-0001", "mt": "A duplicate id."}),
    150: json.dumps({"id": "num", "mt": 42}),
    199: json.dumps({"mt": "No id at all."}),
}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_jsonl_batch_of_200_keeps_order_and_names_bad_lines(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "feed.jsonl"
    good_ids, bad_lines = _write_jsonl(source, 205, garbled_every=10, bad=BAD)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["batch", str(source), "--no-fluency", "-f", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output  # garbled articles fail the gate
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [d["id"] for d in report["documents"]] == good_ids
    assert report["summary"]["documents"] == 205
    assert sorted(e["line"] for e in report["errors"]) == sorted(bad_lines) == sorted(BAD)
    reasons = {e["line"]: e["reason"] for e in report["errors"]}
    assert "not valid JSON" in reasons[5] and "'mt'" in reasons[40] and "JSON object" in reasons[77]
    assert "duplicate id 'story-0001'" in reasons[120] and "'mt' must be a string" in reasons[150]
    assert "missing 'id'" in reasons[199]
    failing = {d["id"] for d in report["documents"] if d["verdict"] == "fail"}
    assert {f"story-{i:04d}" for i in range(0, 205, 10)} <= failing
    assert report["summary"]["verdict"] == "fail"


def test_jsonl_batch_passes_when_every_article_passes(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "clean.jsonl"
    good_ids, _ = _write_jsonl(source, 20, garbled_every=None, bad={})
    result = runner.invoke(app, ["batch", str(source), "--no-fluency", "--select", "MT201", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [d["id"] for d in report["documents"]] == good_ids
    assert report["summary"]["verdict"] == "pass"


def test_an_unreadable_line_fails_the_gate_while_the_rest_are_reported(
    tmp_path: Path, runner: CliRunner
) -> None:
    # A CI gate must not pass a feed with an article it could not check.
    source = tmp_path / "clean.jsonl"
    good_ids, _ = _write_jsonl(source, 20, garbled_every=None, bad={3: "oops"})
    result = runner.invoke(app, ["batch", str(source), "--no-fluency", "--select", "MT201", "-f", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [d["id"] for d in report["documents"]] == good_ids
    assert all(d["verdict"] == "pass" for d in report["documents"])
    assert report["errors"][0]["line"] == 3
    assert report["summary"]["verdict"] == "fail"


def test_fail_on_never_and_text_summary(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "feed.jsonl"
    _write_jsonl(source, 6, garbled_every=2, bad={})
    result = runner.invoke(app, ["batch", str(source), "--no-fluency", "--fail-on", "never", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Summary" in result.stdout and "story-0005" in result.stdout


def test_folder_batch_pairs_references_and_writes_pages(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nato.en.txt").write_text((ROOT / "examples/nato.en.txt").read_text(encoding="utf-8"))
    (folder / "nato.ref.txt").write_text((ROOT / "examples/nato.ref.txt").read_text(encoding="utf-8"))
    (folder / "short.md").write_text("# Title\n\nthe council met today.\n", encoding="utf-8")
    (folder / "lonely.ref.txt").write_text("No partner.", encoding="utf-8")
    out = tmp_path / "pages"
    result = runner.invoke(
        app, ["batch", str(folder), "--no-fluency", "-f", "json", "--report-dir", str(out), "--quiet"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    docs = {d["id"]: d for d in report["documents"]}
    assert set(docs) == {"nato.en.txt", "short.md"}
    assert docs["nato.en.txt"]["reference"]["origin"] == "file"
    assert docs["short.md"]["reference"] is None
    assert report["errors"] == [
        {"id": "lonely.ref.txt", "line": None, "reason": "re-translation with no MT article named like it"}
    ]
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "nato.en.txt.html", "short.md.html"]
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in index.select("table.index a")] == ["nato.en.txt.html", "short.md.html"]
    page = BeautifulSoup((out / "nato.en.txt.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("table.pairs") is not None and page.find("a", href="index.html")


def test_hostile_ids_get_safe_unique_names(tmp_path: Path, runner: CliRunner) -> None:
    ids = ["../../etc/passwd", "index", "a/b", "A_b", "a_b", ".hidden", "CON", "", "é/ü"]
    names = safe_names(ids)
    assert len(set(n.lower() for n in names.values())) == len(names)
    for name in names.values():
        assert "/" not in name and "\\" not in name and not name.startswith(".") and name.endswith(".html")
        assert name.lower() != "index.html"
    assert names["../../etc/passwd"] == "etc_passwd.html"
    source = tmp_path / "evil.jsonl"
    source.write_text(
        "\n".join(
            json.dumps({"id": i, "mt": "The council met."}) for i in ["../escape", "index", "x/y", "x_y"]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = runner.invoke(app, ["batch", str(source), "--no-fluency", "--report-dir", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "escape.html",
        "index-2.html",
        "index.html",
        "x_y-2.html",
        "x_y.html",
    ]
    assert not (tmp_path / "escape.html").exists()


def test_bad_input_path_is_one_line_error(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "missing.jsonl"), "--no-fluency"])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_batch_of_files_as_pre_commit_passes_them(tmp_path: Path, runner: CliRunner, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("news").mkdir()
    Path("news/nato.en.txt").write_text((ROOT / "examples/nato.en.txt").read_text(encoding="utf-8"))
    Path("news/nato.ref.txt").write_text((ROOT / "examples/nato.ref.txt").read_text(encoding="utf-8"))
    Path("news/ok.md").write_text("The council met on Tuesday.\n", encoding="utf-8")
    result = runner.invoke(
        app, ["batch", "news/nato.en.txt", "news/ok.md", "--no-fluency", "-f", "github", "--quiet"]
    )
    assert result.exit_code == 1, result.output
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations and all("file=news/nato.en.txt," in line for line in annotations)
    result = runner.invoke(app, ["batch", "news/nato.en.txt", "--no-fluency", "-f", "json", "-q"])
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["id"] == "news/nato.en.txt" and doc["reference"]["origin"] == "file"
    result = runner.invoke(app, ["batch", "news/ok.md", "--no-fluency", "-q"])
    assert result.exit_code == 0, result.output
