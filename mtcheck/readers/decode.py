"""Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an error."""

from __future__ import annotations

import codecs

from mtcheck.errors import InputFileError


def decode_bytes(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{name}: not valid {encoding.upper()} text (byte {exc.start}); save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise InputFileError(f"{name}: looks like binary data (NUL characters), not text")
    # Normalise line ends once, here, so that every offset indexes the same analysed text.
    return text.replace("\r\n", "\n").replace("\r", "\n")
