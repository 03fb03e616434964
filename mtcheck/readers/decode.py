"""Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an error."""

from __future__ import annotations

import codecs

from mtcheck.errors import InputFileError


def decode_bytes(data: bytes, name: str) -> str:
    """Decoded text with line ends normalised to LF (what readers analyse)."""
    return normalise_line_ends(decode_raw(data, name))


def normalise_line_ends(text: str) -> str:
    # Normalise line ends once, here, so that every offset indexes the same analysed text.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_raw(data: bytes, name: str) -> str:
    """Decoded text with line ends as in the file (``mtcheck fix`` writes those back)."""
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and _looks_like_bomless_utf16(data):
        raise InputFileError(
            f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)"
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{name}: not valid {encoding.upper()} text (byte {exc.start}); save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise InputFileError(f"{name}: looks like binary data (NUL characters), not text")
    return text


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """Mostly-ASCII UTF-16 puts a NUL in every other byte; real UTF-8 text has none."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3
