"""A tiny BERT encoder built at test time: a WordPiece tokenizer and a 2-layer BertModel, saved to a folder.

Shaped like all-MiniLM-L6-v2's folder (config.json, safetensors, tokenizer.json with [CLS]/[SEP] and
offsets), so both sentence-encoder runtimes load it the way they load the real model.
"""

from __future__ import annotations

from pathlib import Path

PIECES = [
    "the", "government", "announced", "new", "taxes", "on", "fuel", "prices", "rose", "over", "##night",
    "drivers", "queued", "for", "hours", "motor", "##ists", "waited", "in", "long", "lines", "minister",
    "spoke", "monday", "rain", "fell", "all", "night", "it", "rained", "said", "a", "of", "and", "to",
    "harbour", "ferry", "crossed", "storm", "closed", "school", "##s", "council", "voted", "budget",
    ".", ",", "'", "-", "1", "2", "9",
]  # fmt: skip


def build_tiny_bert(folder: Path, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
    for piece in PIECES:
        vocab.setdefault(piece, len(vocab))
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    tok.decoder = decoders.WordPiece()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]",
    )  # fmt: skip
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=300,
        # Written out as all-MiniLM-L6-v2's config.json does: CTranslate2 4.8's BERT converter reads
        # it, and this transformers' BertConfig no longer sets it by default.
        position_embedding_type="absolute",
    )  # fmt: skip
    BertModel(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
