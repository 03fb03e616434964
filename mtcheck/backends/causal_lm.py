"""Per-token surprisal under a transformers causal LM, for every sentence of a run in one batched pass.

How the pass is organised, and why:
- every text starts with the model's document-start token (the card's ``prefix_token``), so the
  first word is predicted from a document start, not left unscored;
- rows are sorted by length and batched with rows of the same length only (no padding), then the
  results are put back in input order, so batching never changes a score, not even in the last
  bit: padding width does (by ~1e-5), batch size does not;
- the vocabulary projection runs in chunks over the real (unpadded) positions only: full-vocabulary
  logits for a whole batch would take gigabytes (49,152 floats per token for SmolLM2);
- the arithmetic is a setting (``lm-precision``): ``auto`` is fp16 on a GPU and ``CPU_DEFAULT`` on
  CPU; int8 linear layers (:mod:`mtcheck.backends.int8`) run faster but move scores too far for
  SmolLM2 (see ``CPU_DEFAULT``); bf16 and fp16 are there for GPUs and for comparison.
  The CPU thread count is explicit too (see :func:`mtcheck.backends.device.default_threads`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mtcheck.backends.lm_rows import Row, assemble, windows
from mtcheck.backends.packed import packs, register, spans, supported
from mtcheck.errors import ModelError

if TYPE_CHECKING:
    import torch

    from mtcheck.backends.store import Progress

# Positions projected onto the vocabulary at once: 256 x 49,152 fp32 logits is 50 MB (and as much
# again for logsumexp's temporary); 256 rows already run the product at full rate.
HEAD_CHUNK = 256
PRECISIONS = ("fp32", "int8", "fp16", "bf16")
# What ``auto`` means on CPU: the fastest precision whose scores stay within 0.5 points of fp32
# (benchmarks/profile_stages.py, results/profile_stages.json, "precisions"). int8 runs the linear
# layers at ~2x the fp32 rate but FBGEMM quantises activations per tensor and SmolLM2 has outlier
# activations (max/mean up to 20,000 in some down projections), so int8 moves token surprisal by
# ~1.5 nats on average and sentence scores by far more than 0.5 points; bf16/fp16 are slower than
# fp32 on CPUs without native support. So fp32 stays the CPU default.
CPU_DEFAULT = "fp32"


def resolve_precision(precision: str, device: str) -> str:
    """``auto`` -> fp16 on a GPU, ``CPU_DEFAULT`` on CPU; ModelError for int8 off the CPU or a typo."""
    precision = (precision or "auto").lower()
    if precision == "auto":
        return "fp16" if device.startswith(("cuda", "mps")) else CPU_DEFAULT
    if precision not in PRECISIONS:
        raise ModelError(f"unknown lm-precision {precision!r} (use auto, {', '.join(PRECISIONS)})")
    if precision == "int8" and device != "cpu":
        raise ModelError("lm-precision int8 runs on CPU only (FBGEMM kernels); use fp16 on a GPU")
    return precision


class CausalLMScorer:
    """A :class:`mtcheck.backends.base.FluencyScorer` on ``AutoModelForCausalLM``."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        name: str,
        prefix_id: int,
        device: str = "cpu",
        batch_size: int = 16,
        precision: str = "fp32",
    ) -> None:
        self.model = model
        self.precision = precision
        self.tokenizer = tokenizer
        self.name = name
        self.prefix_id = prefix_id
        self.device = device
        self.batch_size = batch_size
        self.tokens_scored = 0  # running count, for benchmarks and progress
        # Many sentences per pass where the model family allows it (see mtcheck.backends.packed).
        self.packed = supported(model, precision)
        if self.packed:
            model.config._attn_implementation = register()

    # --- loading ------------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        spec: str | None = None,
        device: str = "auto",
        threads: int | None = None,
        batch_size: int = 16,
        progress: Progress | None = None,
        precision: str = "auto",
    ) -> CausalLMScorer:
        """Resolve ``spec`` (None: the embedded default) and load it for scoring.

        ``precision``: auto | fp32 | int8 | fp16 | bf16 (see :func:`resolve_precision`). The scorer's
        ``name`` carries a non-fp32 precision (``smollm2-135m@int8``), so a report's signature pins it.
        """
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

        from mtcheck.backends.hf import quiet_transformers

        quiet_transformers()
        from mtcheck.backends import store
        from mtcheck.backends.device import pick_device, set_threads

        resolved = store.resolve(spec, progress)
        device = pick_device(device)
        if device == "cpu":
            set_threads(threads)
        precision = resolve_precision(precision, device)
        dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision, torch.float32)
        from pathlib import Path

        from mtcheck.backends.hf import hub_kwargs

        if Path(resolved.location).is_dir():
            kwargs: dict = {}
        else:
            kwargs = hub_kwargs(resolved.location, resolved.revision, "fluency")
        label = spec or resolved.name
        try:
            config = AutoConfig.from_pretrained(resolved.location, **kwargs)
            # transformers would load a translation model's decoder as a causal LM and fail later.
            if getattr(config, "is_encoder_decoder", False):
                raise ModelError(
                    f"fluency model {label!r} is an encoder-decoder ({config.model_type}) model, "
                    "not a causal language model"
                )
            tokenizer = AutoTokenizer.from_pretrained(resolved.location, **kwargs)
            if not getattr(tokenizer, "is_fast", False):
                raise ModelError(f"fluency model {label!r} has no fast tokenizer (needed for word offsets)")
            model = AutoModelForCausalLM.from_pretrained(resolved.location, dtype=dtype, **kwargs)
        except ModelError:
            raise
        except Exception as exc:  # corrupt files raise many types (OSError, ValueError, SafetensorError...)
            raise ModelError(f"cannot load fluency model {label!r}: {exc}") from None
        model.to(device).eval()
        if precision == "int8":
            from mtcheck.backends.int8 import to_int8

            # Only the store's own copies get an int8 file beside them; a user's folder is never written.
            folder = Path(resolved.location)
            model = to_int8(model, folder if store.is_store_copy(folder) else None)
        name = resolved.name if precision == "fp32" else f"{resolved.name}@{precision}"
        return cls(
            model,
            tokenizer,
            name,
            prefix_token_id(tokenizer, resolved.prefix_token),
            device,
            batch_size,
            precision,
        )

    # --- scoring ------------------------------------------------------------------------------
    def surprisals(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> list[list[tuple[int, int, float]]]:
        """For each text, (start, end, nats) per token, offsets into that text, whitespace trimmed.

        ``progress(done, total)`` is called after each batch, counting scored rows (text windows).
        """
        import torch

        rows = self._rows(texts)
        nats: list[list[float]] = [[] for _ in rows]
        done = 0
        lengths = [len(r.ids) for r in rows]
        if self.packed:
            # +1: each row carries its prefix token.
            groups = packs([n + 1 for n in lengths])
            score = self._score_pack
        else:
            groups, score = equal_length_batches(lengths, self.batch_size), self._score_batch
        with torch.inference_mode():
            for group in groups:
                batch = [rows[i] for i in group]
                for i, values in zip(group, score(batch), strict=True):
                    nats[i] = values
                done += len(group)
                if progress is not None:
                    progress(done, len(rows))
        return assemble(texts, rows, nats)

    def _rows(self, texts: Sequence[str]) -> list[Row]:
        enc = self.tokenizer(
            list(texts), add_special_tokens=False, return_offsets_mapping=True, return_attention_mask=False
        )
        return windows(zip(enc["input_ids"], enc["offset_mapping"], strict=True))

    def _score_pack(self, batch: Sequence[Row]) -> list[list[float]]:
        """One packed pass (:mod:`mtcheck.backends.packed`): the rows end to end, each from position 0."""
        import torch

        ids: list[int] = []
        positions: list[int] = []
        for row in batch:
            ids += [self.prefix_id, *row.ids]
            positions += range(len(row.ids) + 1)
        input_ids = torch.tensor([ids], dtype=torch.long, device=self.device)
        position_ids = torch.tensor([positions], dtype=torch.long, device=self.device)
        hidden = self.model.base_model(
            input_ids=input_ids,
            position_ids=position_ids,
            use_cache=False,
            mtcheck_spans=spans([len(r.ids) + 1 for r in batch]),
        ).last_hidden_state[0]
        # Position t predicts token t+1 within its row: every position but each row's last.
        starts = torch.tensor(positions, device=self.device) != 0
        targets = input_ids[0][starts]
        states = hidden[torch.roll(starts, -1)]
        nll = token_nll(self.model, states, targets)
        self.tokens_scored += int(targets.numel())
        return [part.tolist() for part in torch.split(nll.cpu(), [len(r.ids) for r in batch])]

    def _score_batch(self, batch: Sequence[Row]) -> list[list[float]]:
        import torch

        width = max(len(r.ids) for r in batch) + 1
        input_ids = torch.full((len(batch), width), self.prefix_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, row in enumerate(batch):
            input_ids[i, 1 : len(row.ids) + 1] = torch.tensor(row.ids, dtype=torch.long)
            mask[i, : len(row.ids) + 1] = 1
        input_ids, mask = input_ids.to(self.device), mask.to(self.device)
        hidden = self.model.base_model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        # Position t predicts token t+1; keep only positions whose target is a real token.
        valid = mask[:, 1:].bool()
        states = hidden[:, :-1][valid]
        targets = input_ids[:, 1:][valid]
        nll = token_nll(self.model, states, targets)
        self.tokens_scored += int(targets.numel())
        return [part.tolist() for part in torch.split(nll.cpu(), [len(r.ids) for r in batch])]


def equal_length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Row indices batched longest first, each batch holding rows of one length only.

    A row's numbers then never depend on which other rows share its batch: the width a row is
    padded to changes its floats (by ~1e-5 nats), the batch size does not. So a sentence scores
    the same checked alone, in any batch, or in any shard of a batch spread over Ray workers.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    for i in order:
        if not batches or len(batches[-1]) == batch_size or lengths[batches[-1][0]] != lengths[i]:
            batches.append([])
        batches[-1].append(i)
    return batches


def token_nll(model: Any, states: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """-log p(target | state) in nats, projecting onto the vocabulary ``HEAD_CHUNK`` positions at a time."""
    import torch

    head = model.get_output_embeddings()
    cap = getattr(model.config, "final_logit_softcapping", None)
    out = torch.empty(targets.shape[0], dtype=torch.float32, device=states.device)
    for s in range(0, targets.shape[0], HEAD_CHUNK):
        logits = head(states[s : s + HEAD_CHUNK]).float()
        if cap:
            logits = torch.tanh(logits / cap) * cap
        tgt = targets[s : s + HEAD_CHUNK]
        out[s : s + HEAD_CHUNK] = torch.logsumexp(logits, -1) - logits.gather(1, tgt[:, None]).squeeze(1)
    return out


def prefix_token_id(tokenizer: Any, prefix_token: str | None) -> int:
    """The card's document-start token, else the tokenizer's BOS, else its EOS (GPT-2 style)."""
    if prefix_token:
        tid = tokenizer.convert_tokens_to_ids(prefix_token)
        # Compare by round trip, not with unk_token_id: SmolLM2's unk token *is* <|endoftext|>.
        if tid is not None and tokenizer.convert_ids_to_tokens(int(tid)) == prefix_token:
            return int(tid)
        raise ModelError(f"the model's tokenizer has no {prefix_token!r} token named by its card")
    for tid in (tokenizer.bos_token_id, tokenizer.eos_token_id):
        if tid is not None:
            return int(tid)
    raise ModelError("the fluency model's tokenizer has neither a BOS nor an EOS token to start a sentence")
