"""A tiny Gemma-architecture causal LM built at test time (Gemma3ForCausalLM, 2 layers, word tokenizer)."""

from __future__ import annotations

from pathlib import Path

WORDS = [
    "the",
    "city",
    "council",
    "said",
    "on",
    "tuesday",
    "that",
    "it",
    "will",
    "open",
    "two",
    "new",
    "schools",
    "next",
    "year",
    ".",
    ",",
    "el",
    "consejo",
    "dijo",
    "martes",
    "que",
    "abrirá",
    "dos",
    "escuelas",
    "nuevas",
    "el",
    "próximo",
    "año",
    "english",
    ":",
    "spanish",
    "chinese",
    "government",
    "announced",
    "expand",
    "primary",
    "wednesday",
    "closed",
]


def build_tiny_gemma(folder: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", unk_token="<unk>", pad_token="<pad>"
    )
    torch.manual_seed(0)
    config = Gemma3TextConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=512,
        sliding_window=8, pad_token_id=0, eos_token_id=1, bos_token_id=2,
    )  # fmt: skip
    model = Gemma3ForCausalLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
