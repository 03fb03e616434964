"""Reports are written atomically: a failed or interrupted write leaves the old report, never half of one."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtcheck import output
from mtcheck.errors import OutputError
from mtcheck.output import write_atomic

OLD = '{"old": true}\n'


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(OLD, encoding="utf-8")
    return path


def _left_over(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "report.json")


def test_replaces_the_report(report: Path) -> None:
    write_atomic(report, '{"new": true}\n')
    assert report.read_text(encoding="utf-8") == '{"new": true}\n'
    assert _left_over(report.parent) == []


def test_failing_write_keeps_the_old_report(report: Path) -> None:
    # A lone surrogate cannot be encoded: the write itself fails half-way through the content.
    with pytest.raises(OutputError, match="not valid Unicode"):
        write_atomic(report, "x" * 100_000 + "\ud800" + "y" * 10)
    assert report.read_text(encoding="utf-8") == OLD
    assert _left_over(report.parent) == []


def test_disk_full_keeps_the_old_report(report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(report, '{"new": true}\n')
    assert report.read_text(encoding="utf-8") == OLD
    assert _left_over(report.parent) == []


def test_interrupt_before_rename_keeps_the_old_report(report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(report, '{"new": true}\n')
    assert report.read_text(encoding="utf-8") == OLD
    assert _left_over(report.parent) == []


def test_missing_folder_and_folder_target(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "report.json", "x")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path / "dir", "x")


def test_file_mode(tmp_path: Path) -> None:
    """A new report gets the umask's mode (mkstemp's private 0600 would hide it); an old one keeps its own."""
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        write_atomic(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        private = tmp_path / "private.json"
        private.write_text("old", encoding="utf-8")
        private.chmod(0o600)
        write_atomic(private, "new")
        assert private.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


_WRITER = """
import sys
from mtcheck.output import write_atomic
sys.stdout.write("ready\\n"); sys.stdout.flush()
write_atomic(sys.argv[1], sys.argv[2] * 4_000_000)
"""


def test_killed_mid_write_leaves_old_or_new(report: Path) -> None:
    """SIGKILL at different moments of a large write: the report is always the old or the whole new one."""
    new = "0123456789" * 4_000_000
    seen = set()
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.5):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(report), "0123456789"],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parent.parent.parent,
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        content = report.read_text(encoding="utf-8")
        assert content in (OLD, new), f"half-written report ({len(content)} characters) after {delay} s"
        seen.add("new" if content == new else "old")
        if content == OLD:
            # A killed process cannot clean up; its temporary file is hidden and never the report.
            for leftover in _left_over(report.parent):
                assert leftover.startswith(".report.json.") and leftover.endswith(".tmp")
        else:
            report.write_text(OLD, encoding="utf-8")
    assert "old" in seen  # at least one kill landed before the rename
