"""Apertium as an offline re-translation engine: rule-based, literal, keeps names and numbers.

Runs ``apertium -u SRC-eng`` once per call with one sentence per line (``-u`` drops the ``*``
marks on unknown words); Apertium answers one line per line.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from mtcheck.errors import ModelError

# ISO 639-1 -> Apertium's three-letter codes for the pairs into English that Debian packages.
ISO3 = {
    "es": "spa", "ca": "cat", "fr": "fra", "pt": "por", "it": "ita", "eo": "epo", "eu": "eus", "gl": "glg",
    "oc": "oci", "ro": "ron", "nb": "nob", "nn": "nno", "sv": "swe", "da": "dan", "is": "isl", "kk": "kaz",
    "tt": "tat", "mk": "mkd", "cy": "cym", "br": "bre", "an": "arg",
}  # fmt: skip
INSTALL_HINT = "apt-get install apertium apertium-eng-spa"


@lru_cache(maxsize=4)
def installed_modes(binary: str = "apertium") -> frozenset[str]:
    path = shutil.which(binary)
    if path is None:
        raise ModelError(f"Apertium is not installed ({binary!r} not found): {INSTALL_HINT}")
    done = subprocess.run([path, "-l"], capture_output=True, text=True, check=False, timeout=30)
    return frozenset(line.strip() for line in done.stdout.splitlines() if line.strip())


def mode_for(src_lang: str) -> str:
    lang = src_lang.lower()
    code = ISO3.get(lang, lang)
    return f"{code}-eng"


class ApertiumTranslator:
    origin = "apertium"
    options_key = "-u"

    def __init__(self, binary: str = "apertium", timeout: float = 600.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self.name = "apertium"

    def translate(self, sentences: Sequence[str], src_lang: str) -> list[str]:
        mode = mode_for(src_lang)
        modes = installed_modes(self.binary)
        if mode not in modes:
            have = ", ".join(sorted(modes)) or "none"
            raise ModelError(
                f"Apertium has no {mode} pair installed (installed: {have}); "
                f"install apertium-eng-{mode.split('-')[0]} or similar"
            )
        if not sentences:
            return []
        # One sentence per line: a line break inside a sentence would shift every later line.
        lines = [" ".join(s.split()) for s in sentences]
        done = subprocess.run(
            [shutil.which(self.binary) or self.binary, "-u", mode],
            input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=self.timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise ModelError(f"apertium {mode} failed: {done.stderr.strip()[:300]}")
        out = done.stdout.split("\n")
        if out and out[-1] == "":
            out.pop()
        if len(out) != len(lines):
            raise ModelError(f"apertium {mode} returned {len(out)} lines for {len(lines)} sentences")
        return [o.strip() for o in out]
