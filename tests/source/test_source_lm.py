"""The source-aware scorer on a tiny Gemma3ForCausalLM loaded through the users' from_pretrained path."""

from __future__ import annotations

import math

import pytest

from mtcheck.segment import segment
from mtcheck.source.prompt import language_name, pieces, prompt_for
from mtcheck.source.stage import score_documents

MT = "the city council said on tuesday that it will open two new schools ."
SRC = "el consejo dijo el martes que abrirá dos escuelas nuevas ."


def full_vocab_nll(scorer, prompt: str, target: str) -> list[float]:
    """-log p of each target token from the model's own full logits (no chunking, no selection)."""
    import torch

    tok = scorer.lm.tokenizer
    head = tok(prompt, add_special_tokens=False)["input_ids"]
    ids = tok(" " + target, add_special_tokens=False)["input_ids"]
    row = torch.tensor([[tok.convert_tokens_to_ids("<bos>"), *head, *ids]])
    with torch.inference_mode():
        logp = torch.log_softmax(scorer.lm.model(input_ids=row).logits[0].float(), -1)
    first = 1 + len(head)
    return [-float(logp[first - 1 + k, t]) for k, t in enumerate(ids)]


def test_scores_every_mt_token_and_only_those(tiny_scorer) -> None:
    prompt = prompt_for(SRC, "es")
    (tokens,) = tiny_scorer.score([prompt], [MT])
    # One value per MT token, offsets onto the MT words (the word tokenizer: one token per word).
    assert [MT[s:e] for s, e, _ in tokens] == MT.split()
    # The chunked, position-selected head gives the model's own full-vocabulary log-softmax.
    expected = full_vocab_nll(tiny_scorer, prompt, MT)
    assert [v for _, _, v in tokens] == pytest.approx(expected, abs=1e-4)
    assert all(v > 0 and math.isfinite(v) for _, _, v in tokens)


def test_the_source_conditions_the_score(tiny_scorer) -> None:
    a, b = tiny_scorer.score([prompt_for(SRC, "es"), prompt_for("dos escuelas", "es")], [MT, MT])
    assert len(a) == len(b)
    assert [v for *_, v in a] != pytest.approx([v for *_, v in b], abs=1e-6)


def test_prompt_names_the_language_and_uses_an_example() -> None:
    assert language_name("zh") == language_name("zho_Hans") == "Chinese"
    assert language_name("xx") == "xx"
    p = prompt_for("市政府\n宣布", "zh")
    assert p.startswith("Chinese: ") and p.endswith("Chinese: 市政府 宣布\nEnglish:")
    assert p.count("English:") == 2  # the one-shot example, then the piece to score
    assert prompt_for("abc", "xx") == "xx: abc\nEnglish:"  # no example for an unknown language


def test_paragraphs_pair_and_offsets_land_in_the_document(tiny_scorer) -> None:
    text = f"{MT}\n\nthe government announced two schools ."
    doc = segment(text, "t")
    src = f"{SRC}\n\ndos escuelas"
    got = pieces(doc, src)
    assert [p.source for p in got] == [SRC, "dos escuelas"]
    (scores,) = score_documents(tiny_scorer, [(doc, src, "es")])
    assert [text[t.start : t.end] for t in scores.tokens] == text.split()
    sents = scores.sentence_logprobs(doc)
    assert set(sents) == {s.index for s in doc.sentences}
    for mean, n in sents.values():
        assert mean < 0 and n > 0
    words = scores.word_logprobs([(0, 3), (4, 8), (len(text), len(text) + 1)])
    assert words[0] is not None and words[0] < 0 and words[2] is None


def test_unpaired_paragraphs_cut_the_source_at_the_same_places() -> None:
    text = "\n\n".join(f"sentence number {i} ." for i in range(6))
    doc = segment(text, "t")
    got = pieces(doc, "uno dos tres")
    # One source paragraph for six MT paragraphs: one piece, the whole source.
    assert len(got) == 1 and got[0].source == "uno dos tres"
    assert text[got[0].start : got[0].end] == text
