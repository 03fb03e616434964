"""More than one re-translation (``--reference`` repeated, JSONL ``references``): through the CLI.

A word is supported when any re-translation supports it, so a divergence one re-translation shows
and another does not is no finding; one that every re-translation shows stays. Per-sentence chrF
comes from the best-matching re-translation. The report keeps ``reference`` (the first) and lists
every re-translation with its own alignment under ``references``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

# (MT, re-translation that diverges on a number, re-translation that agrees with the MT)
STORIES = [
    (
        "The hospital in Leeds opened a new wing on Tuesday. It has 40 beds and cost 12 million pounds.",
        "On Tuesday the Leeds hospital opened a new wing. It has 40 beds and cost 15 million pounds.",
        "The hospital in Leeds opened a new wing on Tuesday. It has 40 beds and cost 12 million pounds.",
        "12 million",
    ),
    (
        "The ferry carried 310 passengers when it ran aground near Split on Sunday morning.",
        "The ferry was carrying 380 passengers when it ran aground near Split on Sunday morning.",
        "The ferry had 310 passengers aboard when it ran aground close to Split on Sunday morning.",
        "310",
    ),
    (
        "Farmers in the region lost 2,400 hectares of wheat to the floods, the ministry said.",
        "Farmers in the region lost 4,200 hectares of wheat to the floods, the ministry said.",
        "The ministry said farmers in the region lost 2,400 hectares of wheat to the flooding.",
        "2,400",
    ),
]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _check(runner: CliRunner, tmp_path: Path, mt: str, refs: list[str], *extra: str) -> dict:
    (tmp_path / "mt.txt").write_text(mt, encoding="utf-8")
    args = ["check", str(tmp_path / "mt.txt"), "--no-fluency", "--quality-model", "off", "-f", "json"]
    for k, ref in enumerate(refs):
        path = tmp_path / f"ref{k}.txt"
        path.write_text(ref, encoding="utf-8")
        args += ["--reference", str(path)]
    result = runner.invoke(app, args + list(extra))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["documents"][0]


def _on(doc: dict, text: str) -> list[str]:
    start = doc["text"].index(text)
    end = start + len(text)
    return [f["code"] for f in doc["findings"] if f["start"] < end and start < f["end"]]


@pytest.mark.parametrize(("mt", "differs", "agrees", "number"), STORIES)
def test_a_number_one_re_translation_supports_is_no_finding(
    runner: CliRunner, tmp_path: Path, mt: str, differs: str, agrees: str, number: str
) -> None:
    alone = _check(runner, tmp_path, mt, [differs])
    assert "MT601" in _on(alone, number)  # against the diverging re-translation alone: a mismatch
    both = _check(runner, tmp_path, mt, [differs, agrees])
    assert "MT601" not in _on(both, number)
    reverse = _check(runner, tmp_path, mt, [agrees, differs])  # the order does not matter
    assert "MT601" not in _on(reverse, number)


@pytest.mark.parametrize(("mt", "differs", "agrees", "number"), STORIES)
def test_a_number_every_re_translation_contradicts_stays(
    runner: CliRunner, tmp_path: Path, mt: str, differs: str, agrees: str, number: str
) -> None:
    # A second re-translation with the same wrong-looking number: the mismatch still stands.
    doc = _check(runner, tmp_path, mt, [differs, differs.replace(" the ", " this ", 1)])
    assert "MT601" in _on(doc, number)


def test_report_keeps_reference_and_lists_every_re_translation(runner: CliRunner, tmp_path: Path) -> None:
    mt, differs, agrees, _ = STORIES[0]
    doc = _check(runner, tmp_path, mt, [differs, agrees])
    assert doc["reference"]["text"] == differs  # the first stays `reference`
    assert [r["text"] for r in doc["references"]] == [differs, agrees]
    for ref in doc["references"]:
        assert {"origin", "name", "text", "sentences", "alignment"} <= set(ref)
        assert {i for p in ref["alignment"] for i in p["mt"]} == {0, 1}
    assert doc["alignment"] == doc["references"][0]["alignment"]
    # The second re-translation is the MT itself: per-sentence chrF is that best match.
    assert [s["chrf"] for s in doc["sentence_scores"]] == [100.0, 100.0]
    assert doc["scores"]["adequacy"]["chrf"] == 100.0
    single = _check(runner, tmp_path, mt, [differs])
    assert "references" not in single  # one re-translation: the report is as before
    assert single["sentence_scores"][0]["chrf"] < 100.0


def test_an_empty_second_re_translation_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "mt.txt").write_text(STORIES[1][0], encoding="utf-8")
    (tmp_path / "a.txt").write_text(STORIES[1][1], encoding="utf-8")
    (tmp_path / "b.txt").write_text("  \n", encoding="utf-8")
    args = ["check", str(tmp_path / "mt.txt"), "-r", str(tmp_path / "a.txt"), "-r", str(tmp_path / "b.txt")]
    result = runner.invoke(app, [*args, "--no-fluency"])
    assert result.exit_code == 2
    assert "b.txt: the re-translation is empty" in result.stderr
    assert "Traceback" not in result.output


def test_jsonl_references_key(runner: CliRunner, tmp_path: Path) -> None:
    lines = []
    for k, (mt, differs, agrees, _) in enumerate(STORIES):
        if k == 0:  # "reference" and "references" together: "reference" first
            lines.append({"id": f"s{k}", "mt": mt, "reference": differs, "references": [agrees]})
        else:
            lines.append({"id": f"s{k}", "mt": mt, "references": [differs, agrees]})
    lines.append({"id": "bad", "mt": STORIES[0][0], "references": "not a list"})
    lines.append({"id": "only-one", "mt": STORIES[1][0], "references": [STORIES[1][1]]})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = runner.invoke(app, ["batch", str(feed), "--no-fluency", "--quality-model", "off", "-f", "json"])
    report = json.loads(result.stdout)
    docs = {d["id"]: d for d in report["documents"]}
    assert list(docs) == ["s0", "s1", "s2", "only-one"]
    assert report["errors"][0]["line"] == 4 and "list of strings" in report["errors"][0]["reason"]
    for k, (_, differs, agrees, number) in enumerate(STORIES):
        doc = docs[f"s{k}"]
        assert doc["reference"]["text"] == differs
        assert [r["text"] for r in doc["references"]] == [differs, agrees]
        assert "MT601" not in _on(doc, number)
    assert "MT601" in _on(docs["only-one"], STORIES[1][3])
    assert "references" not in docs["only-one"]
