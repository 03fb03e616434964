"""Readers: one per input format. ``read_article`` picks one by suffix or ``fmt``."""

from __future__ import annotations

from pathlib import Path

from mtcheck.errors import InputFileError
from mtcheck.readers.article import Article, nfc
from mtcheck.readers.decode import decode_bytes, decode_raw, normalise_line_ends
from mtcheck.readers.limits import DEFAULT_MAX_CHARS, byte_cap, read_capped

FORMATS = ("auto", "text", "markdown", "html")
_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """Bytes of a file or of stdin for ``-``, at most ``max_bytes`` (default: what the default
    ``--max-chars`` allows markup); a clear one-line error for anything unreadable or too large."""
    return read_capped(path, byte_cap() if max_bytes is None else max_bytes)


def detect_format(path: str, text: str, fmt: str = "auto") -> str:
    if fmt != "auto":
        if fmt not in FORMATS:
            raise InputFileError(f"unknown input format {fmt!r} (use {', '.join(FORMATS)})")
        return fmt
    suffix = Path(path).suffix.lower() if path != "-" else ""
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html")) or "<p>" in head or "<body" in head:
        return "html"
    return "text"


# The Markdown parser holds 22-51 bytes per byte of source (pulldown-cmark's tree; markdown-it-py's
# tokens were no lighter): the 32 MB the markup byte cap lets through at the default --max-chars
# took a rules-only check of dense Markdown past the 1.5 GB cap (MemoryError). Markdown's text is
# never longer than its source, and real markup around it is a fraction of it, so a source of more
# than 4 characters per --max-chars character cannot be an article within the limit worth parsing.
MARKDOWN_CHARS_PER_CHAR = 4


def article_from_text(
    text: str, doc_id: str, fmt: str = "text", raw: str | None = None, max_chars: int | None = None
) -> Article:
    """Turn decoded text of a given format into an Article with its analysed text (in NFC).

    ``raw`` is the file's text before line ends were normalised; with it the article keeps an
    ``Origin`` that maps analysed offsets back to the file (for ``mtcheck fix`` and CI positions).
    ``max_chars``: with it, Markdown of more than ``MARKDOWN_CHARS_PER_CHAR`` times that many
    characters is refused before it is parsed (``InputFileError``, the over --max-chars line).
    """
    if fmt == "markdown" and max_chars is not None and len(text) > MARKDOWN_CHARS_PER_CHAR * max_chars:
        raise InputFileError(
            f"{doc_id}: over --max-chars (Markdown of more than {MARKDOWN_CHARS_PER_CHAR * max_chars:,} "
            "characters)"
        )
    text = nfc(text)  # before parsing, so that suppression offsets index the NFC text too
    if fmt == "html":
        from mtcheck.readers.html import html_to_text

        analysed, suppressions = html_to_text(text)
    elif fmt == "markdown":
        from mtcheck.readers.markdown import markdown_to_text

        analysed, suppressions = markdown_to_text(text)
    else:
        analysed, suppressions = text, []
    article = Article(id=doc_id, text=analysed, format=fmt, suppressions=suppressions)
    if raw is not None:
        from mtcheck.readers.origin import origin_for

        article.origin = origin_for(raw, fmt, analysed)
    return article


def _chars(max_chars: int | None) -> int:
    return DEFAULT_MAX_CHARS if max_chars is None else max_chars


def _is_plain_text(path: str, fmt: str) -> bool:
    """Known to be plain text before reading: the format asked for, or the file's suffix."""
    return fmt == "text" or (fmt == "auto" and path != "-" and Path(path).suffix.lower() == ".txt")


def read_article(
    path: str, fmt: str = "auto", doc_id: str | None = None, max_chars: int | None = None
) -> Article:
    """One article file (or stdin for ``-``), read under the byte cap that ``max_chars`` implies."""
    name = "<stdin>" if path == "-" else path
    raw = decode_raw(read_bytes(path, byte_cap(max_chars, markup=not _is_plain_text(path, fmt))), name)
    text = normalise_line_ends(raw)
    fmt = detect_format(path, text, fmt)
    ident = doc_id or ("stdin" if path == "-" else Path(path).name)
    return article_from_text(text, ident, fmt, raw=raw, max_chars=_chars(max_chars))


def read_text_file(path: str, max_chars: int | None = None) -> str:
    """A plain text file (reference or source), decoded, capped and normalised like an article."""
    name = "<stdin>" if path == "-" else path
    return nfc(decode_bytes(read_bytes(path, byte_cap(max_chars, markup=False)), name))


__all__ = ["Article", "article_from_text", "detect_format", "nfc", "read_article", "read_text_file"]
