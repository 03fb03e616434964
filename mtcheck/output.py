"""Write reports atomically: a temporary file in the target folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mtcheck.errors import OutputError


def write_atomic(path: str | Path, content: str, encoding: str = "utf-8") -> None:
    """An interrupted run leaves either the old file or the new one, never half of one."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"{path}: is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(content)
            handle.flush()
            # On disk before the rename, so that a crash cannot leave an empty report in its place.
            os.fsync(handle.fileno())
            # mkstemp makes the file private (0600); a report gets the mode a plain write would give.
            os.fchmod(handle.fileno(), _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except UnicodeEncodeError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: the report holds text that is not valid Unicode ({exc.reason})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    """The existing report's mode, else what the umask allows for a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
