"""The sentence encoder on CTranslate2 against the torch one: same vectors, word vectors, alignments.

A tiny BERT built here (tests/backends/tiny_bert.py) is loaded by both runtimes (transformers'
from_pretrained; CTranslate2 after converting it); the alignment cases use the packaged
all-MiniLM-L6-v2 (and the full check the embedded fluency model), converted once into the session's
model store (``embedded_home``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mtcheck.align import align_documents
from mtcheck.backends import ct2
from mtcheck.backends.ct2_embeddings import CT2SentenceEmbedder
from mtcheck.backends.embeddings import SentenceEmbedder
from mtcheck.errors import ModelError
from mtcheck.models import ModelRegistry
from mtcheck.qe.stage import encode_sides
from mtcheck.segment import segment
from mtcheck.settings import ModelSettings
from tests.backends.tiny_bert import build_tiny_bert

SENTENCES = [
    "The government announced new taxes on fuel.",
    "Prices rose overnight, and drivers queued for hours.",
    "",
    "Motorists waited in long lines; the minister spoke on Monday.",
    "Zebra quantum xylophone!",  # pieces the tiny vocabulary lacks: [UNK]
    "The harbour ferry crossed in the storm. " * 30,  # past MAX_TOKENS: truncated alike
    "It rained all night",
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MTCHECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def _pair(folder: Path, batch_size: int = 3) -> tuple[SentenceEmbedder, CT2SentenceEmbedder]:
    torch_enc = SentenceEmbedder(folder, device="cpu", batch_size=batch_size, threads=1)
    ct2_enc = CT2SentenceEmbedder(folder, device="cpu", batch_size=batch_size, threads=1)
    return torch_enc, ct2_enc


def test_sentence_vectors_equal_the_torch_encoders(home: Path, tiny_bert_dir: Path) -> None:
    torch_enc, ct2_enc = _pair(tiny_bert_dir)
    a, b = torch_enc.encode(SENTENCES), ct2_enc.encode(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 32) and b.dtype == np.float32
    assert float(np.abs(a - b).max()) < 1e-5
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    # Not a constant: distinct sentences get distinct vectors (row order kept across sorted batches).
    assert float(b[0] @ b[3]) < 0.999 and float(b[1] @ b[6]) < 0.999
    assert ct2_enc.encode([]).shape == (0, 32)
    assert ct2_enc.name.endswith("@ct2") and not torch_enc.name.endswith("@ct2")


def test_several_workers_encode_as_one_in_the_same_order(home: Path, tiny_bert_dir: Path) -> None:
    """--threads 3: three single-threaded CTranslate2 workers take a call's batches side by side."""
    one = CT2SentenceEmbedder(tiny_bert_dir, device="cpu", batch_size=2, threads=1)
    three = CT2SentenceEmbedder(tiny_bert_dir, device="cpu", batch_size=2, threads=3)
    assert one.model.num_encoders == 1 and three.model.num_encoders == 3 and three.threads == 3
    texts = [*SENTENCES, *reversed(SENTENCES)]
    a, b = one.encode(texts), three.encode(texts)
    assert a.shape == b.shape and float(np.abs(a - b).max()) < 1e-6
    assert float(b[0] @ b[3]) < 0.999  # distinct sentences stay distinct: rows are not mixed up
    for (h1, o1), (h2, o2) in zip(one.hidden_states(texts), three.hidden_states(texts), strict=True):
        assert h1.shape == h2.shape and float(np.abs(h1 - h2).max()) < 1e-6 and np.array_equal(o1, o2)


def test_token_states_and_word_vectors_equal_the_torch_encoders(home: Path, tiny_bert_dir: Path) -> None:
    torch_enc, ct2_enc = _pair(tiny_bert_dir)
    texts = [t for t in SENTENCES if t]
    states = [enc.hidden_states(texts, max_tokens=256) for enc in (torch_enc, ct2_enc)]
    for (h1, o1), (h2, o2) in zip(*states, strict=True):
        assert h1.shape == h2.shape and float(np.abs(h1 - h2).max()) < 1e-5
        assert np.array_equal(o1, o2)
    # The quality model's word vectors (BERTScore-style pooling over word pieces), through its own stage.
    mt = segment("The government announced new taxes on fuel. Prices rose overnight.", "a")
    ref = segment("The council voted a new budget. Motorists waited in long lines.", "a:reference")
    [(mt1, [ref1])] = encode_sides(torch_enc, [(mt, [ref])])
    [(mt2, [ref2])] = encode_sides(ct2_enc, [(mt, [ref])])
    for s1, s2 in ((mt1, mt2), (ref1, ref2)):
        assert [len(w) for w in s1.words] == [len(w) for w in s2.words]
        for v1, v2 in zip(s1.vectors, s2.vectors, strict=True):
            assert v1.shape == v2.shape and v1.shape[0] > 0
            assert float(np.abs(v1 - v2).max()) < 1e-5


def test_conversion_lives_in_the_store_is_reused_and_redone_when_stale(home: Path, tmp_path: Path) -> None:
    folder = build_tiny_bert(tmp_path / "bert", seed=0)
    before = sorted(p.name for p in folder.iterdir())
    first = CT2SentenceEmbedder(folder, device="cpu", threads=1)
    target = first.converted
    assert target.is_dir() and home in target.parents  # in the store, never in the model's folder
    assert sorted(p.name for p in folder.iterdir()) == before
    stamp = (target / "model.bin").stat().st_mtime_ns
    again = CT2SentenceEmbedder(folder, device="cpu", threads=1)
    assert again.converted == target and (target / "model.bin").stat().st_mtime_ns == stamp  # not redone
    old = again.encode(SENTENCES[:2])
    # New weights in the same folder: the stale conversion is redone and follows them.
    build_tiny_bert(folder, seed=1)
    torch_new, ct2_new = _pair(folder)
    new = ct2_new.encode(SENTENCES[:2])
    assert float(np.abs(new - old).max()) > 1e-2
    assert float(np.abs(new - torch_new.encode(SENTENCES[:2])).max()) < 1e-5


def test_a_folder_without_a_fast_tokenizer_is_a_model_error(home: Path, tmp_path: Path) -> None:
    folder = build_tiny_bert(tmp_path / "bert")
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match=r"tokenizer\.json"):
        CT2SentenceEmbedder(folder, device="cpu", threads=1)
    with pytest.raises(ModelError, match="mps"):
        CT2SentenceEmbedder(build_tiny_bert(tmp_path / "b2"), device="mps", threads=1)


# --- the packaged all-MiniLM-L6-v2 ---------------------------------------------------------------
ARTICLES = [
    (
        "The ferry left the harbour at dawn. A storm closed the port by noon. "
        "Fishermen said the waves were the highest in years.\n\n"
        "The mayor promised help for the damaged boats. Repairs will start next week.",
        "The ferry departed from the port early in the morning. By midday a storm had shut the harbour. "
        "According to fishermen, the waves were the tallest for years.\n\n"
        "Help for the damaged vessels was promised by the mayor. Work on repairs begins next week.",
    ),
    (
        "The council voted on the budget on Tuesday. Teachers will get a raise. "
        "The opposition walked out. It called the plan a gift to the rich.",
        "On Tuesday the council held a vote on the budget. A pay rise is coming for teachers, "
        "which the opposition protested by leaving the room. The plan, it said, favours the wealthy.",
    ),
    (
        "Heavy rain flooded the valley. Three villages were evacuated. Roads remain closed.",
        "The valley was flooded by heavy rainfall. Authorities evacuated three villages. "
        "A spokesman thanked the volunteers. The roads are still closed.",
    ),
]


def test_registry_picks_the_runtime_and_alignments_are_identical(embedded_home: Path) -> None:
    def encoder(runtime: str):
        settings = ModelSettings(embeddings="on", device="cpu", threads=1, model_runtime=runtime)
        return ModelRegistry(settings).sentence_encoder()

    on_ct2, on_torch, auto = encoder("ctranslate2"), encoder("torch"), encoder("auto")
    assert isinstance(on_ct2, CT2SentenceEmbedder) and isinstance(on_torch, SentenceEmbedder)
    assert isinstance(auto, CT2SentenceEmbedder)  # auto on the CPU with ctranslate2 installed
    assert ct2.target_folder(on_ct2.folder) == on_ct2.converted and embedded_home in on_ct2.converted.parents
    for mt_text, ref_text in ARTICLES:
        mt, ref = segment(mt_text, "a"), segment(ref_text, "a:reference")
        a = align_documents(mt, ref, encoder=on_torch)
        b = align_documents(mt, ref, encoder=on_ct2)
        assert [(p.mt, p.ref) for p in a] == [(p.mt, p.ref) for p in b]
        assert all(abs(p.similarity - q.similarity) < 1e-5 for p, q in zip(a, b, strict=True))
        # The embeddings take part: the paraphrased articles align as they should (no chrF-only split).
        assert all(p.mt and p.ref for p in a[:2])


def test_a_full_check_on_ctranslate2_imports_neither_torch_nor_transformers(embedded_home: Path) -> None:
    """A full check with the default settings (re-translation file, alignment with embeddings, the
    fluency LM) once both conversions exist in the store: model-runtime auto runs both models on
    CTranslate2, and nothing imports torch, transformers, scikit-learn or SciPy."""
    settings = ModelSettings(fluency="on", embeddings="on", device="cpu", model_runtime="ctranslate2")
    registry = ModelRegistry(settings)
    registry.sentence_encoder(), registry.fluency_scorer()  # the one-time conversions, into this store
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['mtcheck', 'check', {str(root / 'examples/nato.en.txt')!r}, '--reference',\n"
        f"            {str(root / 'examples/nato.ref.txt')!r}, '-f', 'json', '--threads', '1']\n"
        "try:\n    runpy.run_module('mtcheck', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "heavy = sorted(loaded & {'torch', 'transformers', 'sklearn', 'scipy'})\n"
        "print('HEAVY', heavy, 'ct2' if 'ctranslate2' in sys.modules else 'no-ct2', file=sys.stderr)\n"
    )
    env = {**os.environ, "MTCHECK_HOME": str(embedded_home), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert "HEAVY [] ct2" in proc.stderr, proc.stderr[-2000:]
    signature = json.loads(proc.stdout)["signature"]
    assert "|lm:smollm2-135m@ct2|" in signature, signature
    assert "|emb:all-MiniLM-L6-v2@" in signature and signature.endswith("@ct2"), signature
