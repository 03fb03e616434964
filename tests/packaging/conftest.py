"""Session fixtures for the packaging tests: the built distributions and a light install of them.

Built once per test session (``python -m build``: sdist, then the wheel from the sdist, ~1 min) and
installed once into a fresh virtual environment without the model stack (~1-4 min: pip looks up
every core dependency on the index; started in the background, overlapping the pre-commit test).
pip reaches the package registries as configured on the machine; nothing here needs a model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Dists:
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class LightEnv:
    """A virtual environment holding only the built wheel and its core dependencies."""

    root: Path
    home: Path  # MTCHECK_HOME for its runs: an empty store

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run the environment's ``mtcheck`` with ``args``; never raises on a non-zero exit."""
        return self._run([str(self.root / "bin" / "mtcheck"), *args], cwd)

    def run_python(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run([str(self.python), "-c", code, *args], None)

    def _run(self, command: list[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MTCHECK_HOME": str(self.home), "CI": "true"}
        env.pop("PYTHONPATH", None)  # the worktree's mtcheck must not shadow the installed one
        return subprocess.run(
            command,
            cwd=cwd or self.home,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


# Left out of the copy that is built: environments, caches and earlier build outputs.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", ".hypothesis", ".mtcheck"
)


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """sdist, then the wheel built from that sdist (build's default), from a copy of the tree:
    building writes egg-info and a staging folder next to the sources, never into the checkout."""
    source = tmp_path_factory.mktemp("source") / "mtcheck"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE, symlinks=True)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], timeout=900)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return Dists(wheels[0], sdists[0])


@dataclass(frozen=True)
class PendingInstall:
    """The light environment while pip installs the wheel into it, in the background."""

    env: LightEnv
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def light_install(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> PendingInstall:
    """Start installing the wheel into a fresh venv; :func:`light_env` waits for it.

    Started early (the pre-commit test asks for it too) so that this install and pre-commit's own
    install of the hook environment overlap: both wait mostly on the registries.
    """
    root = tmp_path_factory.mktemp("light-venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # The base interpreter, not this venv's: the new environment sees none of the dev packages.
    _run([sys._base_executable, "-m", "venv", str(root)], env=env, timeout=300)
    log = root / "pip-install.log"
    pip = [str(root / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    with log.open("w") as out:
        process = subprocess.Popen([*pip, str(dists.wheel)], env=env, stdout=out, stderr=subprocess.STDOUT)
    return PendingInstall(LightEnv(root, tmp_path_factory.mktemp("light-home")), process, log)


@pytest.fixture(scope="session")
def light_env(light_install: PendingInstall) -> LightEnv:
    code = light_install.process.wait(timeout=1500)
    assert code == 0, light_install.log.read_text()[-3000:]
    return light_install.env
