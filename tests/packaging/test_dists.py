"""The sdist and the wheel: metadata that passes twine, ranges not pins, a light core, data files."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser

from packaging.requirements import Requirement

from tests.packaging.conftest import Dists

MODEL_STACK = {"torch", "transformers", "sentencepiece", "gguf", "accelerate", "safetensors"}
# Files the installed package reads at run time: the HTML report's templates and the model cards.
DATA = (
    "mtcheck/render/templates/report.html.j2",
    "mtcheck/render/templates/index.html.j2",
    "mtcheck/render/templates/style.css",
    "mtcheck/render/templates/report.js",
    "mtcheck/models/smollm2-135m.toml",
    "mtcheck/models/opus-mt-es-en.toml",
    "mtcheck/py.typed",
)


def _requirements(dists: Dists) -> list[Requirement]:
    with zipfile.ZipFile(dists.wheel) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(wheel.read(name).decode("utf-8"))
    return [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]


def test_twine_check_passes_on_both(dists: Dists) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dists.wheel), str(dists.sdist)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_core_requirements_leave_out_the_model_stack(dists: Dists) -> None:
    reqs = _requirements(dists)
    core = {r.name.lower() for r in reqs if r.marker is None}
    assert core and not core & MODEL_STACK, core & MODEL_STACK
    models = {r.name.lower() for r in reqs if r.marker and r.marker.evaluate({"extra": "models"})}
    assert models >= MODEL_STACK


def test_no_exact_pins_in_the_metadata(dists: Dists) -> None:
    pinned = [str(r) for r in _requirements(dists) if any(s.operator in ("==", "===") for s in r.specifier)]
    assert not pinned


def test_wheel_and_sdist_carry_templates_and_model_cards(dists: Dists) -> None:
    with zipfile.ZipFile(dists.wheel) as wheel:
        names = set(wheel.namelist())
    assert [f for f in DATA if f not in names] == []
    with tarfile.open(dists.sdist) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    assert [f for f in DATA if f not in members] == []
    assert {"pyproject.toml", "README.md"} <= members
