"""CTranslate2 as a model runtime: is it installed, which runtime a run uses, and converting a model once.

Why: a check spends most of its time importing torch/transformers and loading models through them
(the lazy modeling imports of transformers alone cost seconds per model class), not computing.
CTranslate2 (OpenNMT, PyPI ``ctranslate2``) runs the same transformer in C++ with no torch at run
time: importing it takes a tenth of a second and loading SmolLM2-135M a few tenths. Its fp32
arithmetic gives the same token log-probs as torch's fp32 to < 1e-3 nats (README "Where the time
goes").

What this module offers every backend (the fluency LM in :mod:`mtcheck.backends.ct2_lm`, the sentence
encoder):

- :func:`available` / :func:`resolve_runtime`: the ``model-runtime`` setting (``auto | torch |
  ctranslate2``) turned into the runtime a model uses;
- :func:`convert_once`: a transformers folder converted into CTranslate2's format once (this step
  imports torch and transformers; scoring afterwards does not). A copy in the model store
  (:func:`mtcheck.backends.store.is_store_copy`) gets its conversion beside its files
  (``<copy>/ctranslate2``); any other folder (a user's, an installed wheel's) is never written: it is
  converted into ``$MTCHECK_HOME/ctranslate2/<folder name>-<hash of its path>``. A signature file
  (:data:`SIGNATURE_FILE`: format, CTranslate2 version, quantisation, the source files' names, sizes
  and modification times) marks a finished conversion; any difference redoes it;
- :func:`compute_type` and :func:`runtime_name`: the ``lm-precision`` setting in CTranslate2's terms,
  and a model name that pins the runtime in the report signature.

ctranslate2 is imported inside the functions: importing this module stays free.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtcheck.errors import ModelError

RUNTIMES = ("auto", "torch", "ctranslate2")
# Bumped when what convert_once writes changes; a conversion of another format is redone.
FORMAT = 1
SIGNATURE_FILE = "mtcheck-ct2.json"
SUBFOLDER = "ctranslate2"  # inside a store copy
# Source files whose change makes a conversion stale (weights, config, tokenizer); others (an int8
# file written beside a store copy, the store's marker) do not.
_SOURCE_GLOBS = ("*.safetensors", "*.bin", "config.json", "tokenizer.json", "tokenizer_config.json")
# lm-precision -> CTranslate2 compute type, per device kind. int8 keeps float32 (CPU) or float16 (GPU)
# for the non-GEMM parts, as FBGEMM's dynamic int8 does in the torch runtime.
_COMPUTE = {
    ("cpu", "fp32"): "float32",
    ("cpu", "int8"): "int8_float32",
    ("cpu", "fp16"): "float16",
    ("cpu", "bf16"): "bfloat16",
    ("cuda", "fp32"): "float32",
    ("cuda", "int8"): "int8_float16",
    ("cuda", "fp16"): "float16",
    ("cuda", "bf16"): "bfloat16",
}
EXTRA_HINT = "pip install 'mtcheck[models]' (or set model-runtime = \"torch\")"


def available() -> bool:
    """Whether the ctranslate2 package is installed (looked up, not imported)."""
    return importlib.util.find_spec("ctranslate2") is not None


def cuda_devices() -> int:
    """CUDA devices CTranslate2 can use (0 without ctranslate2 or a GPU); never imports torch."""
    if not available():
        return 0
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except RuntimeError:  # a CUDA driver that cannot be initialised
        return 0


def resolve_runtime(runtime: str, device: str = "auto", precision: str = "auto") -> str:
    """``torch`` or ``ctranslate2`` for a model, from the ``model-runtime`` setting.

    ``auto`` is ctranslate2 when the package is installed, the device is (or resolves to) the CPU and
    the precision is fp32 (``auto`` or ``fp32``); torch otherwise. Why only there: on CPU fp32 it gives
    torch's scores at a fraction of the start-up cost (README "Where the time goes"); its int8 moves
    SmolLM2's scores as far as torch's int8 does (activation outliers), and GPUs were not measured.
    ``device auto`` is resolved with CTranslate2's own CUDA count, so deciding never imports torch.
    An explicit ``ctranslate2`` without the package is a ModelError naming the extra. ``device`` is
    the setting as given (``auto``, ``cpu``, ``cuda:1``, ``mps``).
    """
    runtime = (runtime or "auto").lower()
    if runtime not in RUNTIMES:
        raise ModelError(f"unknown model-runtime {runtime!r} (use {', '.join(RUNTIMES)})")
    if runtime == "torch":
        return "torch"
    if runtime == "ctranslate2":
        if not available():
            raise ModelError(f"model-runtime ctranslate2 needs the ctranslate2 package: {EXTRA_HINT}")
        return "ctranslate2"
    if not available() or (precision or "auto").lower() not in ("auto", "fp32"):
        return "torch"
    base = (device or "auto").lower().split(":", 1)[0]
    on_cpu = base == "cpu" or (base == "auto" and cuda_devices() == 0)
    return "ctranslate2" if on_cpu else "torch"


def split_device(device: str) -> tuple[str, int]:
    """A resolved device (``cpu``, ``cuda``, ``cuda:1``) as CTranslate2's (device, device_index)."""
    base, _, index = device.partition(":")
    if base not in ("cpu", "cuda"):
        raise ModelError(f"model-runtime ctranslate2 runs on cpu or cuda, not {device!r}")
    return base, int(index or 0)


def compute_type(precision: str, device: str) -> str:
    """The CTranslate2 compute type for a resolved ``lm-precision`` (fp32 | int8 | fp16 | bf16) on a
    resolved device; ModelError when this machine's CTranslate2 build cannot run it."""
    base, _ = split_device(device)
    found = _COMPUTE.get((base, precision))
    if found is None:
        raise ModelError(f"unknown lm-precision {precision!r} for model-runtime ctranslate2")
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(base)
    if found not in supported:
        raise ModelError(
            f"lm-precision {precision} needs CTranslate2 compute type {found}, which this {base} does "
            f"not support (it supports {', '.join(sorted(supported))}); use lm-precision fp32 or "
            "model-runtime torch"
        )
    return found


def runtime_name(name: str, precision: str) -> str:
    """A model name that pins the ctranslate2 runtime (and a non-fp32 precision) in the signature:
    ``smollm2-135m@ct2``, ``smollm2-135m@ct2-int8``. Torch-run models keep their names."""
    return f"{name}@ct2" if precision == "fp32" else f"{name}@ct2-{precision}"


# --- conversion ---------------------------------------------------------------------------------
def target_folder(source: Path) -> Path:
    """Where the conversion of ``source`` lives: beside a store copy, else in the store's cache area
    keyed by the source's resolved path (a user's folder is never written)."""
    from mtcheck.backends import store

    if store.is_store_copy(source):
        return source / SUBFOLDER
    key = hashlib.sha256(str(source.resolve()).encode("utf-8")).hexdigest()[:12]
    return store.home() / "ctranslate2" / f"{source.resolve().name}-{key}"


def source_files(source: Path) -> list[list[Any]]:
    """[name, size, mtime_ns] of the source files a conversion depends on, sorted by name."""
    out = []
    for pattern in _SOURCE_GLOBS:
        for path in source.glob(pattern):
            if path.is_file():
                stat = path.stat()
                out.append([path.name, stat.st_size, stat.st_mtime_ns])
    return sorted(out)


def signature(source: Path, quantization: str | None) -> dict[str, Any]:
    """What a finished conversion of ``source`` records; a stored one that differs is redone."""
    from importlib.metadata import version

    return {
        "format": FORMAT,
        "ctranslate2": version("ctranslate2"),
        "quantization": quantization,
        "source": str(source.resolve()),
        "files": source_files(source),
    }


def is_current(target: Path, source: Path, quantization: str | None = None) -> bool:
    """Whether ``target`` holds a finished conversion of ``source`` as it is now."""
    try:
        found = json.loads((target / SIGNATURE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return found == signature(source, quantization) and (target / "model.bin").is_file()


def convert_once(
    source: str | Path,
    *,
    quantization: str | None = None,
    copy_files: Sequence[str] = (),
    label: str | None = None,
) -> Path:
    """The CTranslate2 conversion of the transformers folder ``source``, converting it if needed.

    ``quantization`` None keeps the weights' own dtype (the store's fp16 copy stays fp16 on disk;
    ``compute_type`` decides the arithmetic at load time, and fp16 -> fp32 is exact). ``copy_files``:
    files of ``source`` copied into the conversion (e.g. ``tokenizer.json``). Converting imports torch
    and transformers (``ctranslate2.converters.TransformersConverter``) once; a current conversion is
    returned without importing either. Written into a temporary sibling folder and renamed, so an
    interrupted or concurrent conversion never looks finished. ModelError for a missing ctranslate2,
    a model family CTranslate2 cannot convert, or an unwritable store.
    """
    source = Path(source)
    name = label or source.name
    if not available():
        raise ModelError(f"model-runtime ctranslate2 needs the ctranslate2 package: {EXTRA_HINT}")
    if not (source / "config.json").is_file():
        raise ModelError(f"{name}: model-runtime ctranslate2 needs a local model folder, not {source}")
    target = target_folder(source)
    if is_current(target, source, quantization):
        return target
    from ctranslate2.converters import TransformersConverter

    from mtcheck.backends.hf import quiet_transformers

    quiet_transformers()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        raise ModelError(
            f"{name}: cannot write the CTranslate2 conversion under {target.parent} ({exc})"
        ) from None
    try:
        converter = TransformersConverter(str(source), copy_files=list(copy_files) or None)
        try:
            converter.convert(str(tmp), quantization=quantization, force=True)
        except Exception as exc:  # an unsupported family, corrupt files: many types (ValueError, OSError...)
            raise ModelError(f"{name}: CTranslate2 cannot convert this model ({exc})") from None
        (tmp / SIGNATURE_FILE).write_text(
            json.dumps(signature(source, quantization), indent=2), encoding="utf-8"
        )
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        if is_current(target, source, quantization):
            return target  # another process (a Ray worker, a server) finished first: keep its copy
        if target.exists():
            target.rename(old)
        try:
            tmp.rename(target)
        except OSError:
            # Another process finished first: keep its conversion if it is current.
            if not is_current(target, source, quantization):
                raise
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ModelError(f"{name}: cannot write the CTranslate2 conversion to {target} ({exc})") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
