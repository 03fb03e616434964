"""Baselines: fingerprints survive edits elsewhere; only new findings are reported."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from mtcheck import baseline
from mtcheck.cli import app
from mtcheck.config import Config
from mtcheck.pipeline import Checker
from mtcheck.readers import Article

ROOT = Path(__file__).resolve().parent.parent
NATO = (ROOT / "examples" / "nato.en.txt").read_text(encoding="utf-8")
CONFIG = Config(fluency=False)


def _check(text: str, doc_id: str = "nato.en.txt"):
    return Checker(CONFIG).run([Article(id=doc_id, text=text)], strict=True)


def test_fingerprints_stable_under_edits_elsewhere():
    before = _check(NATO)
    # A new paragraph at the top and a reworded one further down move every offset.
    edited = NATO.replace("This Wednesday’s meeting was called", "The meeting on Wednesday had been called")
    edited = "Brussels, 10 January.\n\n" + edited
    after = _check(edited)
    old = Counter(baseline.fingerprints(before.documents[0]))
    new = Counter(baseline.fingerprints(after.documents[0]))
    assert len(before.documents[0].findings) >= 10
    assert old == new
    assert after.documents[0].findings[0].start != before.documents[0].findings[0].start


def test_new_finding_is_reported_and_copies_count():
    accepted = baseline.load_dict(baseline.create(_check(NATO)))
    text = NATO + "\n\nthe allies met again on Thursday."
    report = baseline.apply(_check(text), accepted, CONFIG.rule_settings)
    new = report.documents[0].findings
    assert [(f.code, f.text) for f in new] == [("MT201", "the")]
    assert report.verdict == "fail"
    # A second copy of an accepted finding (same words around it) is new as well.
    dup_para = "member countries of nato He reaffirmed this Wednesday his commitment."
    report = baseline.apply(_check(NATO + "\n\n" + dup_para), accepted, CONFIG.rule_settings)
    assert {f.code for f in report.documents[0].findings} >= {"MT201"}


def test_editing_the_flagged_words_makes_it_new():
    accepted = baseline.load_dict(baseline.create(_check(NATO)))
    edited = NATO.replace("provide Billion euros", "provide Billion dollars")
    new = baseline.apply(_check(edited), accepted, CONFIG.rule_settings).documents[0].findings
    assert new and all("Billion" in f.text for f in new)


def test_all_accepted_passes_and_scores_recover():
    report = _check(NATO)
    accepted = baseline.load_dict(baseline.create(report))
    clean = baseline.apply(report, accepted, CONFIG.rule_settings)
    assert clean.documents[0].findings == [] and clean.verdict == "pass"
    assert clean.documents[0].quality > report.documents[0].quality


def test_cli_baseline_create_then_check(tmp_path: Path):
    runner = CliRunner()
    article = tmp_path / "story.txt"
    article.write_text(NATO, encoding="utf-8")
    base = tmp_path / "baseline.json"
    result = runner.invoke(app, ["baseline", "create", str(article), "-o", str(base), "--no-fluency"])
    assert result.exit_code == 0, result.output
    data = json.loads(base.read_text())
    assert data["schema"] == "mtcheck.baseline/1" and list(data["documents"]) == [str(article)]
    result = runner.invoke(
        app, ["check", str(article), "--no-fluency", "--baseline", str(base), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"][0]["findings"] == []
    article.write_text(NATO + "\n\nthe allies met again.", encoding="utf-8")
    result = runner.invoke(
        app, ["check", str(article), "--no-fluency", "--baseline", str(base), "-f", "json"]
    )
    assert result.exit_code == 1
    assert [f["text"] for f in json.loads(result.stdout)["documents"][0]["findings"]] == ["the"]
    # Batch takes the same baseline.
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "story.txt").write_text(NATO, encoding="utf-8")
    result = runner.invoke(app, ["batch", str(folder), "--no-fluency", "--baseline", str(base), "-q"])
    assert result.exit_code == 0, result.output


def test_bad_baseline_file_is_an_error(tmp_path: Path):
    bad = tmp_path / "b.json"
    bad.write_text('{"schema": "other"}')
    result = CliRunner().invoke(
        app, ["check", str(ROOT / "examples/nato.en.txt"), "--no-fluency", "--baseline", str(bad)]
    )
    assert result.exit_code == 2 and "not an mtcheck baseline" in result.stderr
