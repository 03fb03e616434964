"""Per-token surprisal under a causal LM run by CTranslate2: the fluency scorer without torch.

The same scores as :class:`mtcheck.backends.causal_lm.CausalLMScorer` at fp32 (token log-probs equal
to < 1e-3 nats on SmolLM2, < 1e-4 on the tests' tiny Llama), for a fraction of the start-up cost:
``import ctranslate2`` + ``tokenizers`` take ~0.15 s and loading the converted model ~0.3 s, against
~8 s for torch + transformers' modeling imports + ``from_pretrained`` (README "Where the time goes").

How a pass is organised (the rest is :mod:`mtcheck.backends.lm_rows`, shared with the torch scorer):

- texts are tokenised with the ``tokenizers`` library straight from the model's ``tokenizer.json``
  (what transformers' fast tokenizer wraps: the same ids and offsets, no truncation or padding);
- each row is the card's document-start token then up to ``WINDOW`` tokens, as strings of the
  converted model's own vocabulary; ``Generator.score_batch`` returns log p(token | earlier tokens)
  for every token after the first, i.e. exactly the row's tokens;
- rows are sorted by length and handed over in chunks of about ``CHUNK_TOKENS`` tokens (for progress
  reports); CTranslate2 batches them by token count inside a chunk;
- on CPU the generator runs ``--threads`` single-threaded workers (:func:`mtcheck.backends.device.
  ct2_workers`; default: one per CPU), which score a chunk's batches side by side; the next chunk is
  handed over before the current one's results are collected, so no worker idles at a chunk's end.
  The token budget of the batches in flight stays ``BATCH_TOKENS`` whatever the worker count (each
  worker's batches are ``BATCH_TOKENS / workers`` tokens), and with it the process's peak memory.
  A row's numbers depend only on the batch CTranslate2 puts it in (float noise, ~1e-7 nats, between
  batch compositions), not on which worker ran it.

The model is converted once (:func:`mtcheck.backends.ct2.convert_once`; that step imports torch and
transformers); scoring imports neither.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtcheck.backends.base import BatchProgress
from mtcheck.backends.causal_lm import CPU_DEFAULT, PRECISIONS
from mtcheck.backends.lm_rows import Row, assemble, windows
from mtcheck.backends.packed import packs
from mtcheck.errors import ModelError

if TYPE_CHECKING:
    from mtcheck.backends.store import Progress

# Tokens per score_batch call (one progress report each), and per CTranslate2 batch inside it.
# CTranslate2 computes full-vocabulary logits for every position of a batch before taking the
# log-softmax (2,048 tokens x 49,152 fp32 logits is 400 MB): the LM process peaked at 750 / 844 /
# 988 / 1,277 MB with batches of 256 / 512 / 1,024 / 2,048 tokens (benchmarks/profile_stages.py
# --sections ct2_batch_tokens). Times did not order by batch size on the shared machine (a one-off
# probe at lower load: 512 ~8% slower than 2,048); 512 tokens still give the linear layers ~20
# sentences of rows.
CHUNK_TOKENS = 4096
BATCH_TOKENS = 512
# Smallest batch a worker gets when BATCH_TOKENS is shared among many workers.
MIN_WORKER_BATCH_TOKENS = 128


def worker_batch_tokens(workers: int) -> int:
    """Tokens per CTranslate2 batch with ``workers`` batches in flight: BATCH_TOKENS shared among them."""
    return max(MIN_WORKER_BATCH_TOKENS, BATCH_TOKENS // max(1, workers))


def resolve_precision(precision: str, device: str) -> str:
    """``auto`` -> fp16 on a GPU, ``CPU_DEFAULT`` (fp32) on CPU; ModelError for an unknown name."""
    precision = (precision or "auto").lower()
    if precision == "auto":
        return "fp16" if device.startswith("cuda") else CPU_DEFAULT
    if precision not in PRECISIONS:
        raise ModelError(f"unknown lm-precision {precision!r} (use auto, {', '.join(PRECISIONS)})")
    return precision


def special_token(folder: Path, key: str) -> str | None:
    """A special token (``bos_token``, ``eos_token``) as transformers reads it: tokenizer_config.json,
    then special_tokens_map.json; a value may be a string or ``{"content": ...}``."""
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        try:
            value = json.loads((folder / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str) and value:
            return value
    return None


def prefix_token(folder: Path, tokenizer: Any, card_token: str | None) -> str:
    """The card's document-start token, else the tokenizer's BOS, else its EOS (as
    :func:`mtcheck.backends.causal_lm.prefix_token_id`); ModelError when the vocabulary lacks it."""
    if card_token:
        if tokenizer.token_to_id(card_token) is None:
            raise ModelError(f"the model's tokenizer has no {card_token!r} token named by its card")
        return card_token
    for key in ("bos_token", "eos_token"):
        token = special_token(folder, key)
        if token is not None and tokenizer.token_to_id(token) is not None:
            return token
    raise ModelError("the fluency model's tokenizer has neither a BOS nor an EOS token to start a sentence")


class CT2Scorer:
    """A :class:`mtcheck.backends.base.FluencyScorer` on ``ctranslate2.Generator``."""

    def __init__(
        self,
        generator: Any,
        tokenizer: Any,
        vocabulary: list[str],
        name: str,
        prefix: str,
        threads: int | None = None,
    ) -> None:
        """``vocabulary``: the converted model's tokens by id (they are the tokenizer's ids);
        ``threads``: the generator's single-threaded CPU workers (None on a GPU); it sets the batch size
        in tokens (:func:`worker_batch_tokens`)."""
        self.generator = generator
        self.threads = threads
        self.batch_tokens = worker_batch_tokens(threads or 1)
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.name = name
        self.prefix = prefix
        self.tokens_scored = 0  # running count, for benchmarks and progress

    @classmethod
    def load(
        cls,
        spec: str | None = None,
        device: str = "auto",
        threads: int | None = None,
        batch_size: int = 16,
        progress: Progress | None = None,
        precision: str = "auto",
    ) -> CT2Scorer:
        """Resolve ``spec`` as :meth:`CausalLMScorer.load` does, convert it once, load it for scoring.

        ``batch_size`` is accepted for the same call shape and unused (batches are counted in tokens).
        The scorer's name pins the runtime and a non-fp32 precision (``smollm2-135m@ct2``,
        ``smollm2-135m@ct2-int8``). ModelError for a hub id (CTranslate2 needs a local folder or a
        store model), a model CTranslate2 cannot convert, or an unsupported precision.
        """
        from mtcheck.backends import ct2, store
        from mtcheck.backends.device import ct2_workers, pick_device

        resolved = store.resolve(spec, progress)
        folder = Path(resolved.location)
        label = spec or resolved.name
        if not folder.is_dir():
            raise ModelError(
                f"fluency model {label!r}: model-runtime ctranslate2 needs a local folder or a store model, "
                "not a hub id (use model-runtime torch)"
            )
        if not (folder / "tokenizer.json").is_file():
            raise ModelError(f"fluency model {label!r} has no tokenizer.json (needed for word offsets)")
        device = pick_device(device, runtime="ctranslate2")
        precision = resolve_precision(precision, device)
        compute = ct2.compute_type(precision, device)
        converted = ct2.convert_once(folder, label=label)

        import ctranslate2
        from tokenizers import Tokenizer

        base, index = ct2.split_device(device)
        count = ct2_workers(threads) if base == "cpu" else None
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            generator = ctranslate2.Generator(
                str(converted),
                device=base,
                device_index=index,
                compute_type=compute,
                inter_threads=count or 1,
                intra_threads=1 if count else 0,
            )
            vocabulary = json.loads((converted / "vocabulary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load fluency model {label!r} with CTranslate2: {exc}") from None
        # As transformers' fast tokenizer: never truncate or pad (tokenizer.json may ask for either).
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return cls(
            generator,
            tokenizer,
            vocabulary,
            ct2.runtime_name(resolved.name, precision),
            prefix_token(folder, tokenizer, resolved.prefix_token),
            count,
        )

    def surprisals(
        self, texts: Sequence[str], progress: BatchProgress | None = None
    ) -> list[list[tuple[int, int, float]]]:
        """For each text, (start, end, nats) per token, offsets into that text, whitespace trimmed.

        ``progress(done, total)`` is called after each chunk, counting scored rows (text windows).
        """
        rows = self._rows(texts)
        nats: list[list[float]] = [[] for _ in rows]
        done = 0
        pending: tuple[list[int], list[Any]] | None = None
        # Longest first, cut at CHUNK_TOKENS: the same cut as the torch runtime's packs. Each chunk is
        # posted before the previous one's results are read, so the workers always have batches queued.
        for chunk in [*packs([len(r.ids) + 1 for r in rows], CHUNK_TOKENS), None]:
            posted = None
            if chunk is not None:
                batch = [[self.prefix, *(self.vocabulary[i] for i in rows[k].ids)] for k in chunk]
                futures = self.generator.score_batch(
                    batch, max_batch_size=self.batch_tokens, batch_type="tokens", asynchronous=True
                )
                posted = (chunk, futures)
            if pending is not None:
                for k, future in zip(*pending, strict=True):
                    nats[k] = [-v for v in future.result().log_probs]
                    self.tokens_scored += len(nats[k])
                done += len(pending[0])
                if progress is not None:
                    progress(done, len(rows))
            pending = posted
        return assemble(texts, rows, nats)

    def _rows(self, texts: Sequence[str]) -> list[Row]:
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return windows((e.ids, e.offsets) for e in encodings)
