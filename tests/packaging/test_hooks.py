"""The `mtcheck` pre-commit hook, as a user's repository runs it (`pre-commit try-repo`).

pre-commit builds the hook's environment itself from this repository (pip, the registries these
machines reach): the light install, so the rules-only hook must work without the model stack.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.packaging.conftest import ROOT, PendingInstall


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PRE_COMMIT_HOME": str(home), "MTCHECK_HOME": str(home / "mtcheck"), "CI": "true"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mtcheck", "--all-files"]
    return subprocess.run(
        [*command, "--color=never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip


def test_mtcheck_hook_fails_the_commit_on_the_examples_errors(
    tmp_path: Path, light_install: PendingInstall
) -> None:
    """``light_install`` is not used here, only started: it runs alongside pre-commit's install."""
    repo = tmp_path / "articles-repo"
    (repo / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "nato.en.txt", repo / "articles" / "nato.en.txt")
    # A re-translation next to it is excluded by the hook's pattern: never checked as an article.
    shutil.copy(ROOT / "examples" / "nato.ref.txt", repo / "articles" / "nato.ref.txt")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"

    done = _try_repo(repo, home)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-3000:]
    assert "mtcheck (rules only)" in out and "Failed" in out
    # It failed on the article's findings (mtcheck's own report), not on an install or usage error.
    assert re.search(r"nato\.en\.txt:\d+:\d+: MT\d{3} error", out), out[-3000:]
    assert "nato.en.txt: FAIL" in out and "mtcheck: error" not in out
    assert "nato.ref.txt:" not in out  # excluded
