"""The quality model's word vectors come from the alignment's encoder pass: each sentence is encoded once.

A tiny BERT built here (tests/backends/tiny_bert.py) is loaded by both runtimes; the texts its real
forward passes receive are counted (CTranslate2: the encoder's batch call; torch: a forward hook on the
model). A check with the quality model on must send every MT and re-translation sentence through the
model once (a second pass for the word vectors doubled the count before), its alignment and word
vectors must equal those of the separate passes, and a sentence past the alignment's cut is encoded
again at the word vectors' longer cut, as before.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtcheck.backends.ct2_embeddings import CT2SentenceEmbedder
from mtcheck.backends.embeddings import SentenceEmbedder
from mtcheck.config import Config
from mtcheck.models import ModelRegistry
from mtcheck.pipeline import Checker, prepare
from mtcheck.qe.stage import encode_sides
from mtcheck.readers import Article
from mtcheck.settings import InputSettings
from tests.backends.tiny_bert import build_tiny_bert

# Two stories of my own, each with a re-translation that shares some sentences word for word.
STORIES = [
    (
        "The government announced new taxes on fuel. Prices rose overnight. Drivers queued for hours.",
        "The government announced new taxes on fuel. Prices rose over the night. "
        "Motorists waited in long lines.",
    ),
    (
        "The council voted a new budget on Monday. Schools closed. The minister spoke.",
        "On Monday the council voted a new budget. The schools closed. The minister spoke.",
    ),
]
# Past the alignment's cut of 128 word pieces, within the word vectors' 256.
LONG = "The harbour ferry crossed in the storm, " * 20 + "and it rained all night."


class Counted:
    """Counts the texts that reach the real model's forward pass (a wrapper, the model still runs)."""

    def __init__(self, encoder: SentenceEmbedder | CT2SentenceEmbedder) -> None:
        self.rows = 0
        if isinstance(encoder, CT2SentenceEmbedder):
            forward = encoder._forward

            def counted(ids: list[list[int]]) -> np.ndarray:
                self.rows += len(ids)
                return forward(ids)

            encoder._forward = counted  # type: ignore[method-assign]
        else:

            def hook(_module: object, _args: object, kwargs: dict, _out: object) -> None:
                self.rows += int(kwargs["input_ids"].shape[0])

            encoder.model.register_forward_hook(hook, with_kwargs=True)


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MTCHECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _encoder(runtime: str, folder: Path) -> SentenceEmbedder | CT2SentenceEmbedder:
    cls = CT2SentenceEmbedder if runtime == "ctranslate2" else SentenceEmbedder
    return cls(folder, device="cpu", batch_size=3, threads=1)


def _prepared(checker: Checker, stories: list[tuple[str, str]]) -> list:
    items = [
        prepare(Article(f"s{k}", mt, reference=ref), InputSettings()) for k, (mt, ref) in enumerate(stories)
    ]
    checker.attach_references(items)
    return items


def _checker(quality_model: str, encoder: object) -> Checker:
    config = Config(fluency=False, embeddings="on", quality_model=quality_model)
    return Checker(config, models=ModelRegistry(config.model_settings, encoder=encoder))  # type: ignore[arg-type]


def _sentences(items: list) -> int:
    return sum(len(i.doc.sentences) + sum(len(r.document.sentences) for r in i.references) for i in items)


@pytest.mark.parametrize("runtime", ["ctranslate2", "torch"])
def test_each_sentence_goes_through_the_encoder_once(home: Path, tiny_bert_dir: Path, runtime: str) -> None:
    encoder = _encoder(runtime, tiny_bert_dir)
    counted = Counted(encoder)
    checker = _checker("on", encoder)
    items = _prepared(checker, STORIES)
    checker.align(items)
    checker.score_fluency(items)
    name = checker.encode_words(items)
    assert name is not None and name.startswith("qe-word-")
    assert counted.rows == _sentences(items) > 0  # the word vectors cost no forward pass of their own

    # The same alignment as a check without the quality model, and the same word vectors as the
    # quality model's own pass (float noise only: batches differ).
    plain = _checker("off", _encoder(runtime, tiny_bert_dir))
    alone = _prepared(plain, STORIES)
    plain.align(alone)
    separate = encode_sides(
        _encoder(runtime, tiny_bert_dir), [(i.doc, [r.document for r in i.references]) for i in alone]
    )
    for item, other, (mt, refs) in zip(items, alone, separate, strict=True):
        assert [(p.mt, p.ref) for p in item.alignment] == [(p.mt, p.ref) for p in other.alignment]
        for a, b in zip(item.alignment, other.alignment, strict=True):
            assert a.similarity == pytest.approx(b.similarity, abs=1e-5)
        got_mt, got_refs = item.words
        for got, want in zip([got_mt, *got_refs], [mt, *refs], strict=True):
            assert [len(w) for w in got.words] == [len(w) for w in want.words]
            for v1, v2 in zip(got.vectors, want.vectors, strict=True):
                assert v1.shape == v2.shape and v1.shape[0] > 0
                assert float(np.abs(v1 - v2).max()) < 1e-5


@pytest.mark.parametrize("runtime", ["ctranslate2", "torch"])
def test_a_sentence_past_the_alignment_cut_is_encoded_again_at_the_longer_cut(
    home: Path, tiny_bert_dir: Path, runtime: str
) -> None:
    encoder = _encoder(runtime, tiny_bert_dir)
    counted = Counted(encoder)
    checker = _checker("on", encoder)
    story = (STORIES[0][0] + " " + LONG, STORIES[0][1] + " " + LONG)
    items = _prepared(checker, [story])
    checker.align(items)
    checker.encode_words(items)
    assert counted.rows == _sentences(items) + 2  # the long sentence on both sides, once more
    [(mt, [ref])] = encode_sides(
        _encoder(runtime, tiny_bert_dir), [(items[0].doc, [items[0].reference.document])]
    )
    got_mt, [got_ref] = items[0].words
    for got, want in ((got_mt, mt), (got_ref, ref)):
        last = len(want.vectors) - 1
        # Words past the 128th piece keep real vectors (the 256 cut), as in the separate pass.
        assert float(np.abs(got.vectors[last]).sum(axis=1).min()) > 0
        assert float(np.abs(got.vectors[last] - want.vectors[last]).max()) < 1e-5


def test_without_the_quality_model_nothing_is_kept_or_pooled(home: Path, tiny_bert_dir: Path) -> None:
    encoder = _encoder("ctranslate2", tiny_bert_dir)
    counted = Counted(encoder)
    checker = _checker("off", encoder)
    items = _prepared(checker, STORIES)
    checker.align(items)
    assert checker.encode_words(items) is None
    assert all(i.words is None for i in items)
    assert counted.rows == _sentences(items)
