"""`mtcheck fix` on the command line: outputs, exit codes, folders, JSONL, and bad input as `check`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app

STORY = (
    "Ministers met in brussels with the eu and nato on Monday.\n\n"
    "Officials said the the plan would cut energy bills, And lower prices.\n"
)
FIXED = (
    "Ministers met in Brussels with the EU and NATO on Monday.\n\n"
    "Officials said the plan would cut energy bills, and lower prices.\n"
)
CLEAN = "The ministers met in Brussels on Tuesday.\n\nThey agreed to meet again in March.\n"


def _run(*args: str):
    return CliRunner().invoke(app, [*args, "--no-fluency"])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_fix_writes_the_corrected_article_to_stdout(story: Path) -> None:
    before = _digest(story)
    result = _run("fix", str(story))
    assert result.exit_code == 0, result.output
    assert result.stdout == FIXED
    assert "fixed 5, 0 remaining" in result.stderr
    assert _digest(story) == before


def test_diff_exits_1_when_something_would_change(story: Path, tmp_path: Path) -> None:
    result = _run("fix", str(story), "--diff")
    assert result.exit_code == 1
    assert f"--- a/{story}" in result.stdout and f"+++ b/{story}" in result.stdout
    assert "-Officials said the the plan would cut energy bills, And lower prices." in result.stdout
    assert "+Officials said the plan would cut energy bills, and lower prices." in result.stdout
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    quiet = _run("fix", str(clean), "--diff")
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_in_place_rewrites_the_file(story: Path) -> None:
    result = _run("fix", str(story), "--in-place")
    assert result.exit_code == 0, result.output
    assert story.read_text(encoding="utf-8") == FIXED
    assert _run("fix", str(story), "--diff").exit_code == 0  # nothing left that fix knows


def test_unsafe_fixes_only_with_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "leak.txt"
    path.write_text("Floods closed the main road on Sunday. (AP Photo/Jane Doe)\n", encoding="utf-8")
    assert _run("fix", str(path)).stdout == path.read_text(encoding="utf-8")
    assert _run("fix", str(path), "--unsafe-fixes").stdout == "Floods closed the main road on Sunday.\n"


def test_select_and_ignore_work_as_in_check(story: Path) -> None:
    only_case = _run("fix", str(story), "--select", "MT2")
    assert only_case.stdout == FIXED.replace("said the plan", "said the the plan")
    no_repeat = _run("fix", str(story), "--ignore", "MT541")
    assert "the the plan" in no_repeat.stdout and "in Brussels with the EU and NATO" in no_repeat.stdout
    bad = _run("fix", str(story), "--select", "XX9")
    assert bad.exit_code == 2 and "unknown rule code" in bad.stderr


def test_config_file_is_read(story: Path, tmp_path: Path) -> None:
    config = tmp_path / "mtcheck.toml"
    config.write_text('[mtcheck]\nignore = ["MT204"]\n', encoding="utf-8")
    result = _run("fix", str(story), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "bills, And lower" in result.stdout


def test_folder_to_output_dir(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "story.txt").write_text(STORY, encoding="utf-8")
    (src / "sub" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    digests = {p: _digest(p) for p in src.rglob("*.txt")}
    out = tmp_path / "out"
    result = _run("fix", str(src), "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "story.txt").read_text(encoding="utf-8") == FIXED
    assert (out / "sub" / "clean.txt").read_text(encoding="utf-8") == CLEAN
    assert {p: _digest(p) for p in src.rglob("*.txt")} == digests
    refused = _run("fix", str(src), "--output-dir", str(src))
    assert refused.exit_code == 2 and "--in-place" in refused.stderr
    assert {p: _digest(p) for p in src.rglob("*.txt")} == digests


def test_jsonl_to_output_dir_keeps_other_lines_and_keys(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "mt": STORY, "url": "https://example.org/a"}),
        "not json",
        json.dumps({"id": "b", "mt": CLEAN}),
    ]
    src = tmp_path / "wire.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _digest(src)
    out = tmp_path / "out"
    result = _run("fix", str(src), "--output-dir", str(out))
    assert result.exit_code == 2  # one line could not be read: said on stderr, the rest written
    assert "line 2" in result.stderr or "not fixed" in result.stderr
    written = (out / "wire.jsonl").read_text(encoding="utf-8").split("\n")
    assert json.loads(written[0]) == {"id": "a", "mt": FIXED, "url": "https://example.org/a"}
    assert written[1] == "not json"
    assert written[2] == lines[2]
    assert _digest(src) == before


def test_jsonl_in_place_and_feeds_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    src = tmp_path / "wire.jsonl"
    src.write_text(json.dumps({"id": "a", "mt": STORY}) + "\n", encoding="utf-8")
    article = tmp_path / "story.txt"
    article.write_text(STORY, encoding="utf-8")
    result = _run("fix", str(article), str(src), "--in-place")
    assert result.exit_code == 2 and "--output-dir" in result.stderr
    assert article.read_text(encoding="utf-8") == STORY
    feed = tmp_path / "wire.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title>'
        "<description>the the end</description></item></channel></rss>",
        encoding="utf-8",
    )
    refused = _run("fix", str(feed), "--output-dir", str(tmp_path / "out"))
    assert refused.exit_code == 2 and "feeds" in refused.stderr


def test_several_articles_need_a_destination(story: Path, tmp_path: Path) -> None:
    result = _run("fix", str(tmp_path))
    assert result.exit_code == 2 and "--output-dir" in result.stderr


BAD_INPUTS = {
    "empty.txt": b"",
    "blank.txt": b" \n\t\n\r\n  \n",
    "binary.txt": bytes(range(256)) * 4,
    "nul.txt": b"The ministers\x00met.\n",
    "latin1.txt": "Le café était fermé.".encode("cp1252"),
    "utf16.txt": "The ministers met on Monday in Brussels.".encode("utf-16-le"),
}


@pytest.mark.parametrize("name", [*BAD_INPUTS, "missing.txt"])
def test_bad_input_fails_like_check(tmp_path: Path, name: str) -> None:
    if name in BAD_INPUTS:
        (tmp_path / name).write_bytes(BAD_INPUTS[name])
    target = str(tmp_path / name)
    check = _run("check", target)
    fix = _run("fix", target)
    assert fix.exit_code == check.exit_code == 2
    assert fix.stderr == check.stderr
    assert len(fix.stderr.strip().splitlines()) == 1 and "Traceback" not in fix.stderr
    assert fix.stdout == ""
    if name in BAD_INPUTS:
        assert (tmp_path / name).read_bytes() == BAD_INPUTS[name]


def test_empty_folder_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = _run("fix", str(tmp_path / "empty"), "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no articles" in result.stderr


def test_stdin(story: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "-", "--no-fluency"], input=STORY)
    assert result.exit_code == 0 and result.stdout == FIXED
    refused = CliRunner().invoke(app, ["fix", "-", "--in-place", "--no-fluency"], input=STORY)
    assert refused.exit_code == 2
