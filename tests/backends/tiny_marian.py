"""A tiny MarianMT model built at test time and saved like a hub model (no network, no weights in git)."""

from __future__ import annotations

import json
from pathlib import Path

LINES = [
    "La OTAN dijo que los aliados reafirmaron su compromiso con Ucrania.",
    "Alemania entregó sistemas de defensa aérea Patriot y Skynex.",
    "El Reino Unido envía unos 200 misiles de defensa aérea.",
    "NATO said the allies reaffirmed their commitment to Ukraine.",
    "Germany delivered Patriot and Skynex air defence systems.",
    "The United Kingdom is sending about 200 air defence missiles.",
    "La reunión fue convocada a petición de Kiev y presidida por Stoltenberg.",
    "The meeting was called at Kyiv's request and chaired by Stoltenberg.",
]


def build_tiny_marian(folder: Path, seed: int = 0) -> Path:
    """Train a SentencePiece model on a few lines, build a random tiny Marian, save_pretrained both."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    work.mkdir(exist_ok=True)
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(LINES * 4) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(work / "sp"), vocab_size=100, character_coverage=1.0,
        model_type="unigram", bos_id=-1, eos_id=-1, unk_id=0, pad_id=-1, minloglevel=2,
    )  # fmt: skip
    processor = spm.SentencePieceProcessor(model_file=str(work / "sp.model"))
    vocab = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    (work / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(work / "sp.model"), target_spm=str(work / "sp.model"), vocab=str(work / "vocab.json"),
        source_lang="es", target_lang="en",
    )  # fmt: skip
    tokenizer.save_pretrained(folder)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=128,
        pad_token_id=2, eos_token_id=0, decoder_start_token_id=2, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True, init_std=0.5,
    )  # fmt: skip
    torch.manual_seed(seed)
    MarianMTModel(config).eval().save_pretrained(folder)
    return folder
