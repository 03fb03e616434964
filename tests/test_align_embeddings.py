"""Sentence embeddings in the alignment, with the real all-MiniLM-L6-v2 from the installed extra."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mtcheck.align import AlignOptions, align_documents, align_sentences, text_similarity
from mtcheck.config import Config
from mtcheck.errors import ConfigError, ModelError
from mtcheck.models import ModelRegistry, resolve_embeddings
from mtcheck.segment import segment
from mtcheck.settings import ModelSettings

MT = (
    "The government announced new taxes on fuel. "
    "Prices at the pump rose sharply overnight. "
    "Drivers queued for hours to fill their tanks. "
    "The opposition called the move reckless. "
    "Officials said the revenue would fund hospitals."
)
# Sentences 1 and 2 paraphrase the MT: same meaning, few shared character n-grams.
REF = (
    "The government announced new taxes on fuel. "
    "Overnight, petrol became a lot more expensive. "
    "Motorists waited in long lines at filling stations. "
    "The opposition called the move reckless. "
    "Officials said the revenue would fund hospitals."
)


@pytest.fixture(scope="module")
def embedder():
    encoder = ModelRegistry(ModelSettings(embeddings="on", device="cpu", threads=1)).sentence_encoder()
    assert encoder is not None
    return encoder


def test_paraphrase_is_closer_than_an_unrelated_sentence(embedder) -> None:
    anchor, paraphrase, unrelated = embedder.encode(
        [
            "Drivers queued for hours to fill their tanks.",
            "Motorists waited in long lines at filling stations.",
            "The orchestra will play Beethoven's ninth symphony on Sunday.",
        ]
    )
    close, far = float(anchor @ paraphrase), float(anchor @ unrelated)
    assert close > far + 0.3, (close, far)
    assert abs(float(np.linalg.norm(anchor)) - 1.0) < 1e-4  # unit vectors: the dot product is the cosine


def test_encode_keeps_order_across_batches(embedder) -> None:
    texts = [f"Sentence number {k} is {'long ' * k}here." for k in range(7)]
    one = embedder.encode(texts)
    # Batch size 2 sorts by length and re-orders: each row must still belong to its text.
    old = embedder.batch_size
    embedder.batch_size = 2
    try:
        batched = embedder.encode(texts)
    finally:
        embedder.batch_size = old
    assert float(np.abs(one - batched).max()) < 1e-4
    assert float(one[0] @ one[6]) < 0.999  # distinct texts, distinct vectors


def test_paraphrased_retranslation_aligns_with_embeddings(embedder) -> None:
    mt, ref = segment(MT), segment(REF)
    assert len(mt.sentences) == len(ref.sentences) == 5
    # The premise: chrF alone sees sentence 2's paraphrase as unrelated (below the pair threshold).
    assert text_similarity(mt.sentences[2].text, ref.sentences[2].text) < AlignOptions().threshold
    blocks = align_sentences(mt, ref, encoder=embedder)
    assert [(m, r) for m, r, _ in blocks] == [((k,), (k,)) for k in range(5)]
    # Same output shape as without embeddings: every sentence once, similarities in [0, 1].
    pairs = align_documents(mt, ref, encoder=embedder)
    assert sorted(i for p in pairs for i in p.mt) == list(range(5))
    assert sorted(j for p in pairs for j in p.ref) == list(range(5))
    assert all(0.0 <= p.similarity <= 1.0 and p.chrf is not None for p in pairs)


def test_embeddings_raise_a_paraphrase_pair_and_keep_identical_pairs(embedder) -> None:
    mt, ref = segment(MT), segment(REF)
    on = {(m, r): s for m, r, s in align_sentences(mt, ref, encoder=embedder)}
    off = {(m, r): s for m, r, s in align_sentences(mt, ref)}
    assert on[((1,), (1,))] > off[((1,), (1,))]
    assert on[((0,), (0,))] == pytest.approx(1.0, abs=1e-4)


def test_off_never_imports_the_backend_or_torch() -> None:
    code = (
        "import sys\n"
        "from mtcheck.align import align_documents\n"
        "from mtcheck.models import ModelRegistry\n"
        "from mtcheck.segment import segment\n"
        "from mtcheck.settings import ModelSettings\n"
        "encoder = ModelRegistry(ModelSettings(embeddings='off')).sentence_encoder()\n"
        f"pairs = align_documents(segment({MT!r}), segment({REF!r}), encoder=encoder)\n"
        "assert len(pairs) >= 5\n"
        "print('mtcheck.backends.embeddings' in sys.modules, 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_on_without_the_package_is_a_clear_model_error(monkeypatch) -> None:
    import mtcheck.backends.embeddings as backend

    monkeypatch.setattr(backend, "available", lambda: False)
    with pytest.raises(ModelError, match=r"mtcheck\[embeddings\]"):
        resolve_embeddings("on")


def test_config_switch() -> None:
    assert Config().embeddings == "auto"
    assert Config().merged(embeddings="off").embeddings == "off"
    with pytest.raises(ConfigError, match="embeddings"):
        Config().merged(embeddings="yes")
    with pytest.raises(ConfigError, match="embeddings"):
        resolve_embeddings("maybe")
