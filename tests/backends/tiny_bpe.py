"""A tiny causal LM with a real byte-level BPE tokenizer (trained here), saved to a folder.

Unlike tests/backends/tiny_causal.py's word-level vocabulary, byte-level BPE gives tokens that carry
their leading space and split words, so offsets and their trimming are exercised as SmolLM2's are.
Its positions reach 1,536, so a text longer than one scoring window (``lm_rows.WINDOW`` = 512) fits.
"""

from __future__ import annotations

from pathlib import Path

# Training text for the tokenizer: short news-like sentences from several stories (none from
# examples/nato.en.txt).
CORPUS = [
    "The harbour authority closed the northern pier after the storm damaged two cranes.",
    "Farmers in the valley say the late frost destroyed most of this year's apricot harvest.",
    "The central bank left interest rates unchanged on Thursday, citing slowing inflation.",
    "Rescue teams reached the village by helicopter once the landslide had cut the only road.",
    "The museum will return the bronze statues to the families who lent them in 1962.",
    "Ticket prices for the city's trams rise by ten percent from the first of March.",
    "A judge ordered the company to pay 4.2 million euros to former employees.",
    "Scientists counted fewer storks on the river banks than in any spring since 1990.",
]


def build_tiny_bpe_lm(folder: Path, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>")
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1536,
        bos_token_id=0, eos_token_id=1, tie_word_embeddings=False,
    )  # fmt: skip
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
