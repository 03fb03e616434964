"""lm-precision: the causal LM scorer in fp32, int8 (FBGEMM dynamic), bf16 and fp16, on a tiny Llama."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mtcheck.backends import int8
from mtcheck.backends.causal_lm import CausalLMScorer, resolve_precision
from mtcheck.config import Config
from mtcheck.errors import ConfigError, ModelError
from tests.backends.test_causal_lm import TEXTS


def _load(folder: Path, precision: str) -> CausalLMScorer:
    return CausalLMScorer.load(str(folder), device="cpu", threads=1, batch_size=8, precision=precision)


def _max_diff(a: list, b: list) -> float:
    return max(abs(x[2] - y[2]) for p, q in zip(a, b, strict=True) for x, y in zip(p, q, strict=True))


def test_precision_names_resolve_per_device() -> None:
    assert resolve_precision("auto", "cpu") == "fp32"
    assert resolve_precision("auto", "cuda:0") == "fp16"
    assert resolve_precision("INT8", "cpu") == "int8"
    with pytest.raises(ModelError, match="CPU only"):
        resolve_precision("int8", "cuda")
    with pytest.raises(ModelError, match="unknown lm-precision"):
        resolve_precision("int4", "cpu")


def test_config_refuses_an_unknown_precision() -> None:
    with pytest.raises(ConfigError, match="lm-precision"):
        Config().merged(lm_precision="fp8")
    assert Config().merged(lm_precision="int8").lm_precision == "int8"


def test_int8_swaps_every_linear_layer_and_stays_close_on_a_tame_model(tiny_causal_dir: Path) -> None:
    import torch
    from torch.ao.nn.quantized import dynamic as nnqd

    fp32, q8 = _load(tiny_causal_dir, "fp32"), _load(tiny_causal_dir, "int8")
    assert q8.name.endswith("@int8") and fp32.name == tiny_causal_dir.name
    assert not any(type(m) is torch.nn.Linear for m in q8.model.modules())
    assert sum(isinstance(m, nnqd.Linear) for m in q8.model.modules()) == 2 * 7 + 1  # 2 layers + head
    a, b = fp32.surprisals(TEXTS), q8.surprisals(TEXTS)
    assert [[t[:2] for t in x] for x in a] == [[t[:2] for t in x] for x in b]
    # The tiny random model has no outlier activations: int8 stays within a small fraction of a nat.
    assert 0 < _max_diff(a, b) < 0.05


def test_saved_int8_weights_reload_to_the_same_scores(tiny_causal_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store-copy"
    shutil.copytree(tiny_causal_dir, folder)
    fresh = _load(folder, "fp32")
    int8.to_int8(fresh.model, folder)  # quantises and writes the file
    assert (folder / int8.CACHE_FILE).is_file()
    reloaded = _load(folder, "fp32")
    int8.to_int8(reloaded.model, folder)  # reads it back
    assert fresh.surprisals(TEXTS) == reloaded.surprisals(TEXTS)
    # A file of another format is rebuilt, never misread.
    (folder / (int8.CACHE_FILE + ".json")).write_text('{"format": 0}', encoding="utf-8")
    assert int8.load_cached(folder) is None


def test_int8_never_writes_into_a_users_folder(tiny_causal_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(tiny_causal_dir, folder)
    before = sorted(p.name for p in folder.iterdir())
    _load(folder, "int8")
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_half_precisions_load_in_their_dtype(tiny_causal_dir: Path, precision: str) -> None:
    import torch

    scorer = _load(tiny_causal_dir, precision)
    assert scorer.model.dtype == {"bf16": torch.bfloat16, "fp16": torch.float16}[precision]
    a, b = _load(tiny_causal_dir, "fp32").surprisals(TEXTS), scorer.surprisals(TEXTS)
    assert _max_diff(a, b) < 0.1


def test_cli_refuses_an_unknown_precision_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mtcheck.cli import app

    article = tmp_path / "a.txt"
    article.write_text("The ministers met in Brussels on Tuesday.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(article), "--lm-precision", "fp8"])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "lm-precision" in result.stderr
    assert "Traceback" not in result.output
