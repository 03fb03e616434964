"""all-MiniLM-L6-v2 sentence vectors on CTranslate2: the alignment's encoder without torch at run time.

The same model as :class:`mtcheck.backends.embeddings.SentenceEmbedder`, converted once into
CTranslate2's format (:func:`mtcheck.backends.ct2.convert_once`: into the model store, never into the
wheel's folder or a user's). It is tokenised with the model's own ``tokenizer.json`` through the
``tokenizers`` library (the file's fixed padding to 128 is switched off; truncation as AutoTokenizer
does it), run with ``ctranslate2.Encoder`` in float32, and pooled as sentence-transformers describes
the model: mean over the tokens, then L2 normalisation. Its vectors equal the torch encoder's to
about 1e-6 (tests/backends/test_ct2_embeddings.py).

Why: constructing the torch encoder costs seconds of imports (torch, then transformers' BERT code)
before any work; this one imports ctranslate2 and tokenizers (about 0.1 s) and loads in tenths of a
second. Only the one-time conversion imports torch and transformers.

On CPU the encoder runs ``--threads`` single-threaded workers (:func:`mtcheck.backends.device.
ct2_workers`); a call's batches are handed to them from as many Python threads (``forward_batch``
releases the GIL), so they run side by side. A text's vector depends only on its batch, not on the
worker that ran it.

ctranslate2, tokenizers and numpy are imported inside the functions: importing this module is free.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtcheck.backends.embeddings import MAX_TOKENS, encoder_name, model_path
from mtcheck.errors import ModelError

if TYPE_CHECKING:
    import numpy as np


class CT2SentenceEmbedder:
    """Mean-pooled, L2-normalised sentence vectors from a BERT-style folder run by CTranslate2.

    A :class:`mtcheck.backends.base.SentenceEncoder`. ``path``: a transformers BERT folder with a
    ``tokenizer.json`` (None: the packaged all-MiniLM-L6-v2); ``device``: ``auto``, ``cpu`` or
    ``cuda[:N]`` (ModelError for ``mps``); ``threads``: single-threaded CPU workers (None: one per
    CPU, :func:`mtcheck.backends.device.ct2_workers`).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        from mtcheck.backends import ct2
        from mtcheck.backends.device import ct2_workers, pick_device

        folder = Path(path) if path is not None else model_path()
        self.name = ct2.runtime_name(encoder_name(folder, packaged=path is None), "fp32")
        self.device = pick_device(device, runtime="ctranslate2")
        kind, index = ct2.split_device(self.device)
        self.threads = ct2_workers(threads) if kind == "cpu" else 1
        self.batch_size = max(1, batch_size)
        try:
            self.dim = int(json.loads((folder / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{self.name}: cannot read {folder / 'config.json'} ({exc})") from None
        if not (folder / "tokenizer.json").is_file():
            raise ModelError(f"{self.name}: model-runtime ctranslate2 needs {folder / 'tokenizer.json'}")
        self.folder = folder
        self._on_cpu = kind == "cpu"
        self.converted = ct2.convert_once(folder, label=self.name)
        import ctranslate2

        try:
            self.model = ctranslate2.Encoder(
                str(self.converted),
                device=kind,
                device_index=index,
                compute_type=ct2.compute_type("fp32", self.device),
                inter_threads=self.threads,
                intra_threads=1 if self._on_cpu else 0,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.name}: CTranslate2 cannot load {self.converted} ({exc})") from None
        self._tokenizers: dict[int, Any] = {}
        self._lock = threading.Lock()

    def _tokenizer(self, max_tokens: int) -> Any:
        """The model's tokenizer truncating at ``max_tokens`` (one per length: the setting is state)."""
        with self._lock:
            found = self._tokenizers.get(max_tokens)
            if found is None:
                from tokenizers import Tokenizer

                found = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                found.no_padding()  # the file pads every text to 128; batches are padded by CTranslate2
                # As AutoTokenizer(truncation=True, max_length=...) sets it, special tokens included.
                found.enable_truncation(max_length=max_tokens)
                self._tokenizers[max_tokens] = found
            return found

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        """Last hidden states (len(ids), longest, dim) float32; rows past a text's length are padding."""
        import numpy as np

        hidden = self.model.forward_batch(ids).last_hidden_state
        if not self._on_cpu:
            import ctranslate2

            hidden = hidden.to_device(ctranslate2.Device.cpu)
        return np.array(hidden, dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """A float32 array (len(texts), dim) of unit vectors, in the order of ``texts``.

        The mean of each text's token states from :meth:`hidden_states` (the same length-sorted
        batches), L2-normalised with torch.nn.functional.normalize's eps, as the torch encoder does.
        """
        from mtcheck.backends.kept_states import mean_pooled

        return mean_pooled(self.hidden_states([t or " " for t in texts], MAX_TOKENS), self.dim)

    def hidden_states(
        self, texts: Sequence[str], max_tokens: int | None = None, batch_size: int | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text, (last hidden states float32 (tokens, dim), character offsets int (tokens, 2)).

        Tokens include the special ones, whose offsets are (0, 0); at most ``max_tokens`` (default:
        the model's 128) per text. ``batch_size``: texts per forward pass (default: the encoder's).
        """
        import numpy as np

        size = max(1, batch_size or self.batch_size)
        tokenizer = self._tokenizer(max_tokens or MAX_TOKENS)
        out: list[Any] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        batches = [order[first : first + size] for first in range(0, len(order), size)]
        encoded = [tokenizer.encode_batch([texts[k] for k in ids]) for ids in batches]
        passes = [[e.ids for e in encodings] for encodings in encoded]
        if self.threads > 1 and len(passes) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(self.threads, len(passes))) as pool:
                states = list(pool.map(self._forward, passes))
        else:
            states = [self._forward(p) for p in passes]
        for ids, encodings, hidden in zip(batches, encoded, states, strict=True):
            for row, (k, enc) in enumerate(zip(ids, encodings, strict=True)):
                n = len(enc.ids)
                out[k] = (hidden[row, :n], np.array(enc.offsets, dtype=np.int64).reshape(n, 2))
        return out
