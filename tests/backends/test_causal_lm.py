"""The causal LM scorer on a tiny Llama built and saved at test time, loaded through from_pretrained."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcheck.backends import causal_lm, lm_rows
from mtcheck.backends import packed as packed_mod
from mtcheck.backends.causal_lm import CausalLMScorer
from mtcheck.errors import ModelError

TEXTS = [
    "the allies said that nato will send more air defence systems to ukraine on wednesday .",
    "gave details of the transatlantic organization .",
    "in a new period the allies expressed themselves in the sense of the meeting , stoltenberg said .",
    "nato",
    "ukraine , the allies said .",
    "the meeting on wednesday",
    "more systems",
    "the allies",
    "",
    "stoltenberg gave details .",
]


@pytest.fixture(scope="module")
def scorer(tiny_causal_dir: Path) -> CausalLMScorer:
    return CausalLMScorer.load(str(tiny_causal_dir), device="cpu", threads=1, batch_size=8)


def test_offsets_index_each_word(scorer: CausalLMScorer) -> None:
    out = scorer.surprisals(TEXTS)
    assert len(out) == len(TEXTS)
    for text, toks in zip(TEXTS, out, strict=True):
        assert [text[s:e] for s, e, _ in toks] == text.split()
        assert all(v > 0 for *_, v in toks)


def test_scores_are_deterministic(scorer: CausalLMScorer) -> None:
    assert scorer.surprisals(TEXTS) == scorer.surprisals(TEXTS)


def test_batching_does_not_change_scores(scorer: CausalLMScorer) -> None:
    batched = scorer.surprisals(TEXTS)
    scorer.batch_size = 1
    try:
        single = scorer.surprisals(TEXTS)
    finally:
        scorer.batch_size = 8
    for a, b in zip(batched, single, strict=True):
        assert [t[:2] for t in a] == [t[:2] for t in b]
        assert max((abs(x[2] - y[2]) for x, y in zip(a, b, strict=True)), default=0.0) < 1e-4


def test_surprisal_matches_hand_computation_from_logits(scorer: CausalLMScorer) -> None:
    import torch

    text = TEXTS[2]
    ids = scorer.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert scorer.prefix_id == scorer.tokenizer.bos_token_id  # no card: the tokenizer's BOS opens it
    with torch.inference_mode():
        logits = scorer.model(torch.tensor([[scorer.prefix_id, *ids]])).logits[0].double()
    logp = torch.log_softmax(logits, -1)
    expected = [-logp[i, t].item() for i, t in enumerate(ids)]
    got = [v for *_, v in scorer.surprisals([text])[0]]
    assert got == pytest.approx(expected, abs=1e-4)


def test_long_texts_are_scored_in_windows(scorer: CausalLMScorer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lm_rows, "WINDOW", 4)
    monkeypatch.setattr(causal_lm, "HEAD_CHUNK", 3)  # the vocabulary projection in several chunks too
    text = TEXTS[0]
    toks = scorer.surprisals([text])[0]
    assert [text[s:e] for s, e, _ in toks] == text.split()


def test_missing_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        CausalLMScorer.load(str(tmp_path / "nope"), device="cpu", threads=1)


def test_unknown_device_is_a_model_error(tiny_causal_dir: Path) -> None:
    with pytest.raises(ModelError, match="unknown device"):
        CausalLMScorer.load(str(tiny_causal_dir), device="tpu", threads=1)


def test_packed_passes_score_as_equal_length_batches(
    scorer: CausalLMScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sentences laid end to end in one pass score as when each is batched only with its own length."""
    assert scorer.packed  # a Llama in fp32: packed by default
    packed = scorer.surprisals(TEXTS)
    monkeypatch.setattr(packed_mod, "PACK_TOKENS", 12)  # several packs, a row longer than a pack alone
    small = scorer.surprisals(TEXTS)
    monkeypatch.setattr(scorer, "packed", False)
    batched = scorer.surprisals(TEXTS)
    for a, b, c in zip(packed, small, batched, strict=True):
        assert [t[:2] for t in a] == [t[:2] for t in c] == [t[:2] for t in b]
        assert max((abs(x[2] - y[2]) for x, y in zip(a, c, strict=True)), default=0.0) < 1e-4
        assert max((abs(x[2] - y[2]) for x, y in zip(b, c, strict=True)), default=0.0) < 1e-4


def test_packs_and_spans() -> None:
    # Longest first; a pack never exceeds the budget unless one row alone does.
    assert packed_mod.packs([5, 3, 5, 2, 9], budget=8) == [[4], [0], [2, 1], [3]]
    # Runs of equal lengths become one attention call each: (start offset, length, count).
    assert packed_mod.spans([3, 3, 2, 3]) == [(0, 3, 2), (6, 2, 1), (8, 3, 1)]


def test_only_llama_family_in_float_is_packed(scorer: CausalLMScorer) -> None:
    assert packed_mod.supported(scorer.model, "fp32")
    assert not packed_mod.supported(scorer.model, "int8")  # per-tensor activation scales span the pack

    class Other:
        config = type("Config", (), {"model_type": "gpt2"})()

    assert not packed_mod.supported(Other(), "fp32")
