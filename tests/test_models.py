"""The model registry: Checker takes its models from it, objects handed in are used as they are, and
the settings (device, threads, batch size) reach every model the registry loads."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from mtcheck.backends.device import default_threads
from mtcheck.config import Config
from mtcheck.models import ModelRegistry
from mtcheck.pipeline import Checker
from mtcheck.readers import Article
from mtcheck.settings import ModelSettings

# --- small deterministic objects implementing the backend protocols (wiring only) ----------------
SPANISH = {
    "El ministro habló el lunes.": "The minister spoke on Monday.",
    "Los precios subieron.": "Prices rose.",
    "La lluvia cayó toda la noche.": "Rain fell all night.",
}


class DictTranslator:
    """A Translator that looks sentences up in a table; records each call."""

    name = "dict-translator@rev1"
    origin = "model"

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str]] = []

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]:
        self.calls.append((list(sentences), src_lang))
        return [SPANISH.get(s, "") for s in sentences]


class LengthLM:
    """A FluencyScorer: each whitespace token costs as many nats as it has characters."""

    name = "length-lm@rev2"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def surprisals(self, texts: Sequence[str], progress=None) -> list[list[tuple[int, int, float]]]:
        self.texts.extend(texts)
        return [[(m.start(), m.end(), float(len(m.group()))) for m in re.finditer(r"\S+", t)] for t in texts]


class BagEncoder:
    """A SentenceEncoder: unit bag-of-words vectors over hashed lowercase words."""

    name = "bag-encoder@rev3"
    dim = 64

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def encode(self, texts: list[str]):
        import torch

        self.batches.append(list(texts))
        out = torch.zeros((len(texts), self.dim))
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, sum(map(ord, word)) % self.dim] += 1.0
        return torch.nn.functional.normalize(out, dim=-1)


def _articles() -> list[Article]:
    return [
        Article("a", "The minister spoke on Monday. Prices went up.", source="El ministro habló el lunes. "
                "Los precios subieron.", src_lang="es"),
        Article("b", "Rain fell the whole night.", source="La lluvia cayó toda la noche.", src_lang="es"),
    ]  # fmt: skip


def test_checker_runs_with_models_handed_in_through_the_registry() -> None:
    translator, lm, encoder = DictTranslator(), LengthLM(), BagEncoder()
    registry = ModelRegistry(
        ModelSettings(fluency="on", embeddings="auto"), translator=translator, scorer=lm, encoder=encoder
    )
    report = Checker(Config(fluency="on"), models=registry).run(_articles())
    # One translation call for the whole batch, with every source sentence, in order.
    assert translator.calls == [(list(SPANISH), "es")]
    a, b = report.documents
    assert (
        a.reference is not None and a.reference.document.text == "The minister spoke on Monday. Prices rose."
    )
    assert (a.reference.origin, a.reference.name) == ("model", "dict-translator@rev1")
    # The encoder took part in the alignment: one call for the batch, each article's MT sentences then
    # its re-translation's.
    assert encoder.batches == [
        [s.text for doc in (a, b) for d in (doc.document, doc.reference.document) for s in d.sentences]  # type: ignore[union-attr]
    ]
    assert [(p.mt, p.ref) for p in a.alignment] == [((0,), (0,)), ((1,), (1,))]
    # The LM scored every MT sentence of the batch in one pass; its numbers reached the report.
    assert lm.texts[:3] == [s.text for doc in (a, b) for s in doc.document.sentences]
    assert a.fluency is not None and a.fluency.model == "length-lm@rev2"
    assert b.fluency is not None and all(s.fluency is not None for s in b.sentence_scores)
    # The model stage's own account of what it used is what the signature pins.
    sig = report.signature
    assert (sig.translators, sig.lm, sig.encoder) == (
        ("dict-translator@rev1",),
        "length-lm@rev2",
        "bag-encoder@rev3",
    )
    assert report.to_json()["signature"].startswith(
        "mtcheck:0.1.0|mt:dict-translator@rev1|lm:length-lm@rev2|select:MT|fail-on:error|emb:bag-encoder@rev3"
    )


def test_a_checker_keeps_no_record_of_earlier_runs() -> None:
    registry = ModelRegistry(ModelSettings(fluency="off"), translator=DictTranslator(), encoder=BagEncoder())
    checker = Checker(Config(fluency=False), models=registry)
    first = checker.run(_articles())
    plain = checker.run([Article("c", "The council met on Tuesday.")])
    supplied = checker.run([Article("d", "Prices went up.", reference="Prices rose.")])
    assert first.signature.translators == ("dict-translator@rev1",)
    # A later run names only what it used: nothing, then a supplied re-translation.
    assert (plain.signature.translators, plain.signature.encoder) == ((), None)
    assert (supplied.signature.translators, supplied.signature.encoder) == (("file",), "bag-encoder@rev3")


def test_settings_decide_whether_a_stage_runs() -> None:
    lm, encoder = LengthLM(), BagEncoder()
    registry = ModelRegistry(ModelSettings(fluency="off", embeddings="off"), scorer=lm, encoder=encoder)
    assert registry.fluency_scorer() is None and registry.sentence_encoder() is None
    report = Checker(Config(fluency=False, embeddings="off"), models=registry).run(
        [Article("a", "Prices went up.", reference="Prices rose.")]
    )
    assert lm.texts == [] and encoder.batches == []
    assert report.documents[0].fluency is None and report.signature.encoder is None


def test_one_registry_loads_each_model_once(tmp_path: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    folder = build_tiny_causal_lm(tmp_path / "lm")
    registry = ModelRegistry(ModelSettings(fluency_model=str(folder), device="cpu", threads=1))
    assert registry.fluency_scorer() is registry.fluency_scorer()
    # Two Checkers (two requests of a server) share the loaded model.
    config = Config(fluency_model=str(folder), fluency="on")
    one = Checker(config, models=registry).run([Article("a", "the allies said .")])
    two = Checker(config, models=registry).run([Article("b", "nato will send .")])
    # model-runtime auto: CTranslate2 (installed with the models extra) on CPU at fp32.
    assert one.signature.lm == two.signature.lm == registry.fluency_scorer().name == f"{folder.name}@ct2"


# --- device and threads reach every model (tiny real models, loaded through from_pretrained) -------
def _threads() -> int:
    """A thread count that is not the default, so that only the setting can explain it."""
    return default_threads() + 1


def _devices() -> list[str]:
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _watch(module, seen: list[tuple[str, int]]) -> None:
    """Record the device of the module's weights and torch's thread count on every forward pass."""
    import torch

    def hook(mod, args, kwargs=None):
        seen.append((next(mod.parameters()).device.type, torch.get_num_threads()))

    module.register_forward_pre_hook(hook)


def _config_from_flags(device: str, threads: int, **settings) -> Config:
    """The Config the command line builds from ``--device`` and ``--threads``."""
    from mtcheck.cli.common import build_config

    return build_config(None, device=device, threads=threads, **settings)


@pytest.mark.parametrize("device", _devices())
def test_device_and_threads_reach_the_translator(tmp_path: Path, device: str) -> None:
    import torch

    from tests.backends.tiny_marian import build_tiny_marian

    folder = build_tiny_marian(tmp_path / "marian")
    config = _config_from_flags(
        device, _threads(), mt_model=str(folder), no_cache=True, no_fluency=True, src_lang="es", max_length=10
    )
    registry = ModelRegistry(config.model_settings)
    torch.set_num_threads(1)  # what another library might have left behind
    translator = registry.translator("es")
    translator.load()
    seen: list[tuple[str, int]] = []
    _watch(translator._net, seen)
    report = Checker(config.merged(embeddings="off"), models=registry).run(
        [Article("a", "NATO said the allies met.", source="La OTAN dijo que los aliados se reunieron.")]
    )
    expected_threads = _threads() if device == "cpu" else 1
    assert seen and set(seen) == {(device, expected_threads)}
    assert report.signature.translators == (translator.name,)


@pytest.mark.parametrize("device", _devices())
def test_device_and_threads_reach_the_fluency_model(tmp_path: Path, device: str) -> None:
    import torch

    from tests.backends.tiny_causal import build_tiny_causal_lm

    folder = build_tiny_causal_lm(tmp_path / "lm")
    config = _config_from_flags(
        device, _threads(), fluency_model=str(folder), embeddings="off", model_runtime="torch"
    )
    registry = ModelRegistry(config.model_settings)
    torch.set_num_threads(1)
    scorer = registry.fluency_scorer()
    assert scorer is not None
    seen: list[tuple[str, int]] = []
    _watch(scorer.model.base_model, seen)
    Checker(config, models=registry).run([Article("a", "the allies said that nato will send more .")])
    expected_threads = _threads() if device == "cpu" else 1
    assert seen and set(seen) == {(device, expected_threads)}
    assert scorer.batch_size == config.batch_size


def test_device_and_threads_reach_the_ctranslate2_fluency_model(tmp_path: Path) -> None:
    from tests.backends.tiny_causal import build_tiny_causal_lm

    folder = build_tiny_causal_lm(tmp_path / "lm")
    config = _config_from_flags("cpu", _threads(), fluency_model=str(folder), embeddings="off")
    scorer = ModelRegistry(config.model_settings).fluency_scorer()
    # model-runtime auto on CPU at fp32: CTranslate2, with the run's device and thread count.
    assert type(scorer).__name__ == "CT2Scorer"
    assert scorer.generator.device == "cpu" and scorer.threads == _threads()


@pytest.mark.parametrize("device", _devices())
def test_device_threads_and_batch_size_reach_the_sentence_encoder(device: str) -> None:
    import torch

    config = _config_from_flags(
        device, _threads(), no_fluency=True, embeddings="on", batch_size=2, model_runtime="torch"
    )
    registry = ModelRegistry(config.model_settings)
    torch.set_num_threads(1)
    encoder = registry.sentence_encoder()
    assert encoder is not None and encoder.batch_size == 2
    seen: list[tuple[str, int]] = []
    _watch(encoder.model, seen)
    mt = "The minister spoke on Monday. Prices went up. Rain fell all night."
    ref = "The minister spoke on Monday. Prices rose. It rained all night."
    report = Checker(config, models=registry).run([Article("a", mt, reference=ref)])
    expected_threads = _threads() if device == "cpu" else 1
    # Six sentences in batches of two: three forward passes, each on the device with the threads asked.
    assert len(seen) == math.ceil(6 / 2) and set(seen) == {(device, expected_threads)}
    assert report.signature.encoder == encoder.name


def test_device_threads_and_batch_size_reach_the_ctranslate2_sentence_encoder() -> None:
    config = _config_from_flags(
        "cpu", _threads(), no_fluency=True, embeddings="on", batch_size=2, model_runtime="ctranslate2"
    )
    registry = ModelRegistry(config.model_settings)
    encoder = registry.sentence_encoder()
    assert encoder is not None and encoder.batch_size == 2 and encoder.threads == _threads()
    assert encoder.model.device == "cpu" and encoder.name.endswith("@ct2")
    passes: list[int] = []
    forward = encoder._forward
    encoder._forward = lambda ids: passes.append(len(ids)) or forward(ids)  # counts, then runs the model
    mt = "The minister spoke on Monday. Prices went up. Rain fell all night."
    ref = "The minister spoke on Monday. Prices rose. It rained all night."
    report = Checker(config, models=registry).run([Article("a", mt, reference=ref)])
    # Six sentences in batches of two: three forward passes.
    assert passes == [2, 2, 2]
    assert report.signature.encoder == encoder.name
