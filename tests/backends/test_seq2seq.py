"""The transformers seq2seq translator, on a tiny MarianMT built and saved at test time."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mtcheck.backends.cards import resolve
from mtcheck.backends.retranslate import retranslate_many
from mtcheck.backends.seq2seq import Seq2SeqTranslator
from mtcheck.config import Config
from mtcheck.errors import ModelError
from tests.backends.tiny_marian import build_tiny_marian

SENTENCES = [
    "La OTAN dijo que los aliados reafirmaron su compromiso.",
    "Hola.",
    "El Reino Unido envía unos 200 misiles de defensa aérea a Ucrania.",
    "",
    "Alemania entregó.",
    "Stoltenberg presidida Kiev.",
    "La reunión fue convocada a petición de Kiev.",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


def _registry_translator(config: Config):
    """The Spanish engine a run with ``config`` re-translates with (a fresh registry: a new process)."""
    from mtcheck.models import ModelRegistry

    return ModelRegistry(config.model_settings).translator("es")


def _translator(folder: Path, batch_size: int = 16) -> Seq2SeqTranslator:
    return Seq2SeqTranslator(str(folder), device="cpu", batch_size=batch_size, beam_size=2, max_length=10)


def test_loads_through_from_pretrained_and_keeps_order(model_dir: Path) -> None:
    tr = _translator(model_dir)
    batched = tr.translate(SENTENCES, "es")
    assert len(batched) == len(SENTENCES)
    assert batched[3] == ""  # empty input never reaches the model
    # The model answers differently for different inputs, so a reordering would show.
    assert len({t for t in batched if t}) >= 3
    one_by_one = [tr.translate([s], "es")[0] for s in SENTENCES]
    assert batched == one_by_one


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_batching_does_not_change_output(model_dir: Path, batch_size: int) -> None:
    reference = _translator(model_dir, batch_size=16).translate(SENTENCES, "es")
    tr = _translator(model_dir, batch_size=batch_size)
    assert tr.translate(SENTENCES, "es") == reference
    assert tr.calls == math.ceil(sum(1 for s in SENTENCES if s) / batch_size)


def test_cache_is_hit_on_second_run(model_dir: Path, tmp_path: Path) -> None:
    config = Config(mt_model=str(model_dir), cache=True, cache_dir=str(tmp_path), beam_size=2, max_length=10)
    first = _registry_translator(config)
    inner = first.inner
    out1 = first.translate(SENTENCES, "es")
    calls = inner.calls
    assert calls >= 1 and (tmp_path / "translations.sqlite").is_file()
    second = _registry_translator(config)  # a new process would build a new translator
    assert second.translate(SENTENCES, "es") == out1
    assert second.inner.calls == 0 and second.misses == 0 and second.hits == len(SENTENCES)
    edited = [*SENTENCES[:-1], "Una frase nueva."]
    second.translate(edited, "es")
    assert second.misses == 1 and second.inner.calls == 1


def test_cache_key_depends_on_options(model_dir: Path, tmp_path: Path) -> None:
    base = Config(mt_model=str(model_dir), cache_dir=str(tmp_path), beam_size=2, max_length=10)
    _registry_translator(base).translate(SENTENCES[:2], "es")
    other = _registry_translator(base.merged(beam_size=1))
    other.translate(SENTENCES[:2], "es")
    assert other.misses == 2


def test_no_cache_translates_every_time(model_dir: Path) -> None:
    config = Config(mt_model=str(model_dir), cache=False, beam_size=2, max_length=10)
    tr = _registry_translator(config)
    assert isinstance(tr, Seq2SeqTranslator)


def test_retranslate_many_keeps_paragraphs_in_one_call(model_dir: Path) -> None:
    tr = _translator(model_dir)
    sources = ["La OTAN dijo. Alemania entregó.\n\nHola.", "El Reino Unido envía misiles."]
    out = retranslate_many(tr, sources, "es")
    assert tr.calls == 1
    assert len(out) == 2 and out[0].count("\n\n") == 1 and "\n\n" not in out[1]


def test_missing_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no-such-model"):
        _translator(tmp_path / "no-such-model").translate(["Hola."], "es")


def test_folder_without_config_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\0")
    with pytest.raises(ModelError, match=r"config\.json"):
        _translator(tmp_path).translate(["Hola."], "es")


def test_corrupt_folder_is_a_model_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot load translation model .*" + tmp_path.name):
        _translator(tmp_path).translate(["Hola."], "es")


def test_hub_model_missing_offline_names_the_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    tr = Seq2SeqTranslator(resolve("es"), device="cpu")
    with pytest.raises(ModelError, match=r"Helsinki-NLP/opus-mt-es-en.*HF_HUB_OFFLINE"):
        tr.translate(["Hola."], "es")


def test_cards_pick_opus_mt_then_nllb() -> None:
    es = resolve("es")
    assert es.spec == "Helsinki-NLP/opus-mt-es-en" and es.src_code is None and es.revision
    zh = resolve("zh")
    assert zh.spec == "Helsinki-NLP/opus-mt-zh-en"
    uk = resolve("uk")  # no opus-mt card: NLLB with its FLORES-200 codes
    assert uk.spec == "facebook/nllb-200-distilled-600M"
    assert (uk.src_code, uk.tgt_code) == ("ukr_Cyrl", "eng_Latn")
    assert len(uk.revision or "") == 40
    assert resolve("swh_Latn").src_code == "swh_Latn"
    assert "@" in uk.name


def test_unknown_language_code_for_nllb_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="FLORES-200"):
        resolve("xx")


def test_source_language_is_required_without_a_model() -> None:
    with pytest.raises(ModelError, match="--src-lang"):
        resolve(None)
