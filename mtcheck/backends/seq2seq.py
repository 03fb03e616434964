"""Re-translation with a transformers sequence-to-sequence model (MarianMT/opus-mt, NLLB, M2M100).

The model is resolved first (mtcheck.backends.cards: card, hub id or local folder) and loaded once,
lazily, on the first call. Sentences are sorted by length so that each batch pads little, translated
under ``torch.inference_mode()``, and put back in input order. ``HF_HUB_OFFLINE=1`` is respected:
a model that is not in the local cache then fails with a ModelError naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtcheck.backends.cards import TranslationModel, resolve
from mtcheck.errors import ModelError


class Seq2SeqTranslator:
    origin = "model"

    def __init__(
        self,
        model: TranslationModel | str,
        device: str = "auto",
        batch_size: int = 16,
        beam_size: int = 4,
        max_length: int = 256,
        threads: int | None = None,
    ) -> None:
        self.model = model if isinstance(model, TranslationModel) else resolve(None, model)
        self.device_request = device
        self.batch_size = batch_size
        self.beam_size = beam_size
        self.max_length = max_length
        self.threads = threads
        self.name = f"transformers:{self.model.name}"
        # Part of the cache key: the same model decodes differently with other options.
        codes = f"src={self.model.src_code};tgt={self.model.tgt_code}"
        self.options_key = f"beam={beam_size};max={max_length};{codes}"
        self.calls = 0  # batches sent through generate(), for tests and progress
        self._tokenizer: Any = None
        self._net: Any = None
        self.device: str | None = None

    # --- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        if self._net is not None:
            return
        from mtcheck.backends.device import pick_device, set_threads

        spec = self.model.spec
        local = Path(spec).expanduser()
        is_folder = local.exists()
        if is_folder and not (local / "config.json").is_file():
            raise ModelError(f"translation model {spec}: {local} has no config.json (not a model folder)")
        looks_like_path = spec.startswith((".", "/", "~")) or spec.count("/") > 1
        if not is_folder and looks_like_path:
            raise ModelError(f"translation model {spec}: no such folder")
        device = pick_device(self.device_request)
        if device == "cpu":
            set_threads(self.threads)
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        from mtcheck.backends.hf import hub_kwargs, offline, quiet_transformers

        quiet_transformers()
        kwargs: dict[str, Any] = {} if is_folder else hub_kwargs(spec, self.model.revision, "translation")

        try:
            tokenizer = AutoTokenizer.from_pretrained(str(local) if is_folder else spec, **kwargs)
            net = AutoModelForSeq2SeqLM.from_pretrained(str(local) if is_folder else spec, **kwargs)
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            hint = (
                " (HF_HUB_OFFLINE is set and it is not in the local Hugging Face cache; download it once "
                "online or pass a local folder with --mt-model)"
                if offline() and not is_folder
                else ""
            )
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"cannot load translation model {self.model.name}{hint}: {first}") from None
        net.eval()
        if device != "cpu":
            # Half precision on a GPU: about twice the speed, translations practically unchanged.
            net = net.to(device=device, dtype=torch.float16)
        self._tokenizer, self._net, self.device = tokenizer, net, device

    # --- translating --------------------------------------------------------------------------
    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]:
        out = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return out
        self.load()
        # Longest first: batches of similar length pad little, and an out-of-memory shows up at once.
        todo.sort(key=lambda i: len(sentences[i]), reverse=True)
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            for i, text in zip(batch, self._generate([sentences[i] for i in batch]), strict=True):
                out[i] = text
        return out

    def _generate(self, texts: list[str]) -> list[str]:
        import torch

        tok = self._tokenizer
        kwargs: dict[str, Any] = {}
        if self.model.src_code:
            tok.src_lang = self.model.src_code
        if self.model.tgt_code:
            # NLLB and M2M100 pick the output language from the first generated token.
            if hasattr(tok, "get_lang_id") and "_" not in self.model.tgt_code:
                kwargs["forced_bos_token_id"] = tok.get_lang_id(self.model.tgt_code)
            else:
                kwargs["forced_bos_token_id"] = tok.convert_tokens_to_ids(self.model.tgt_code)
        enc = tok(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with torch.inference_mode():
            generated = self._net.generate(
                **enc, num_beams=self.beam_size, max_new_tokens=self.max_length, **kwargs
            )
        self.calls += 1
        return [t.strip() for t in tok.batch_decode(generated, skip_special_tokens=True)]
