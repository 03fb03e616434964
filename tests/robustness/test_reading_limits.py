"""The capped readers in isolation: line splitting with an over-long line, caps and size checks."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from mtcheck.errors import InputFileError
from mtcheck.readers import read_article
from mtcheck.readers.feeds import read_jsonl
from mtcheck.readers.limits import byte_cap, iter_lines, read_capped, read_stream


class _CountingStream(io.BytesIO):
    """Records the largest single read, to show an over-long line is never read whole."""

    largest = 0

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.largest = max(self.largest, len(line))
        return line


def test_over_long_line_is_skipped_in_pieces_and_reading_goes_on() -> None:
    stream = _CountingStream(b"first\r\n" + b"x" * 50_000 + b"\nsecond\nlast without newline")
    assert list(iter_lines(stream, 100)) == [b"first", None, b"second", b"last without newline"]
    assert stream.largest <= 1 << 20  # chunks, never the 50,000-byte line at the 100-byte cap...
    stream = _CountingStream(b"x" * 5_000_000 + b"\nok\n")
    assert list(iter_lines(stream, 100)) == [None, b"ok"]
    assert stream.largest <= (1 << 20) + 1  # ...and never a 5 MB one either


def test_a_line_exactly_at_the_cap_is_kept() -> None:
    assert list(iter_lines(io.BytesIO(b"a" * 100 + b"\n" + b"b" * 101 + b"\n"), 100)) == [b"a" * 100, None]


def test_caps_follow_max_chars() -> None:
    assert byte_cap(1000, markup=False) - byte_cap(999, markup=False) == 4  # UTF-8's widest character
    assert byte_cap(1000) - byte_cap(999) == 16
    assert byte_cap(1000, markup=False) >= 4 * 1000


def test_stream_read_stops_one_byte_past_the_cap() -> None:
    stream = io.BytesIO(b"y" * 10_000)
    with pytest.raises(InputFileError, match="over --max-chars"):
        read_stream(stream, 1_000, "<stdin>")
    assert stream.tell() == 1_001
    assert read_stream(io.BytesIO(b"y" * 1_000), 1_000, "<stdin>") == b"y" * 1_000


def test_a_large_file_is_refused_by_size_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with open(path, "wb") as out:
        out.truncate(10 << 20)
    os.chmod(path, 0o200)  # write-only: a read would fail with "permission denied"
    try:
        if os.geteuid() != 0:
            with pytest.raises(InputFileError, match="permission denied"):
                read_capped(str(path), 1 << 30)
        with pytest.raises(InputFileError, match="over --max-chars"):
            read_capped(str(path), 1 << 20)  # refused from its size: never opened for reading
    finally:
        os.chmod(path, 0o600)


def test_plain_text_at_the_limit_in_four_byte_characters_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("𝔸" * 1_000, encoding="utf-8")  # 4 bytes each: exactly what the cap allows
    assert read_article(str(path), max_chars=1_000).text == "𝔸" * 1_000


def test_jsonl_escaped_text_at_the_limit_fits_the_line_cap(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    # Every character of mt as a \\u escape (6 bytes): a text at --max-chars still fits one line.
    escaped = "".join(f"\\u{ord(c):04x}" for c in "Talks went on. " * 66)[: 6 * 990]
    path.write_text('{"id": "a", "mt": "' + escaped + '"}\n', encoding="utf-8")
    (article,), errors = read_jsonl(str(path), max_chars=1_000)
    assert errors == [] and len(article.text) == 990
