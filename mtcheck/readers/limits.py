"""Reading under a byte cap: files, stdin, FIFOs and devices never load more than the limit allows.

``--max-chars`` bounds the analysed text in code points; before any decoder or parser (json,
feedparser, BeautifulSoup, pulldown-cmark) sees the input, the bytes read are bounded by a cap
derived from it, so ``/dev/zero``, an endless pipe or a 3 GB file stop at a few times the limit
instead of filling memory:

- plain text: ``4 * max_chars`` bytes (+ a BOM), as UTF-8 and UTF-16 never spend more than four
  bytes on one code point, so no text within the limit is refused here;
- markup and JSON (HTML, Markdown, feeds, one JSONL line): ``16 * max_chars`` bytes, room for tags,
  attributes and JSON ``\\uXXXX`` escapes (6-12 bytes per code point) around a text at the limit.

Text that passes the cap is still measured against ``--max-chars`` itself once it is decoded;
Markdown of more than 4 characters per ``--max-chars`` character is refused before it is parsed
(``readers.article_from_text``: the parser's tree costs 22-51 bytes per source byte).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO

from mtcheck.config import Config
from mtcheck.errors import InputFileError

DEFAULT_MAX_CHARS: int = Config.max_chars
TEXT_BYTES_PER_CHAR = 4
MARKUP_BYTES_PER_CHAR = 16
_SLACK = 4096  # a BOM, a short header: never the difference between a file passing or not
_CHUNK = 1 << 20  # read granularity; a capped read holds at most limit + one chunk


def byte_cap(max_chars: int | None = None, markup: bool = True) -> int:
    """The most bytes read for one input whose text may hold ``max_chars`` code points."""
    chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    return chars * (MARKUP_BYTES_PER_CHAR if markup else TEXT_BYTES_PER_CHAR) + _SLACK


def over_limit(name: str, limit: int) -> InputFileError:
    """The one-line error for an input that is larger than the cap allows."""
    return InputFileError(f"{name}: over --max-chars (more than {limit:,} bytes)")


def _os_error(path: str, exc: OSError) -> InputFileError:
    if isinstance(exc, FileNotFoundError):
        return InputFileError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputFileError(f"{path}: is a folder, not a file (use `mtcheck batch` for folders)")
    if isinstance(exc, PermissionError):
        return InputFileError(f"{path}: permission denied")
    return InputFileError(f"{path}: cannot read ({exc.strerror or exc})")


def open_binary(path: str) -> BinaryIO:
    """A binary stream of a file, FIFO or device, or of stdin for ``-``; one-line errors."""
    if path == "-":
        return sys.stdin.buffer
    if os.path.isdir(path):
        raise InputFileError(f"{path}: is a folder, not a file (use `mtcheck batch` for folders)")
    try:
        return open(path, "rb")  # the caller closes it
    except OSError as exc:
        raise _os_error(path, exc) from None


def read_stream(stream: BinaryIO, limit: int, name: str) -> bytes:
    """All of ``stream`` if it holds at most ``limit`` bytes, else the over-limit error.

    Reads in chunks and stops one byte past the limit, so an endless source costs ``limit`` bytes
    of memory and the time to read them, never more.
    """
    buffer = bytearray()
    try:
        while True:
            chunk = stream.read(min(_CHUNK, limit + 1 - len(buffer)))
            if not chunk:
                return bytes(buffer)
            buffer += chunk
            if len(buffer) > limit:
                raise over_limit(name, limit)
    except OSError as exc:
        raise _os_error(name, exc) from None


def read_capped(path: str, limit: int) -> bytes:
    """The bytes of a file (or stdin for ``-``) if it holds at most ``limit`` bytes.

    A regular file is refused from its size before a byte is read (a 3 GB sparse file costs
    nothing); pipes, FIFOs and devices have no size, so they are read up to one byte past the limit.
    """
    name = "<stdin>" if path == "-" else path
    if path != "-":
        try:
            info = os.stat(path)
        except OSError as exc:
            raise _os_error(path, exc) from None
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise over_limit(name, limit)  # before opening it: a 3 GB file costs nothing
    stream = open_binary(path)
    try:
        return read_stream(stream, limit, name)
    finally:
        if path != "-":
            stream.close()


def iter_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Each line of ``stream`` without its line end, or ``None`` for a line over ``limit`` bytes.

    An over-long line is skipped in chunks, never held whole, and reading goes on with the next.
    """
    while True:
        line = stream.readline(limit + 2)  # room for the line and its "\r\n"
        if not line:
            return
        ended = line.endswith(b"\n")
        body = line.rstrip(b"\r\n") if ended else line
        if len(body) <= limit:
            yield body
            continue
        # Over the limit: drain the rest of this line chunk by chunk.
        while line and not line.endswith(b"\n"):
            line = stream.readline(_CHUNK)
        yield None
