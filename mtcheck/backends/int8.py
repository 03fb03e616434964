"""Int8 arithmetic for a causal LM on CPU: dynamic quantisation of every linear layer.

Why this library: ``torch.ao.quantization.quantize_dynamic`` ships inside the pinned torch and runs
FBGEMM's int8 GEMM (AVX2 ``vpmaddubsw``; VNNI where the CPU has it). Weights are quantised once,
symmetric int8 with one scale per output channel; activations are quantised per batch on the fly,
so nothing is calibrated on data. Measured here (benchmarks/profile_stages.py, one thread, the
model's own shapes) it does 2-3x the fp32 GEMM rate. torchao 0.18 was tried too: its
``Int8DynamicActivationInt8WeightConfig`` ran a 576x1536 layer ~20x *slower* than fp32 on this CPU in
eager mode (it needs torch.compile), so it is not used. torch marks ``torch.ao.quantization`` as
deprecated in favour of torchao; the warning is silenced here because torch is pinned (2.13.0) and
the CPU kernels it wraps are FBGEMM's, which torch keeps.

Accuracy: activations are quantised per tensor (one scale for a whole batch), so an outlier
activation anywhere in the batch coarsens every other token's; SmolLM2's down projections have
outliers 100-20,000x their mean, and int8 moves its token surprisal by ~1.5 nats on average (see
``CPU_DEFAULT`` in causal_lm). It is a setting, not the default; scores also depend slightly on
which rows share a batch (the per-batch activation scale), unlike fp32.

Embeddings, norms and attention stay fp32. A tied output projection (SmolLM2's ``lm_head`` shares the
token embedding) is quantised as a separate linear layer; the embedding lookup keeps fp32 rows.

Quantising SmolLM2-135M costs a few seconds of CPU (per-channel scales over 135M weights, then
FBGEMM's packing), so for a model in the local store the int8 layers are saved once beside the
fp16 copy (``int8-dynamic.pt``, plain tensors: int8 weights and fp32 scales, loaded with
``weights_only=True``) and only packed at load time. Models outside the store (a user's folder, a hub
id) are quantised at load time and nothing is written next to them.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from mtcheck.errors import ModelError

CACHE_FILE = "int8-dynamic.pt"
# Bumped when the saved layout changes; a file of another format (or torch) is rebuilt, never misread.
FORMAT = 1


def _linears(model: Any) -> list[tuple[Any, str, Any]]:
    """(parent module, attribute name, nn.Linear) for every linear layer, in module order."""
    import torch

    out = []
    for parent in model.modules():
        for name, child in parent.named_children():
            if type(child) is torch.nn.Linear:
                out.append((parent, name, child))
    return out


def _qualified(model: Any) -> dict[int, str]:
    return {id(module): name for name, module in model.named_modules()}


def _packed(weight_q: Any, bias: Any) -> Any:
    """An FBGEMM dynamic int8 linear layer around an already quantised weight."""
    import torch
    from torch.ao.nn.quantized import dynamic as nnqd

    layer = nnqd.Linear(weight_q.shape[1], weight_q.shape[0], bias_=bias is not None, dtype=torch.qint8)
    layer.set_weight_bias(weight_q, bias)
    return layer


def quantize_weights(model: Any) -> dict[str, Any]:
    """Per-output-channel symmetric int8 of every linear weight: name -> (int8 [out, in], fp32 scale [out]).

    Symmetric (zero point 0) with the scale ``max|w| / 127`` per row, so every row uses its full
    int8 range and no weight is clipped; ``torch.quantize_per_channel`` does the rounding.
    """
    import torch

    names = _qualified(model)
    out: dict[str, Any] = {}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao deprecation notices, see the module docstring
        for parent, attr, linear in _linears(model):
            w = linear.weight.detach().float()
            scale = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
            zero = torch.zeros_like(scale, dtype=torch.long)
            q = torch.quantize_per_channel(w, scale.double(), zero, 0, torch.qint8).int_repr()
            key = f"{names[id(parent)]}.{attr}".lstrip(".")
            out[key] = (q, scale, None if linear.bias is None else linear.bias.detach().float())
    return out


def apply(model: Any, weights: dict[str, Any]) -> Any:
    """Swap every linear layer of ``model`` for an int8 one built from ``weights``; returns ``model``."""
    import torch

    names = _qualified(model)
    with warnings.catch_warnings():
        # torch.ao's deprecation notices (see the module docstring), once per layer otherwise.
        warnings.simplefilter("ignore")
        for parent, attr, _linear in _linears(model):
            key = f"{names[id(parent)]}.{attr}".lstrip(".")
            if key not in weights:
                raise ModelError(f"int8 weights lack layer {key}")
            q, scale, bias = weights[key]
            weight_q = torch._make_per_channel_quantized_tensor(
                q, scale.double(), torch.zeros_like(scale, dtype=torch.long), 0
            )
            setattr(parent, attr, _packed(weight_q, bias))
    return model


def _signature() -> dict[str, Any]:
    import torch

    return {"format": FORMAT, "torch": torch.__version__}


def load_cached(folder: Path) -> dict[str, Any] | None:
    """The saved int8 weights of a stored model, or None when there are none (or of another format)."""
    import torch

    path = folder / CACHE_FILE
    meta = folder / (CACHE_FILE + ".json")
    if not path.is_file() or not meta.is_file():
        return None
    try:
        if json.loads(meta.read_text(encoding="utf-8")) != _signature():
            return None
        raw = torch.load(path, weights_only=True, mmap=True)
    except (OSError, ValueError, RuntimeError, json.JSONDecodeError):
        return None  # a damaged copy is rebuilt, not trusted
    return {k: (v["q"], v["scale"], v.get("bias")) for k, v in raw.items()}


def save_cached(folder: Path, weights: dict[str, Any]) -> None:
    """Write the int8 weights beside a stored model, atomically (temp file, then rename)."""
    import torch

    raw = {k: {"q": q, "scale": s, **({} if b is None else {"bias": b})} for k, (q, s, b) in weights.items()}
    tmp = folder / f".int8-{os.getpid()}.tmp"
    try:
        torch.save(raw, tmp)
        os.replace(tmp, folder / CACHE_FILE)
        (folder / (CACHE_FILE + ".json")).write_text(json.dumps(_signature()), encoding="utf-8")
    except OSError:
        # A read-only store still works: the model is quantised again next time.
        tmp.unlink(missing_ok=True)


def to_int8(model: Any, store_folder: Path | None = None) -> Any:
    """``model`` with int8 linear layers; reuses (or writes) the store's saved copy when given a folder."""
    weights = load_cached(store_folder) if store_folder is not None else None
    if weights is None:
        weights = quantize_weights(model)
        if store_folder is not None:
            save_cached(store_folder, weights)
    return apply(model, weights)
