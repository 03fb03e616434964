"""A tiny causal LM built at test time: a word-level tokenizer and a 2-layer Llama, saved to a folder."""

from __future__ import annotations

from pathlib import Path

WORDS = [
    "the",
    "allies",
    "said",
    "that",
    "nato",
    "will",
    "send",
    "more",
    "air",
    "defence",
    "systems",
    "to",
    "ukraine",
    "on",
    "wednesday",
    "in",
    "a",
    "new",
    "period",
    "expressed",
    "themselves",
    "sense",
    "of",
    "meeting",
    "gave",
    "details",
    "organization",
    ".",
    ",",
    "stoltenberg",
]


def build_tiny_causal_lm(folder: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    )
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        bos_token_id=1, eos_token_id=2, tie_word_embeddings=False,
    )  # fmt: skip
    model = LlamaForCausalLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
