"""Packed language-model passes: many sentences in one row, attention still sentence by sentence.

Why: the language-model stage is almost all matrix products (``nn.Linear``), and a CPU's matrix
product runs far below its peak when the matrix has few rows: one news sentence is ~25 tokens, and
SmolLM2's 576x1536 product ran at ~15 GFLOP/s with 25 rows against ~30 GFLOP/s with 800 rows on the
project machine (one thread, fp32; benchmarks/profile_stages.py, section ``gemm``). Batching only
rows of one length (to keep scores independent of the batch) leaves most batches a single sentence.

How: the sentences of a pack are laid end to end in one row of token ids, each starting again at
position 0 (``position_ids``), so every token-wise layer (embeddings, norms, linear layers, RoPE) sees
one tall matrix. Only attention mixes tokens, and it is done here per sentence: a custom
transformers attention function (registered as :data:`NAME`) cuts the packed queries, keys and
values back into sentences, groups consecutive sentences of one length, and hands each group to
transformers' own SDPA function with exactly the shapes and strides of an unpacked batch.

Why scores do not move: each output row of MKL's fp32 matrix product is computed the same way
whatever the number of rows (checked bitwise for 7 to 900 rows; a single row takes another kernel),
and the attention call is the unpacked one. :func:`supported` limits packing to model families
whose only token-mixing layer is that attention (Llama: SmolLM2, the default model); other models
keep the equal-length batches. int8 layers quantise activations per tensor, so a pack's range
would change a sentence's scores: they are not packed either.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

NAME = "mtcheck_packed"
# Model families whose decoder layers mix tokens only in the attention function (checked against
# transformers' modeling code: RoPE from position_ids, RMSNorm and MLP per token, no conv/recurrence).
FAMILIES = ("llama",)
# Tokens per packed pass: large enough for full-speed matrix products, small enough that a pass's
# activations stay ~60 MB (about 30 KB per token for SmolLM2 in fp32).
PACK_TOKENS = 2048


def supported(model: Any, precision: str) -> bool:
    """Whether ``model`` (a transformers causal LM) can be scored packed at ``precision``."""
    return precision != "int8" and getattr(model.config, "model_type", None) in FAMILIES


@lru_cache(maxsize=1)
def register() -> str:
    """Register the packed attention function with transformers (once per process); returns its name.

    Without ``mtcheck_spans`` (an ordinary call) the function is transformers' SDPA unchanged.
    """
    import torch
    from transformers import AttentionInterface
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    def packed_attention(
        module: Any,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        attention_mask: torch.Tensor | None,
        mtcheck_spans: Sequence[tuple[int, int, int]] | None = None,
        **kwargs: Any,
    ) -> tuple[torch.Tensor, None]:
        if mtcheck_spans is None:
            return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)
        # query (1, heads, tokens, dim); key/value (1, kv_heads, tokens, dim).
        outs = []
        for start, length, count in mtcheck_spans:
            q, k, v = (_cut(t, start, length, count) for t in (query, key, value))
            out, _ = sdpa_attention_forward(module, q, k, v, None, **kwargs)
            outs.append(out.flatten(0, 1))  # (count, length, heads, dim) -> (count*length, heads, dim)
        return torch.cat(outs)[None], None

    AttentionInterface.register(NAME, packed_attention)
    return NAME


def _cut(t: Any, start: int, length: int, count: int) -> Any:
    """(1, heads, tokens, dim) -> (count, heads, length, dim): the strides of an unpacked batch."""
    return t[0, :, start : start + length * count].unflatten(1, (count, length)).transpose(0, 1)


def packs(lengths: Sequence[int], budget: int = PACK_TOKENS) -> list[list[int]]:
    """Row indices, longest first, cut into packs of at most ``budget`` tokens (a longer row alone)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    out: list[list[int]] = []
    used = 0
    for i in order:
        if not out or used + lengths[i] > budget:
            out.append([])
            used = 0
        out[-1].append(i)
        used += lengths[i]
    return out


def spans(lengths: Sequence[int]) -> list[tuple[int, int, int]]:
    """(start, length, count) runs of consecutive equal lengths, starts as token offsets in the pack."""
    out: list[tuple[int, int, int]] = []
    start = 0
    for n in lengths:
        if out and out[-1][1] == n:
            s, _, c = out[-1]
            out[-1] = (s, n, c + 1)
        else:
            out.append((start, n, 1))
        start += n
    return out
